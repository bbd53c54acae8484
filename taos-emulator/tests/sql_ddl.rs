//! DDL, DESCRIBE, SHOW and information_schema.

mod sql_support;
use sql_support::*;
use taos_query::common::Ty;

#[test]
fn database_lifecycle() {
    let (e, mut s) = engine(&[]);
    exec(
        &e,
        &mut s,
        "CREATE DATABASE IF NOT EXISTS db1 PRECISION 'us' KEEP 3650 VGROUPS 2 BUFFER 64",
    );
    assert_eq!(err(&e, &mut s, "CREATE DATABASE db1").code, 0x0381);
    exec(&e, &mut s, "CREATE DATABASE IF NOT EXISTS db1");
    assert_eq!(err(&e, &mut s, "USE nope").code, 0x0388);
    exec(&e, &mut s, "USE db1");
    assert_eq!(
        query(&e, &mut s, "select database()").text(),
        vec![vec!["db1"]]
    );
    let r = query(
        &e,
        &mut s,
        "SELECT name, `precision`, `keep` FROM information_schema.ins_databases WHERE name = 'db1'",
    );
    assert_eq!(
        r.text(),
        vec![vec!["db1", "us", "5256000m,5256000m,5256000m"]]
    );
    exec(&e, &mut s, "DROP DATABASE db1");
    assert_eq!(err(&e, &mut s, "DROP DATABASE db1").code, 0x0388);
    exec(&e, &mut s, "DROP DATABASE IF EXISTS db1");
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, v INT)").code,
        0x2616
    );
}

#[test]
fn database_option_ranges() {
    let (e, mut s) = engine(&[]);
    assert_eq!(
        err(&e, &mut s, "CREATE DATABASE d PRECISION 'xs'").code,
        0x2618
    );
    assert_eq!(err(&e, &mut s, "CREATE DATABASE d VGROUPS 0").code, 0x2618);
    assert_eq!(err(&e, &mut s, "CREATE DATABASE d KEEP 0").code, 0x2618);
    assert_eq!(
        err(&e, &mut s, "CREATE DATABASE d DURATION 10d KEEP 20d").code,
        0x2618
    );
    exec(&e, &mut s, "CREATE DATABASE d KEEP 100h,100d,3650d DURATION 1d CACHEMODEL 'last_row' COMP 2 WAL_LEVEL 1");
}

#[test]
fn describe_stable_with_compression_and_tags() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE power",
        "USE power",
        "CREATE STABLE st (ts TIMESTAMP, pk INT PRIMARY KEY, v DOUBLE ENCODE 'delta-d' COMPRESS 'zstd' LEVEL 'high', name BINARY(20), n NCHAR(5)) TAGS (loc VARCHAR(16), gid INT)",
    ]);
    let r = query(&e, &mut s, "DESCRIBE st");
    assert_eq!(
        r.names,
        vec!["field", "type", "length", "note", "encode", "compress", "level"]
    );
    assert_eq!(
        r.text(),
        vec![
            vec!["ts", "TIMESTAMP", "8", "", "delta-i", "lz4", "medium"],
            vec![
                "pk",
                "INT",
                "4",
                "COMPOSITE KEY",
                "simple8b",
                "lz4",
                "medium"
            ],
            vec!["v", "DOUBLE", "8", "", "delta-d", "zstd", "high"],
            vec!["name", "VARCHAR", "20", "", "disabled", "zstd", "medium"],
            vec!["n", "NCHAR", "5", "", "disabled", "zstd", "medium"],
            vec!["loc", "VARCHAR", "16", "TAG", "disabled", "disabled", "disabled"],
            vec!["gid", "INT", "4", "TAG", "disabled", "disabled", "disabled"],
        ]
    );
    assert_eq!(r.types[2], Ty::Int);
}

