//! The rendered SQL of every clause and function, and the checks made
//! before anything is sent.

use chrono::{DateTime, TimeZone, Utc};
use taos::taos_query::common::Precision;

use super::*;
use crate::{Error, TdTable};

#[derive(Debug, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: DateTime<Utc>,
    current: Option<f32>,
    voltage: i32,
    #[taos(varchar(8))]
    status: Option<String>,
    #[taos(tag)]
    device: u32,
    #[taos(tag, nchar(16))]
    location: String,
}

#[derive(Debug, TdTable)]
#[taos(table = "log")]
struct Log {
    #[taos(ts)]
    ts: i64,
    level: u8,
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

fn sql<W>(q: &Query<Meter, W>) -> String {
    q.to_sql(Some("power"), Precision::Millisecond).unwrap()
}

fn err<W>(q: &Query<Meter, W>) -> String {
    match q.to_sql(Some("power"), Precision::Millisecond) {
        Err(Error::InvalidArgument(m)) => m,
        other => panic!("expected an InvalidArgument error, got {other:?}"),
    }
}

const FROM: &str = " FROM `power`.`meters`";

#[test]
fn default_select_lists_columns_tags_and_tbname() {
    assert_eq!(
        sql(&Meter::query()),
        format!("SELECT `ts`, `current`, `voltage`, `status`, `device`, `location`, tbname{FROM}")
    );
    assert_eq!(
        Log::query().to_sql(None, Precision::Millisecond).unwrap(),
        "SELECT `ts`, `level` FROM `log`"
    );
}

#[test]
fn comparisons_render_typed_literals() {
    let q = Meter::query().filter(|m| {
        m.current.gt(10.5)
            & m.voltage.le(220)
            & m.location.eq("it's")
            & m.device.ne(3)
            & m.voltage.lt(1)
            & m.voltage.ge(-1)
    });
    assert_eq!(
        sql(&q),
        format!("SELECT `ts`, `current`, `voltage`, `status`, `device`, `location`, tbname{FROM} WHERE (((((`current` > 10.5 AND `voltage` <= 220) AND `location` = 'it\\'s') AND `device` <> 3) AND `voltage` < 1) AND `voltage` >= -1)")
    );
}

#[test]
fn between_in_like_null_and_logic() {
    let q = Meter::query()
        .select(|m| m.ts)
        .filter(|m| m.voltage.between(1, 5).or(m.status.is_null().not()))
        .filter(|m| m.tbname.in_list(["d1", "d2"]) & m.location.like("Bei%"))
        .filter(|m| m.status.is_not_null() | m.location.not_like("x_") | m.device.not_in([7u32]));
    assert_eq!(
        sql(&q),
        format!("SELECT `ts`{FROM} WHERE (((`voltage` BETWEEN 1 AND 5 OR NOT (`status` IS NULL)) AND (tbname IN ('d1', 'd2') AND `location` LIKE 'Bei%')) AND ((`status` IS NOT NULL OR `location` NOT LIKE 'x_') OR `device` NOT IN (7)))")
    );
}

#[test]
fn empty_in_lists_match_nothing_or_everything() {
    let q = Meter::query()
        .select(|m| m.ts)
        .filter(|m| m.device.in_list(Vec::<u32>::new()) | m.device.not_in(Vec::<u32>::new()));
    assert_eq!(sql(&q), format!("SELECT `ts`{FROM} WHERE (1 = 0 OR 1 = 1)"));
}

#[test]
fn rust_ranges_of_timestamps() {
    let one = |q: Query<Meter>| sql(&q.select(|m| m.ts));
    assert_eq!(
        one(Meter::query().filter(|m| m.ts.range(at(1)..at(2)))),
        format!("SELECT `ts`{FROM} WHERE (`ts` >= 1000 AND `ts` < 2000)")
    );
    assert_eq!(
        one(Meter::query().filter(|m| m.ts.range(at(1)..=at(2)))),
        format!("SELECT `ts`{FROM} WHERE `ts` BETWEEN 1000 AND 2000")
    );
    assert_eq!(
        one(Meter::query().filter(|m| m.ts.range(at(1)..))),
        format!("SELECT `ts`{FROM} WHERE `ts` >= 1000")
    );
    assert_eq!(
        one(Meter::query().filter(|m| m.ts.range(..=at(2)))),
        format!("SELECT `ts`{FROM} WHERE `ts` <= 2000")
    );
    assert_eq!(
        one(Meter::query().filter(|m| m.ts.range(..))),
        format!("SELECT `ts`{FROM} WHERE 1 = 1")
    );
    let ns = Meter::query()
        .select(|m| m.ts)
        .filter(|m| m.ts.eq(at(1)))
        .to_sql(None, Precision::Nanosecond)
        .unwrap();
    assert_eq!(ns, "SELECT `ts` FROM `meters` WHERE `ts` = 1000000000");
}

#[test]
fn primary_timestamp_rejects_ne_and_in() {
    let q = Meter::query().filter(|m| m.ts.ne(at(1)));
    assert!(err(&q).contains("`<>` on the primary timestamp"));
    let q = Meter::query().filter(|m| m.ts.in_list([at(1)]));
    assert!(err(&q).contains("`IN` on the primary timestamp"));
}

#[test]
fn values_are_checked_against_their_column() {
    let q = Meter::query().filter(|m| m.location.eq("a string well over sixteen characters"));
    assert!(err(&q).contains("filter value for `location`"));
    let q = Meter::query().filter(|m| m.current.gt(f32::NAN));
    assert!(err(&q).contains("`current`"));
}

#[test]
fn raw_fragments_bind_escaped_values() {
    let q = Meter::query().select(|m| m.ts).filter(|_| {
        Cond::raw("`current` * `voltage` > ? AND `location` <> '?' AND `status` = ?")
            .bind(1000.5)
            .bind("x' OR 1=1 --")
    });
    assert_eq!(
        sql(&q),
        format!("SELECT `ts`{FROM} WHERE (`current` * `voltage` > 1000.5 AND `location` <> '?' AND `status` = 'x\\' OR 1=1 --')")
    );
    let count = |q: &Query<Meter>| q.to_sql(None, Precision::Millisecond).unwrap_err();
    let q = Meter::query().filter(|_| Cond::raw("a = ? AND b = ?").bind(1));
    assert!(matches!(
        count(&q),
        Error::BindCount {
            placeholders: 2,
            values: 1
        }
    ));
    let q = Meter::query().filter(|_| Cond::raw("a = ? -- ?").bind(1).bind(2));
    assert!(matches!(
        count(&q),
        Error::BindCount {
            placeholders: 1,
            values: 2
        }
    ));
    let q = Meter::query().filter(|_| Cond::raw("a = 'open"));
    assert!(err(&q).contains("unclosed string literal"));
}

#[test]
fn order_limit_offset_slimit_soffset() {
    let q = Meter::query()
        .select(|m| (m.ts, m.current))
        .partition_by(|m| m.tbname)
        .order_by(|m| (m.ts.desc(), m.current.asc()))
        .slimit(2)
        .soffset(1)
        .limit(10)
        .offset(5);
    assert_eq!(
        sql(&q),
        format!("SELECT `ts`, `current`{FROM} PARTITION BY tbname ORDER BY `ts` DESC, `current` ASC SLIMIT 2 SOFFSET 1 LIMIT 10 OFFSET 5")
    );
    let q = Meter::query().select(|m| m.ts).limit(3);
    assert_eq!(sql(&q), format!("SELECT `ts`{FROM} LIMIT 3"));
    let q = Meter::query()
        .select(|m| avg(m.current).alias("a"))
        .partition_by(|m| m.location)
        .order_by(|_| Ordering::alias("a", Order::Desc));
    assert_eq!(
        sql(&q),
        format!("SELECT AVG(`current`) AS `a`{FROM} PARTITION BY `location` ORDER BY `a` DESC")
    );
    let q = Meter::query().slimit(1);
    assert_eq!(err(&q), "SLIMIT/SOFFSET need PARTITION BY or GROUP BY");
}

#[test]
fn child_tables() {
    let q = Meter::query().select(|m| m.ts).from_child("d1");
    assert_eq!(sql(&q), "SELECT `ts` FROM `power`.`d1`");
}

#[test]
fn last_row_first_last_read_back_as_rows() {
    assert_eq!(
        sql(&Meter::query().last_row().partition_by(|m| m.tbname)),
        format!("SELECT LAST_ROW(`ts`) AS `ts`, LAST_ROW(`current`) AS `current`, LAST_ROW(`voltage`) AS `voltage`, LAST_ROW(`status`) AS `status`, `device`, `location`, tbname{FROM} PARTITION BY tbname")
    );
    let by_table = |q: Query<Meter, _>| sql(&q.partition_by(|m| m.tbname));
    assert!(by_table(Meter::query().first()).starts_with("SELECT FIRST(`ts`) AS `ts`,"));
    assert!(by_table(Meter::query().last()).starts_with("SELECT LAST(`ts`) AS `ts`,"));
    // On one child table the tags are constant, so no partition is needed.
    assert!(sql(&Meter::query().last_row().from_child("d1")).starts_with("SELECT LAST_ROW("));
}

#[test]
fn several_selections_keep_plain_columns_constant_per_group() {
    // TDengine answers these with 0x260C "Not a single-group group function".
    assert!(err(&Meter::query().last_row()).contains("`device`"));
    let q = Meter::query().select(|m| (last_row(m.ts), last_row(m.current), m.tbname));
    assert!(err(&q).contains("tbname"));
    let q = Meter::query()
        .from_child("d1")
        .select(|m| (last_row(m.ts), last_row(m.current), m.voltage));
    assert!(err(&q).contains("`voltage`"));
    let q = Meter::query()
        .select(|m| (count_all(), m.device))
        .partition_by(|m| m.location);
    assert!(err(&q).contains("`device`"));
    // One selection carries anything; partition keys and (by tbname) tags are fine.
    sql(&Meter::query().select(|m| (last_row(m.current), m.voltage, m.device)));
    sql(&Meter::query()
        .select(|m| (count_all(), m.device, m.tbname))
        .partition_by(|m| m.tbname));
    sql(&Meter::query()
        .select(|m| (max(m.current), min(m.voltage), m.location))
        .partition_by(|m| m.location));
}

#[test]
fn every_function() {
    let q = Meter::query().from_child("d1").select(|m| {
        vec![
            count_all().into(),
            count(m.current).into(),
            avg(m.current).into(),
            sum(m.voltage).into(),
            min(m.voltage).into(),
            max(m.status).into(),
            spread(m.ts).into(),
            stddev(m.current).into(),
            first(m.status).into(),
            last(m.current).into(),
            last_row(m.current).into(),
            percentile(m.voltage, 90.0).into(),
            apercentile(m.voltage, 50).into(),
            twa(m.current).into(),
            elapsed(m.ts, Some(TimeSpan::seconds(1))).into(),
            irate(m.voltage).alias("r"),
        ]
    });
    assert_eq!(
        sql(&q),
        "SELECT COUNT(*), COUNT(`current`), AVG(`current`), SUM(`voltage`), MIN(`voltage`), MAX(`status`), SPREAD(`ts`), STDDEV(`current`), FIRST(`status`), LAST(`current`), LAST_ROW(`current`), PERCENTILE(`voltage`, 90.0), APERCENTILE(`voltage`, 50), TWA(`current`), ELAPSED(`ts`, 1s), IRATE(`voltage`) AS `r` FROM `power`.`d1`"
    );
    let q = Meter::query().select(|m| (top(m.voltage, 3), m.ts));
    assert_eq!(sql(&q), format!("SELECT TOP(`voltage`, 3), `ts`{FROM}"));
    let q = Meter::query().select(|m| bottom(m.current, 1));
    assert_eq!(sql(&q), format!("SELECT BOTTOM(`current`, 1){FROM}"));
    let q = Meter::query().select(|m| {
        (
            diff(m.voltage),
            derivative(m.current, TimeSpan::seconds(1), true),
            csum(m.current),
        )
    });
    assert_eq!(
        sql(&q),
        format!("SELECT DIFF(`voltage`), DERIVATIVE(`current`, 1s, 1), CSUM(`current`){FROM}")
    );
}

#[test]
fn function_arguments_are_checked() {
    assert!(err(&Meter::query().select(|m| top(m.voltage, 0))).contains("1..=100"));
    assert!(err(&Meter::query().select(|m| bottom(m.voltage, 101))).contains("1..=100"));
    let q = Meter::query()
        .from_child("d1")
        .select(|m| percentile(m.voltage, 101.0));
    assert!(err(&q).contains("0..=100"));
    let q = Meter::query().select(|m| percentile(m.voltage, 50.0));
    assert!(err(&q).contains("PERCENTILE works on one table only"));
    // A real server takes units below a second, and ELAPSED over a whole
    // super table (the merged timeline).
    let q = Meter::query().select(|m| derivative(m.voltage, TimeSpan::millis(10), false));
    assert_eq!(
        sql(&q),
        format!("SELECT DERIVATIVE(`voltage`, 10a, 0){FROM}")
    );
    let q = Meter::query().select(|m| derivative(m.voltage, TimeSpan::millis(0), false));
    assert!(err(&q).contains("non-zero"));
    let q = Meter::query().select(|m| elapsed(m.ts, None));
    assert_eq!(sql(&q), format!("SELECT ELAPSED(`ts`){FROM}"));
    let q = Meter::query()
        .select(|m| elapsed(m.ts, None))
        .partition_by(|m| m.tbname);
    assert_eq!(
        sql(&q),
        format!("SELECT ELAPSED(`ts`){FROM} PARTITION BY tbname")
    );
    let q = Meter::query().select(|m| (avg(m.current), m.voltage));
    assert!(err(&q).contains("`voltage` cannot sit beside an aggregate"));
    let q = Meter::query().select(|m| (max(m.current), m.voltage));
    assert_eq!(sql(&q), format!("SELECT MAX(`current`), `voltage`{FROM}"));
    let q = Meter::query().select(|_| wstart());
    assert_eq!(err(&q), "_wstart exists only in window queries");
}

#[test]
fn interval_offset_sliding_fill() {
    let q = Meter::query()
        .select(|m| (wstart(), wend(), wduration(), avg(m.current).alias("avg")))
        .filter(|m| m.ts.range(at(0)..at(3600)))
        .partition_by(|m| m.tbname)
        .interval(TimeSpan::minutes(10))
        .offset_by(TimeSpan::minutes(1))
        .sliding(TimeSpan::minutes(5))
        .fill(Fill::Prev);
    assert_eq!(
        sql(&q),
        format!("SELECT _wstart, _wend, _wduration, AVG(`current`) AS `avg`{FROM} WHERE (`ts` >= 0 AND `ts` < 3600000) PARTITION BY tbname INTERVAL(10m, 1m) SLIDING(5m) FILL(PREV)")
    );
    let modes = [
        (Fill::None, "NONE"),
        (Fill::Null, "NULL"),
        (Fill::NullF, "NULL_F"),
        (Fill::value([1.5]), "VALUE, 1.5"),
        (Fill::value_f([7]), "VALUE_F, 7"),
        (Fill::Prev, "PREV"),
        (Fill::Next, "NEXT"),
        (Fill::Linear, "LINEAR"),
    ];
    for (fill, text) in modes {
        let q = Meter::query()
            .select(|m| max(m.voltage))
            .filter(|m| m.ts.range(at(0)..=at(60)))
            .interval(TimeSpan::millis(10))
            .fill(fill);
        assert_eq!(
            sql(&q),
            format!("SELECT MAX(`voltage`){FROM} WHERE `ts` BETWEEN 0 AND 60000 INTERVAL(10a) FILL({text})")
        );
    }
}

#[test]
fn duration_units() {
    let units = [
        (TimeSpan::nanos(1), "1b"),
        (TimeSpan::micros(2), "2u"),
        (TimeSpan::millis(3), "3a"),
        (TimeSpan::seconds(4), "4s"),
        (TimeSpan::minutes(5), "5m"),
        (TimeSpan::hours(6), "6h"),
        (TimeSpan::days(7), "7d"),
        (TimeSpan::weeks(8), "8w"),
        (TimeSpan::months(9), "9n"),
        (TimeSpan::years(10), "10y"),
    ];
    for (d, text) in units {
        assert_eq!(d.sql(), text);
    }
    assert_eq!(TimeSpan::hours(1).len_nanos(), Some(3_600_000_000_000));
    assert_eq!(TimeSpan::months(1).len_nanos(), None);
}

#[test]
fn interval_rules() {
    let base = || Meter::query().select(|m| count(m.voltage));
    let q = base()
        .interval(TimeSpan::minutes(1))
        .sliding(TimeSpan::minutes(2));
    assert!(err(&q).contains("no longer than the interval"));
    let q = base()
        .interval(TimeSpan::minutes(10))
        .sliding(TimeSpan::seconds(5));
    assert!(err(&q).contains("at least 1%"));
    let q = base()
        .interval(TimeSpan::months(1))
        .sliding(TimeSpan::days(1));
    assert!(err(&q).contains("calendar units"));
    let q = base()
        .interval(TimeSpan::minutes(1))
        .offset_by(TimeSpan::seconds(60));
    assert!(err(&q).contains("shorter than the interval"));
    let q = base()
        .interval(TimeSpan::months(2))
        .offset_by(TimeSpan::months(1));
    assert_eq!(
        sql(&q),
        format!("SELECT COUNT(`voltage`){FROM} INTERVAL(2n, 1n)")
    );
    let q = base().interval(TimeSpan::seconds(0));
    assert!(err(&q).contains("positive"));
}

#[test]
fn fill_rules() {
    let q = Meter::query()
        .select(|m| avg(m.current))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::Null);
    assert!(err(&q).starts_with("FILL needs a time range"));
    let q = Meter::query()
        .select(|m| avg(m.current))
        .filter(|m| m.ts.range(at(0)..))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::Linear);
    assert!(err(&q).starts_with("FILL needs a time range"));
    let q = Meter::query()
        .select(|m| avg(m.current))
        .filter(|m| m.ts.range(at(0)..at(1)).or(m.voltage.gt(1)))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::Linear);
    assert!(err(&q).starts_with("FILL needs a time range"));
    let q = Meter::query()
        .select(|m| avg(m.current))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::None);
    assert_eq!(
        sql(&q),
        format!("SELECT AVG(`current`){FROM} INTERVAL(1m) FILL(NONE)")
    );
    let q = Meter::query()
        .select(|m| (wstart(), avg(m.current), max(m.voltage)))
        .filter(|m| m.ts.range(at(0)..at(1)))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::value([1]));
    assert!(err(&q).contains("one value per aggregate of the select list: 2, got 1"));
    let q = Meter::query()
        .select(|m| top(m.voltage, 2))
        .filter(|m| m.ts.range(at(0)..at(1)))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::Prev);
    assert_eq!(err(&q), "TOP/BOTTOM cannot be used with FILL");
    let q = Meter::query()
        .select(|m| avg(m.current))
        .filter(|m| m.ts.range(at(0)..at(1)))
        .interval(TimeSpan::minutes(1))
        .fill(Fill::value([f64::INFINITY]));
    assert!(err(&q).contains("not a finite number"));
}

