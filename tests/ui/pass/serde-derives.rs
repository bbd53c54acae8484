use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use taos_orm::TdTable;

#[derive(Debug, Serialize, Deserialize, TdTable)]
#[serde(rename_all = "camelCase")]
#[taos(stable = "meters")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    #[serde(default)]
    current_value: Option<f32>,
    #[taos(tag, varchar(24))]
    #[serde(rename = "where")]
    location: String,
    #[taos(tbname)]
    #[serde(skip)]
    tbname: String,
}

fn main() {
    let json = r#"{"ts":"2024-01-01T00:00:00Z","currentValue":1.5,"where":"x"}"#;
    let meter: Meter = serde_json::from_str(json).unwrap();
    assert_eq!(meter.location, "x");
    assert_eq!(Meter::SCHEMA.columns[1].name, "current_value");
    assert_eq!(serde_json::to_value(&meter).unwrap()["where"], "x");
}