#[test]
fn child_tables_batch_partial_tags_and_show() {
    let (e, mut s) = meters();
    exec(&e, &mut s, "CREATE TABLE d1 USING meters TAGS ('bj', 1) d2 USING meters (groupid) TAGS (2) IF NOT EXISTS d3 USING meters TAGS ('sh', 3)");
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE d1 USING meters TAGS ('bj', 1)").code,
        0x0603
    );
    exec(
        &e,
        &mut s,
        "CREATE TABLE IF NOT EXISTS d1 USING meters TAGS ('x', 9)",
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE d4 USING meters TAGS ('bj')").code,
        0x260D
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "CREATE TABLE d4 USING meters (nope) TAGS ('bj')"
        )
        .code,
        0x260E
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE d4 USING nope TAGS ('bj')").code,
        0x2603
    );
    let r = query(&e, &mut s, "SHOW TABLES");
    assert_eq!(r.names, vec!["table_name"]);
    assert_eq!(r.col(0), vec!["d1", "d2", "d3"]);
    assert_eq!(query(&e, &mut s, "SHOW TABLES LIKE 'd_'").rows.len(), 3);
    assert_eq!(
        query(&e, &mut s, "SHOW power.STABLES").text(),
        vec![vec!["meters"]]
    );
    let r = query(&e, &mut s, "SELECT table_name, tag_name, tag_type, tag_value FROM information_schema.ins_tags WHERE db_name = 'power' AND table_name = 'd2'");
    assert_eq!(
        r.text(),
        vec![
            vec!["d2", "location", "VARCHAR(64)", "NULL"],
            vec!["d2", "groupid", "INT", "2"],
        ]
    );
    let r = query(&e, &mut s, "SELECT table_name, stable_name, `type` FROM information_schema.ins_tables WHERE db_name = 'power' ORDER BY table_name DESC LIMIT 1");
    assert_eq!(r.text(), vec![vec!["d3", "meters", "CHILD_TABLE"]]);
    let r = query(
        &e,
        &mut s,
        "SELECT stable_name, `columns`, `tags` FROM information_schema.ins_stables",
    );
    assert_eq!(r.text(), vec![vec!["meters", "4", "2"]]);
}

#[test]
fn schema_validation_codes() {
    let (e, mut s) = engine(&["CREATE DATABASE d", "USE d"]);
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (v INT, ts TIMESTAMP)").code,
        0x2641
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, v INT, v INT)").code,
        0x263C
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, v JSON)").code,
        0x2652
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, v VARCHAR(0))").code,
        0x2642
    );
    assert_eq!(
        err(&e, &mut s, "CREATE TABLE t (ts TIMESTAMP, v NCHAR(16380))").code,
        0x2642
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "CREATE STABLE s (ts TIMESTAMP, v INT) TAGS (j JSON, k INT)"
        )
        .code,
        0x2633
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "CREATE TABLE t (ts TIMESTAMP, a VARCHAR(60000), b VARCHAR(6000))"
        )
        .code,
        0x263E
    );
    exec(
        &e,
        &mut s,
        "CREATE STABLE s (ts TIMESTAMP, v INT) TAGS (t INT)",
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "CREATE STABLE s (ts TIMESTAMP, v INT) TAGS (t INT)"
        )
        .code,
        0x0360
    );
    // CREATE TABLE … TAGS is a super table.
    exec(
        &e,
        &mut s,
        "CREATE TABLE s2 (ts TIMESTAMP, v INT) TAGS (t INT)",
    );
    assert_eq!(query(&e, &mut s, "SHOW STABLES").col(0), vec!["s", "s2"]);
}