#[test]
fn window_select_lists_are_checked() {
    let q = Meter::query().interval(TimeSpan::minutes(1));
    assert!(err(&q).contains("`SELECT *` is not allowed"));
    let q = Meter::query()
        .select(|_| wstart())
        .interval(TimeSpan::minutes(1));
    assert!(err(&q).contains("at least one aggregate"));
    let q = Meter::query()
        .select(|m| (m.voltage, avg(m.current)))
        .interval(TimeSpan::minutes(1));
    assert!(err(&q).contains("`voltage` in a window query must be"));
    let q = Meter::query()
        .select(|m| (m.location, avg(m.current)))
        .partition_by(|m| m.location)
        .interval(TimeSpan::minutes(1));
    assert_eq!(
        sql(&q),
        format!("SELECT `location`, AVG(`current`){FROM} PARTITION BY `location` INTERVAL(1m)")
    );
    let q = Meter::query()
        .select(|m| (diff(m.voltage), count_all()))
        .interval(TimeSpan::minutes(1));
    assert_eq!(err(&q), "DIFF cannot be used in a window query");
}

#[test]
fn session_state_event_count_windows() {
    let q = Meter::query()
        .select(|_| (wstart(), count_all()))
        .session(TimeSpan::seconds(30));
    assert_eq!(
        sql(&q),
        format!("SELECT _wstart, COUNT(*){FROM} SESSION(`ts`, 30s)")
    );
    let q = Meter::query()
        .select(|_| (wstart(), count_all()))
        .partition_by(|m| m.tbname)
        .state_window(|m| m.status)
        .true_for(TimeSpan::seconds(2));
    assert_eq!(
        sql(&q),
        format!("SELECT _wstart, COUNT(*){FROM} PARTITION BY tbname STATE_WINDOW(`status`) TRUE_FOR(2s)")
    );
    let q = Meter::query()
        .select(|_| (wstart(), count_all()))
        .state_window(|m| m.device);
    assert!(err(&q).contains("not the tag `device`"));
    let q = Meter::query()
        .select(|m| (wstart(), wend(), max(m.voltage)))
        .event_window(|m| (m.voltage.gt(10), m.voltage.lt(5) | m.status.eq("off")));
    assert_eq!(
        sql(&q),
        format!("SELECT _wstart, _wend, MAX(`voltage`){FROM} EVENT_WINDOW START WITH `voltage` > 10 END WITH (`voltage` < 5 OR `status` = 'off')")
    );
    let q = Meter::query().select(|m| sum(m.voltage)).count_window(3);
    assert_eq!(
        sql(&q),
        format!("SELECT SUM(`voltage`){FROM} COUNT_WINDOW(3)")
    );
    let q = Meter::query()
        .select(|m| sum(m.voltage))
        .count_window_sliding(4, 2);
    assert_eq!(
        sql(&q),
        format!("SELECT SUM(`voltage`){FROM} COUNT_WINDOW(4, 2)")
    );
    let q = Meter::query().select(|m| sum(m.voltage)).count_window(1);
    assert!(err(&q).contains("2..=2^31-1"));
    let q = Meter::query()
        .select(|m| sum(m.voltage))
        .count_window_sliding(4, 5);
    assert!(err(&q).contains("slide must be in 1..=4"));
    let q = Meter::query()
        .select(|m| sum(m.voltage))
        .session(TimeSpan::seconds(0));
    assert!(err(&q).contains("positive"));
}

