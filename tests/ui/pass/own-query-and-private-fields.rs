// A struct may have its own `query`, and private fields keep their handles
// private: no `private_interfaces` warning for a public struct with a
// private field type.
#![deny(private_interfaces, private_bounds, dead_code)]

use taos_orm::query::Query;
use taos_orm::TdTable;

mod power {
    use taos_orm::TdTable;

    #[derive(Clone, Copy)]
    struct Calibration(f32);

    impl taos_orm::TdType for Calibration {
        const SQL_TYPE: taos_orm::SqlType = taos_orm::SqlType::Float;
        const NULLABLE: bool = false;
        fn to_value(&self) -> taos_orm::Value<'_> {
            taos_orm::Value::Float(self.0)
        }
        fn from_value(
            value: taos_orm::BorrowedValue<'_>,
        ) -> Result<Self, taos_orm::FromValueError> {
            <f32 as taos_orm::TdType>::from_value(value).map(Calibration)
        }
    }

    #[derive(TdTable)]
    #[taos(stable = "meters", child = "d{device}")]
    pub struct Meter {
        #[taos(ts)]
        pub ts: i64,
        pub current: f32,
        calibration: Calibration,
        #[taos(tag)]
        pub device: i32,
    }

    impl Meter {
        /// The user's own `query`, unrelated to the typed one.
        pub fn query(&self) -> f32 {
            self.current * self.calibration.0
        }

        pub fn new(current: f32) -> Meter {
            Meter { ts: 0, current, calibration: Calibration(2.0), device: 1 }
        }
    }

    pub fn calibrated() -> String {
        <Meter as TdTable>::query()
            .filter(|m| m.calibration.is_null())
            .to_sql(None, taos_orm::Precision::Millisecond)
            .unwrap()
    }
}

fn main() {
    let m = power::Meter::new(1.5);
    assert_eq!(m.query(), 3.0);
    let typed = <power::Meter as TdTable>::query().filter(|m| m.current.gt(1.0));
    let same = Query::<power::Meter>::new().filter(|m| m.current.gt(1.0));
    let sql = |q: &Query<power::Meter>| q.to_sql(None, taos_orm::Precision::Millisecond).unwrap();
    assert_eq!(sql(&typed), sql(&same));
    assert!(power::calibrated().contains("`calibration` IS NULL"));
}