#[test]
fn alter_stable_columns_and_tags() {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "INSERT INTO d1 USING meters TAGS ('bj', 1) VALUES (1700000000000, 1.5, 220, 0.1)",
    );
    exec(
        &e,
        &mut s,
        "ALTER STABLE meters ADD COLUMN note VARCHAR(10)",
    );
    exec(&e, &mut s, "ALTER STABLE meters ADD TAG zone INT");
    assert_eq!(
        err(&e, &mut s, "ALTER STABLE meters ADD COLUMN note INT").code,
        0x036B
    );
    assert_eq!(
        err(&e, &mut s, "ALTER STABLE meters ADD TAG zone INT").code,
        0x0369
    );
    assert_eq!(
        err(&e, &mut s, "ALTER STABLE meters DROP COLUMN ts").code,
        0x03C2
    );
    assert_eq!(
        err(&e, &mut s, "ALTER STABLE meters DROP COLUMN nope").code,
        0x2602
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "ALTER STABLE meters MODIFY COLUMN voltage BIGINT"
        )
        .code,
        0x264B
    );
    assert_eq!(
        err(
            &e,
            &mut s,
            "ALTER STABLE meters MODIFY COLUMN note VARCHAR(5)"
        )
        .code,
        0x264B
    );
    exec(
        &e,
        &mut s,
        "ALTER STABLE meters MODIFY COLUMN note VARCHAR(20)",
    );
    exec(&e, &mut s, "ALTER STABLE meters RENAME TAG zone area");
    exec(&e, &mut s, "ALTER STABLE meters DROP COLUMN phase");
    exec(
        &e,
        &mut s,
        "ALTER TABLE d1 SET TAG area = 7, location = 'sh'",
    );
    let r = query(&e, &mut s, "SELECT * FROM meters");
    assert_eq!(
        r.names,
        vec!["ts", "current", "voltage", "note", "location", "groupid", "area"]
    );
    assert_eq!(
        r.text(),
        vec![vec!["1700000000000", "1.5", "220", "NULL", "sh", "1", "7"]]
    );
    let r = query(&e, &mut s, "DESCRIBE d1");
    assert_eq!(
        r.col(0),
        vec!["ts", "current", "voltage", "note", "location", "groupid", "area"]
    );
    assert_eq!(cell(&r.rows[3][2]), "20");
}

#[test]
fn drop_tables_and_stable() {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "CREATE TABLE d1 USING meters TAGS ('bj', 1) d2 USING meters TAGS ('bj', 2)",
    );
    exec(&e, &mut s, "CREATE TABLE n1 (ts TIMESTAMP, v INT)");
    exec(&e, &mut s, "DROP TABLE d1, IF EXISTS nope");
    assert_eq!(err(&e, &mut s, "DROP TABLE d1").code, 0x2603);
    assert_eq!(err(&e, &mut s, "DROP STABLE a, b").code, 0x263A);
    exec(&e, &mut s, "DROP STABLE meters");
    assert_eq!(query(&e, &mut s, "SHOW TABLES").col(0), vec!["n1"]);
    assert_eq!(err(&e, &mut s, "DROP STABLE meters").code, 0x0362);
    exec(&e, &mut s, "DROP STABLE IF EXISTS meters");
}

#[test]
fn normal_table_alter() {
    let (e, mut s) = engine(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (ts TIMESTAMP, v INT)",
    ]);
    exec(&e, &mut s, "INSERT INTO t VALUES (1700000000000, 1)");
    exec(&e, &mut s, "ALTER TABLE t ADD COLUMN w DOUBLE");
    exec(&e, &mut s, "ALTER TABLE t RENAME COLUMN v vv");
    assert_eq!(err(&e, &mut s, "ALTER TABLE t DROP COLUMN ts").code, 0x264A);
    let r = query(&e, &mut s, "SELECT * FROM t");
    assert_eq!(r.names, vec!["ts", "vv", "w"]);
    assert_eq!(r.text(), vec![vec!["1700000000000", "1", "NULL"]]);
}