#[test]
fn aliases_are_checked_identifiers() {
    let q = Meter::query().select(|m| avg(m.current).alias("a`b"));
    assert!(err(&q).contains("backtick"));
    let q = Meter::query().select(|m| m.current.alias("Cur"));
    assert_eq!(sql(&q), format!("SELECT `current` AS `cur`{FROM}"));
}

#[test]
fn handles_know_their_columns() {
    let m = Meter::COLUMNS;
    assert_eq!(m.current.name(), "current");
    assert_eq!(m.location.name(), "location");
    assert_eq!(m.tbname.name(), "tbname");
    assert_eq!(format!("{:?}", avg(m.current)), "Expr(AVG(`current`))");
}

#[test]
fn group_by_with_having() {
    let q = Meter::query()
        .select(|m| (m.location, avg(m.current).alias("a"), count_all()))
        .filter(|m| m.voltage.gt(10))
        .group_by(|m| (m.location, m.status))
        .having(|m| avg(m.current).gt(2.0) | m.location.eq("bj"))
        .having(|m| max(m.voltage).between(1, 100) & count_all().is_not_null())
        .order_by(|m| (m.location.asc(), count_all().desc()))
        .slimit(1)
        .limit(5);
    assert_eq!(
        sql(&q),
        format!(
            "SELECT `location`, AVG(`current`) AS `a`, COUNT(*){FROM} WHERE `voltage` > 10 \
             GROUP BY `location`, `status` HAVING ((AVG(`current`) > 2.0 OR `location` = 'bj') \
             AND (MAX(`voltage`) BETWEEN 1 AND 100 AND COUNT(*) IS NOT NULL)) \
             ORDER BY `location` ASC, COUNT(*) DESC SLIMIT 1 LIMIT 5"
        )
    );
    // Group by tbname: tags are constant per group.
    let q = Meter::query()
        .select(|m| (m.tbname, m.location, count_all()))
        .group_by(|m| m.tbname)
        .having(|m| m.location.ne("x"));
    assert_eq!(
        sql(&q),
        format!(
            "SELECT tbname, `location`, COUNT(*){FROM} GROUP BY tbname HAVING `location` <> 'x'"
        )
    );
    // One selection function carries plain columns from its row.
    let q = Meter::query()
        .select(|m| (max(m.current), m.voltage))
        .group_by(|m| m.location);
    assert!(q.to_sql(None, Precision::Millisecond).is_ok());
    // Timestamps compared with an aggregate are in the database precision.
    let q = Meter::query()
        .select(|m| (m.location, last(m.ts)))
        .group_by(|m| m.location)
        .having(|m| last(m.ts).gt(at(1)));
    assert_eq!(
        q.to_sql(None, Precision::Microsecond).unwrap(),
        "SELECT `location`, LAST(`ts`) FROM `meters` GROUP BY `location` HAVING LAST(`ts`) > 1000000"
    );
}

