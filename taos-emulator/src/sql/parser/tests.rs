use super::*;
use crate::sql::ast::*;

fn stmt(sql: &str) -> Statement {
    parse(sql).unwrap().stmt
}

#[test]
fn create_stable_with_options() {
    let s = stmt("CREATE STABLE IF NOT EXISTS power.Meters (ts TIMESTAMP, current FLOAT ENCODE 'delta-d' COMPRESS 'lz4' LEVEL 'high', `Loc` BINARY(16)) TAGS (gid INT) COMMENT 'x'");
    let Statement::CreateStable {
        if_not_exists,
        name,
        columns,
        tags,
        comment,
    } = s
    else {
        panic!("not a stable: {s:?}")
    };
    assert!(if_not_exists);
    assert_eq!(name.db.as_deref(), Some("power"));
    assert_eq!(name.name, "meters");
    assert_eq!(columns.len(), 3);
    assert_eq!(columns[2].name, "Loc");
    assert_eq!(
        columns[2].dt,
        DataType {
            ty: Ty::VarChar,
            len: 16
        }
    );
    assert_eq!(columns[1].encode.as_deref(), Some("delta-d"));
    assert_eq!(tags[0].dt.ty, Ty::Int);
    assert_eq!(comment.as_deref(), Some("x"));
}

#[test]
fn insert_multi_table_with_using() {
    let p = parse("insert into d1 using st tags('a', 1) (ts, v) values (now - 1h, 1) (1626164208000 + 1s, -2.5) d2 values ('2024-01-01 00:00:00', NULL)").unwrap();
    let Statement::Insert(t) = &p.stmt else {
        panic!()
    };
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].rows.len(), 2);
    assert_eq!(t[0].rows[0][0].lit, Literal::Now);
    assert_eq!(t[0].rows[0][0].offsets, vec![(true, 1, 'h')]);
    assert_eq!(p.text(t[0].rows[1][1].span), "-2.5");
    assert_eq!(t[1].rows[0][1].lit, Literal::Null);
}

#[test]
fn select_clauses() {
    let s = stmt("SELECT AVG(Current) a, count(*) FROM meters WHERE ts >= '2024-01-01' AND loc LIKE 'b%' GROUP BY loc ORDER BY a DESC NULLS LAST LIMIT 5, 10");
    let Statement::Select(s) = s else { panic!() };
    assert!(
        matches!(&s.items[0], SelectItem::Expr { alias: Some(a), text, .. } if a == "a" && text == "avg(current)")
    );
    assert!(
        matches!(&s.items[1], SelectItem::Expr { alias: None, text, .. } if text == "count(*)")
    );
    assert_eq!(s.limit, Some(10));
    assert_eq!(s.offset, 5);
    assert!(s.order_by[0].desc);
    assert_eq!(s.order_by[0].nulls_first, Some(false));
}

#[test]
fn reserved_word_needs_backticks() {
    assert_eq!(
        parse("create table t (ts timestamp, value int)")
            .unwrap_err()
            .code,
        0x2600
    );
    assert!(parse("create table t (ts timestamp, `value` int)").is_ok());
}

#[test]
fn incomplete_and_garbage() {
    assert_eq!(parse("select").unwrap_err().code, 0x2601);
    let e = parse("selec 1").unwrap_err();
    assert_eq!(e.message, "syntax error near \"selec 1\"");
    assert!(parse(&"(".repeat(10_000)).is_err());
    assert!(parse(&format!("select {}1", "-".repeat(10_000))).is_err());
}

#[test]
fn window_clauses_after_from() {
    for sql in [
        "select count(*) from d1 event_window start with v >= 2 end with v >= 3",
        "select _irowts, interp(v) from d1 range('2024-01-01', '2024-01-02') every(1m) fill(prev)",
        "select count(*) from d1 count_window(3)",
        "SELECT _wstart, count(*), sum(current) FROM d1 EVENT_WINDOW START WITH current >= 2 END WITH current >= 3",
    ] {
        let p = parse(sql);
        assert!(p.is_ok(), "{sql}: {p:?}");
    }
}