#[test]
fn server_functions() {
    let (e, mut s) = engine(&[]);
    let r = query(&e, &mut s, "select server_version()");
    assert_eq!(r.names, vec!["server_version()"]);
    assert_eq!(r.types, vec![Ty::VarChar]);
    assert_eq!(r.text(), vec![vec!["3.3.6.0"]]);
    assert_eq!(
        query(&e, &mut s, "select server_status()").text(),
        vec![vec!["1"]]
    );
    assert_eq!(
        query(&e, &mut s, "select database()").text(),
        vec![vec!["NULL"]]
    );
    let r = query(&e, &mut s, "SELECT NOW()");
    assert_eq!(r.names, vec!["now()"]);
    assert_eq!(r.types, vec![Ty::Timestamp]);
    assert_eq!(query(&e, &mut s, "select client_version()").rows.len(), 1);
}

#[test]
fn show_create_statements() {
    let (e, mut s) = meters();
    exec(&e, &mut s, "CREATE TABLE d1 USING meters TAGS ('b\"j', 1)");
    exec(&e, &mut s, "CREATE TABLE n1 (ts TIMESTAMP, v INT)");
    let r = query(&e, &mut s, "SHOW CREATE STABLE meters");
    assert_eq!(r.names, vec!["Table", "Create Table"]);
    assert_eq!(
        r.col(1),
        vec!["CREATE STABLE `meters` (`ts` TIMESTAMP ENCODE 'delta-i' COMPRESS 'lz4' LEVEL 'medium', `current` FLOAT ENCODE 'delta-d' COMPRESS 'lz4' LEVEL 'medium', `voltage` INT ENCODE 'simple8b' COMPRESS 'lz4' LEVEL 'medium', `phase` FLOAT ENCODE 'delta-d' COMPRESS 'lz4' LEVEL 'medium') TAGS (`location` VARCHAR(64), `groupid` INT)"]
    );
    let r = query(&e, &mut s, "SHOW CREATE TABLE d1");
    assert_eq!(
        r.col(1),
        vec!["CREATE TABLE `d1` USING `meters` (`location`, `groupid`) TAGS (\"b\\\"j\", 1)"]
    );
    let r = query(&e, &mut s, "SHOW CREATE TABLE n1");
    assert!(r.col(1)[0].starts_with("CREATE TABLE `n1` (`ts` TIMESTAMP"));
    let r = query(&e, &mut s, "SHOW CREATE DATABASE power");
    assert_eq!(r.names, vec!["Database", "Create Database"]);
    assert!(r.col(1)[0].contains("PRECISION 'ms'"));
    assert_eq!(err(&e, &mut s, "SHOW CREATE STABLE d1").code, 0x0362);
}

#[test]
fn show_table_tags_and_alter_database() {
    let (e, mut s) = meters();
    exec(
        &e,
        &mut s,
        "CREATE TABLE d1 USING meters TAGS ('bj', 1) d2 USING meters TAGS ('sh', 2)",
    );
    let r = query(&e, &mut s, "SHOW TABLE TAGS FROM meters");
    assert_eq!(r.names, vec!["tbname", "location", "groupid"]);
    assert_eq!(r.text(), vec![vec!["d1", "bj", "1"], vec!["d2", "sh", "2"]]);
    let r = query(&e, &mut s, "SHOW TAGS FROM d2");
    assert_eq!(
        r.names,
        vec![
            "table_name",
            "db_name",
            "stable_name",
            "tag_name",
            "tag_type",
            "tag_value"
        ]
    );
    assert_eq!(r.rows.len(), 2);
    exec(
        &e,
        &mut s,
        "ALTER DATABASE power KEEP 365d CACHEMODEL 'both'",
    );
    let r = query(
        &e,
        &mut s,
        "SELECT `keep`, cachemodel FROM information_schema.ins_databases WHERE name = 'power'",
    );
    assert_eq!(r.text(), vec![vec!["525600m,525600m,525600m", "both"]]);
    assert_eq!(
        err(&e, &mut s, "ALTER DATABASE power CACHEMODEL 'x'").code,
        0x2618
    );
    assert_eq!(
        err(&e, &mut s, "ALTER DATABASE nope KEEP 365d").code,
        0x0388
    );
}