#[test]
fn group_by_rules() {
    let no_key = Meter::query()
        .select(|m| (m.voltage, count_all()))
        .group_by(|m| m.location);
    assert!(err(&no_key).contains("`voltage` is not a GROUP BY key"));
    let no_function = Meter::query()
        .select(|m| m.voltage)
        .group_by(|m| m.location);
    assert!(err(&no_function).contains("`voltage` is not a GROUP BY key"));
    let two_selections = Meter::query()
        .select(|m| (max(m.current), m.voltage, count_all()))
        .group_by(|m| m.location);
    assert!(err(&two_selections).contains("`voltage` is not a GROUP BY key"));
    let tbname = Meter::query()
        .select(|m| (m.tbname, count_all()))
        .group_by(|m| m.location);
    assert!(err(&tbname).contains("tbname is not a GROUP BY key"));
    // On one child table its tags are constant.
    let child = Meter::query()
        .from_child("d1")
        .select(|m| (m.location, count_all()))
        .group_by(|m| m.voltage);
    assert!(child.to_sql(None, Precision::Millisecond).is_ok());
    let star = Meter::query().group_by(|m| m.location);
    assert!(err(&star).contains("needs a select list"));
    let series = Meter::query()
        .select(|m| (m.location, diff(m.voltage)))
        .group_by(|m| m.location);
    assert!(err(&series).contains("DIFF cannot be used with GROUP BY"));
    let aggregate_key = Meter::query()
        .select(|_| count_all())
        .group_by(|m| max(m.voltage));
    assert!(err(&aggregate_key).contains("a key must be a column"));
    let pseudo = Meter::query()
        .select(|_| (wstart(), count_all()))
        .group_by(|m| m.location);
    assert!(err(&pseudo).contains("_wstart exists only in window queries"));
    let having = Meter::query()
        .select(|m| (m.location, count_all()))
        .group_by(|m| m.location)
        .having(|m| m.current.gt(1.0));
    assert!(err(&having).contains("HAVING compares `current`"));
    let order = Meter::query()
        .select(|m| (m.location, count_all()))
        .group_by(|m| m.location)
        .order_by(|m| m.voltage.asc());
    assert!(err(&order).contains("ORDER BY `voltage` in a GROUP BY query"));
    let bad_value = Meter::query()
        .select(|m| (m.location, avg(m.current)))
        .group_by(|m| m.location)
        .having(|m| avg(m.current).gt(f64::NAN));
    assert!(err(&bad_value).contains("value compared with AVG(`current`)"));
}

