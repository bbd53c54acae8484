//! The official `taos` client's TMQ consumer against the emulator's
//! `/rest/tmq`: topics deliver what was written, filtered by their query,
//! and an uncommitted vgroup is delivered again to the group's next
//! consumer (at least once).

use futures::TryStreamExt;
use taos::{
    AsAsyncConsumer, AsyncFetchable, AsyncQueryable, AsyncTBuilder, IsAsyncData, IsOffset, Timeout,
};
use taos_emulator::Emulator;

async fn setup(emulator: &Emulator) -> taos::Taos {
    let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .build()
        .await
        .unwrap();
    taos.exec_many([
        "CREATE DATABASE tq VGROUPS 2",
        "USE tq",
        "CREATE STABLE meters (ts TIMESTAMP, current FLOAT, voltage INT) TAGS (location BINARY(16), group_id INT)",
        "INSERT INTO d1 USING meters TAGS ('a', 1) VALUES (1700000000000, 1.5, 220) (1700000001000, 2.5, 221) \
         d2 USING meters TAGS ('b', 2) VALUES (1700000000000, 3.5, 50) \
         d3 USING meters TAGS ('c', 3) VALUES (1700000000000, 4.5, 230)",
        "CREATE TOPIC hot AS SELECT * FROM tq.meters WHERE voltage > 100",
        "INSERT INTO d4 USING meters TAGS ('d', 4) VALUES (1700000003000, 6.5, 240) d1 VALUES (1700000003000, 7.5, 10)",
    ])
    .await
    .unwrap();
    taos
}

async fn consumer(emulator: &Emulator, client: &str) -> taos::Consumer {
    let dsn = format!(
        "{}?group.id=g1&client.id={client}&auto.offset.reset=earliest&enable.auto.commit=false",
        emulator.dsn()
    );
    let mut c = taos::TmqBuilder::from_dsn(dsn)
        .unwrap()
        .build()
        .await
        .unwrap();
    c.subscribe(["hot"]).await.unwrap();
    c
}

/// Drains a consumer: (vgroup, voltages) per message, committing the
/// messages `commit` picks.
async fn drain(c: &taos::Consumer, commit: impl Fn(usize) -> bool) -> Vec<(i32, Vec<i32>)> {
    let mut out = Vec::new();
    while let Some((offset, mut msg)) = c.recv_timeout(Timeout::from_secs(2)).await.unwrap() {
        let vgroup = offset.vgroup_id();
        let mut voltages = Vec::new();
        if let Some(data) = msg.data() {
            while let Some(block) = data.fetch_raw_block().await.unwrap() {
                let names = block.field_names();
                let col = names.iter().position(|n| n == "voltage").unwrap();
                for row in 0..block.nrows() {
                    match block.get_ref(row, col) {
                        Some(taos::BorrowedValue::Int(v)) => voltages.push(v),
                        other => panic!("voltage is {other:?}"),
                    }
                }
            }
        }
        if commit(out.len()) {
            c.commit(offset).await.unwrap();
        }
        out.push((vgroup, voltages));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_topic_delivers_matching_rows_at_least_once() {
    let emulator = Emulator::start().await.unwrap();
    let taos = setup(&emulator).await;

    let first = consumer(&emulator, "c1").await;
    let got = drain(&first, |i| i == 0).await;
    let mut all: Vec<i32> = got.iter().flat_map(|(_, v)| v.clone()).collect();
    all.sort_unstable();
    assert_eq!(
        all,
        [220, 221, 230, 240],
        "rows before and after CREATE TOPIC, filtered"
    );
    assert_eq!(got.len(), 2, "one message per vgroup: {got:?}");
    first.unsubscribe().await;

    // The second consumer of the group gets the uncommitted vgroup again,
    // and only that one.
    let second = consumer(&emulator, "c2").await;
    let again = drain(&second, |_| false).await;
    assert_eq!(again, vec![got[1].clone()], "after committing {:?}", got[0]);

    let err = taos.exec("DROP TOPIC hot").await.unwrap_err();
    assert_eq!(err.code(), taos::Code::from(0x03EB), "{err}");
    second.unsubscribe().await;
    let err = taos.exec("DROP DATABASE tq").await.unwrap_err();
    assert_eq!(err.code(), taos::Code::from(0x03ED), "{err}");
    taos.exec("DROP TOPIC hot").await.unwrap();
    taos.exec("DROP DATABASE tq").await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn topic_queries_are_checked_at_create() {
    let emulator = Emulator::start().await.unwrap();
    let taos = setup(&emulator).await;
    for (sql, code) in [
        (
            "CREATE TOPIC x AS SELECT avg(current) FROM tq.meters",
            0x2639,
        ),
        (
            "CREATE TOPIC x AS SELECT * FROM tq.meters ORDER BY ts",
            0x2639,
        ),
        ("CREATE TOPIC x AS SELECT * FROM tq.meters LIMIT 1", 0x2639),
        ("CREATE TOPIC x AS SELECT ts FROM tq.nosuch", 0x2603),
        ("CREATE TOPIC hot AS STABLE tq.meters", 0x03E0),
        ("DROP TOPIC nosuch", 0x03E1),
    ] {
        let err = taos.exec(sql).await.unwrap_err();
        assert_eq!(err.code(), taos::Code::from(code), "{sql}: {err}");
    }
    taos.exec("CREATE TOPIC IF NOT EXISTS hot AS STABLE tq.meters")
        .await
        .unwrap();
    taos.exec("CREATE TOPIC whole AS DATABASE tq")
        .await
        .unwrap();
    let mut kinds: Vec<(String, String)> = taos
        .query("SELECT topic_name, type FROM information_schema.ins_topics")
        .await
        .unwrap()
        .deserialize()
        .try_collect()
        .await
        .unwrap();
    kinds.sort();
    let want = [("hot", "column"), ("whole", "db")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(kinds, want);
}