#[test]
fn aggregates_stay_out_of_where() {
    let q = Meter::query()
        .select(|_| count_all())
        .filter(|m| m.voltage.gt(1) & avg(m.current).gt(1.0));
    assert!(err(&q).contains("WHERE cannot hold the aggregate AVG(`current`)"));
    let q = Meter::query()
        .select(|m| count(m.voltage))
        .event_window(|m| (max(m.voltage).gt(1), m.voltage.lt(0)));
    assert!(err(&q).contains("EVENT_WINDOW conditions cannot hold the aggregate MAX(`voltage`)"));
}

#[test]
fn windows_take_having_on_aggregates_and_partition_keys() {
    let q = Meter::query()
        .select(|m| (m.tbname, wstart(), count_all()))
        .filter(|m| m.ts.range(at(0)..at(60)))
        .partition_by(|m| m.tbname)
        .interval(TimeSpan::seconds(10))
        .having(|m| count_all().gt(1) & m.tbname.ne("d9"));
    assert_eq!(
        sql(&q),
        format!(
            "SELECT tbname, _wstart, COUNT(*){FROM} WHERE (`ts` >= 0 AND `ts` < 60000) \
             PARTITION BY tbname INTERVAL(10s) HAVING (COUNT(*) > 1 AND tbname <> 'd9')"
        )
    );
    let q = Meter::query()
        .select(|_| (wstart(), count_all()))
        .interval(TimeSpan::seconds(10))
        .having(|m| m.voltage.gt(1));
    assert!(err(&q).contains("neither an aggregate nor a PARTITION BY key"));
}

#[test]
fn having_needs_groups_or_windows() {
    let q = Meter::query()
        .select(|_| count_all())
        .having(|_| count_all().gt(1));
    assert!(err(&q).contains("HAVING needs GROUP BY, PARTITION BY or a window"));
    let q = Meter::query()
        .select(|m| (m.tbname, count_all()))
        .partition_by(|m| m.tbname)
        .having(|_| count_all().gt(1));
    assert_eq!(
        sql(&q),
        format!("SELECT tbname, COUNT(*){FROM} PARTITION BY tbname HAVING COUNT(*) > 1")
    );
}

#[test]
fn interp_range_every_fill() {
    let q = Meter::query()
        .select(|m| (irowts(), isfilled(), interp(m.current), interp(m.voltage)))
        .filter(|m| m.voltage.gt(0))
        .interp_range(at(0), at(10), TimeSpan::seconds(5), Fill::value([1, 2]));
    assert_eq!(
        q.to_sql(Some("power"), Precision::Microsecond).unwrap(),
        format!(
            "SELECT _irowts, _isfilled, INTERP(`current`), INTERP(`voltage`){FROM} WHERE `voltage` > 0 \
             RANGE(0, 10000000) EVERY(5s) FILL(VALUE, 1, 2)"
        )
    );
    let q = Meter::query()
        .select(|m| (m.tbname, m.location, interp(m.current)))
        .partition_by(|m| m.tbname)
        .interp_at(at(3), Fill::Near);
    assert_eq!(
        sql(&q),
        format!("SELECT tbname, `location`, INTERP(`current`){FROM} PARTITION BY tbname RANGE(3000) FILL(NEAR)")
    );
}

#[test]
fn interp_rules() {
    let mixed = Meter::query()
        .select(|m| (interp(m.current), count_all()))
        .interp_at(at(0), Fill::Prev);
    assert!(err(&mixed).contains("INTERP cannot be mixed with other functions such as COUNT"));
    let plain = Meter::query()
        .select(|m| (interp(m.current), m.voltage))
        .interp_at(at(0), Fill::Prev);
    assert!(err(&plain).contains("`voltage` in an INTERP query"));
    let none = Meter::query()
        .select(|m| interp(m.current))
        .interp_at(at(0), Fill::None);
    assert!(err(&none).contains("INTERP takes FILL(NULL)"));
    let values = Meter::query()
        .select(|m| (interp(m.current), interp(m.voltage)))
        .interp_at(at(0), Fill::value([1]));
    assert!(err(&values).contains("one value per INTERP"));
    let no_interp = Meter::query()
        .select(|_| irowts())
        .interp_at(at(0), Fill::Prev);
    assert!(err(&no_interp).contains("needs at least one `interp(..)`"));
    let wstart_in_interp = Meter::query()
        .select(|m| (wstart(), interp(m.current)))
        .interp_at(at(0), Fill::Prev);
    assert!(err(&wstart_in_interp).contains("_wstart"));
    let no_range = Meter::query().select(|m| interp(m.current));
    assert!(err(&no_range).contains("INTERP needs `interp_range` or `interp_at`"));
    let in_interval = Meter::query()
        .select(|m| interp(m.current))
        .interval(TimeSpan::seconds(1));
    assert!(err(&in_interval).contains("INTERP needs `interp_range`"));
    let irowts_elsewhere = Meter::query()
        .select(|_| (irowts(), count_all()))
        .interval(TimeSpan::seconds(1));
    assert!(err(&irowts_elsewhere).contains("_irowts exists only in INTERP queries"));
    let near_interval = Meter::query()
        .select(|m| avg(m.current))
        .filter(|m| m.ts.range(at(0)..at(9)))
        .interval(TimeSpan::seconds(1))
        .fill(Fill::Near);
    assert!(err(&near_interval).contains("FILL(NEAR) exists only in INTERP"));
    let having = Meter::query()
        .select(|m| interp(m.current))
        .interp_at(at(0), Fill::Prev)
        .having(|m| interp(m.current).gt(0.0));
    assert!(err(&having).contains("HAVING cannot go with INTERP"));
    let bad_bound = Meter::query()
        .select(|m| interp(m.current))
        .interp_at("yesterday", Fill::Prev);
    assert!(err(&bad_bound).contains("INTERP RANGE bound"));
}
