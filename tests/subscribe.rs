//! Typed TMQ subscriptions end to end: topics created from the typed
//! layer, consumers decoding their messages into structs, and the
//! at-least-once delivery `Consumer` documents. Native TMQ on a real
//! server, `/rest/tmq` on the emulator.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::everything::{rows as every_type, Everything};
use taos_orm::tmq::{Consumer, ConsumerOptions, Message, OffsetReset, Topic};
use taos_orm::{Database, Error, Precision, TdRow, TdTable};

#[derive(Debug, Clone, PartialEq, TdTable)]
#[taos(stable = "meters", child = "d{device}")]
struct Meter {
    #[taos(ts)]
    ts: i64,
    current: f32,
    voltage: i32,
    #[taos(tag)]
    device: i32,
    #[taos(tag, varchar(16))]
    location: String,
}

const T0: i64 = 1_700_000_000_000;

fn meters(devices: std::ops::Range<i32>, from: i64, per_device: i64) -> Vec<Meter> {
    devices
        .flat_map(|device| {
            (0..per_device).map(move |i| Meter {
                ts: T0 + (from + i) * 1000,
                current: i as f32 / 4.0,
                voltage: 200 + (from + i) as i32 % 50,
                device,
                location: if device % 2 == 0 { "north" } else { "south" }.into(),
            })
        })
        .collect()
}

/// The identity of a row, to compare deliveries as sets.
fn key(m: &Meter) -> (i32, i64) {
    (m.device, m.ts)
}

/// A test's own database with `T`'s table, and a topic name of its own
/// (topics are global, not per database). Fields drop in order: the
/// handle, then the database with its topics.
struct Fixture {
    db: Database<taos::Taos>,
    topic: String,
    name: common::TestDb,
}

async fn fixture<T: TdTable>(prefix: &str, vgroups: u32) -> taos_orm::Result<Fixture> {
    let name = common::TestDb::new(prefix);
    let taos = taos_orm::connect(&common::dsn()).await?;
    let db = Database::create(taos, &name.options().vgroups(vgroups)).await?;
    db.create_table::<T>().await?;
    let topic = format!("{name}_topic");
    Ok(Fixture { db, topic, name })
}

fn options(group: &str, client: &str) -> ConsumerOptions {
    ConsumerOptions::new(group).client_id(client)
}

/// Receives until `want` rows came, committing each message when `commit`,
/// then waits `quiet` for anything more (a row delivered twice, or one
/// the topic should not have). Fails after a minute without them all.
async fn receive<T: TdRow + Clone>(
    consumer: &Consumer<T>,
    want: usize,
    commit: bool,
    quiet: Duration,
) -> taos_orm::Result<Vec<Message<T>>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut messages = Vec::new();
    let mut rows = 0;
    while rows < want {
        assert!(
            Instant::now() < deadline,
            "{rows} of {want} rows arrived in a minute"
        );
        if let Some(message) = consumer.recv_timeout(Duration::from_secs(1)).await? {
            if commit {
                consumer.commit(&message).await?;
            }
            rows += message.rows().len();
            messages.push(message);
        }
    }
    while let Some(extra) = consumer.recv_timeout(quiet).await? {
        assert!(
            extra.rows().is_empty(),
            "{} rows beyond the {want} expected",
            extra.rows().len()
        );
    }
    Ok(messages)
}

fn keys(messages: &[Message<Meter>]) -> Vec<(i32, i64)> {
    let mut keys: Vec<_> = messages
        .iter()
        .flat_map(|m| m.rows().iter().map(key))
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_type_arrives_through_a_topic() -> taos_orm::Result<()> {
    let f = fixture::<Everything>("tmq_types", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Everything::query()))
        .await?;
    let rows = every_type(Precision::Millisecond);
    db.insert(&rows).await?;

    let consumer =
        Consumer::<Everything>::subscribe(&common::dsn(), &options("types", "c1"), [&topic])
            .await?;
    let messages = receive(&consumer, rows.len(), true, Duration::from_secs(1)).await?;
    let mut got: Vec<Everything> = messages.into_iter().flatten().collect();
    got.sort_by_key(|r| r.ts);
    let mut want = rows;
    want.sort_by_key(|r| r.ts);
    assert_eq!(got, want);
    consumer.unsubscribe().await;
    db.drop_topic(&topic).await?;
    assert!(db.topics().await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_rows_arrive_once_and_uncommitted_ones_again() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_once", 1).await?;
    let (db, name, topic) = (&f.db, &f.name, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    let quiet = Duration::from_secs(2);
    let dsn = common::dsn();

    // Rows written while the consumer runs arrive exactly once.
    let first = Consumer::<Meter>::subscribe(&dsn, &options("once", "c1"), [&topic]).await?;
    let batches: Vec<Vec<Meter>> = (0..5).map(|b| meters(0..4, b * 10, 10)).collect();
    let writer = async {
        let taos = taos_orm::connect(&dsn).await?;
        let db = Database::new(&taos, name.name(), Precision::Millisecond);
        for batch in &batches {
            db.insert(batch).await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok::<(), taos_orm::Error>(())
    };
    let written: Vec<(i32, i64)> = {
        let mut all: Vec<_> = batches.iter().flatten().map(key).collect();
        all.sort_unstable();
        all
    };
    let (wrote, got) = tokio::join!(writer, receive(&first, written.len(), true, quiet));
    wrote?;
    let got = got?;
    assert_eq!(keys(&got), written, "each written row exactly once");
    let last = got.last().expect("messages");
    assert_eq!(
        first.committed(last.topic(), last.vgroup_id()).await?,
        Some(last.offset()),
        "the committed offset is the message's"
    );
    let subscriptions = db.subscriptions().await?;
    assert!(
        subscriptions
            .iter()
            .any(|s| s.topic == topic && s.group == "once"),
        "{subscriptions:?}"
    );
    let consumers = db.consumers().await?;
    assert!(
        consumers
            .iter()
            .any(|c| c.client_id == "c1" && c.group == "once" && c.topic == topic),
        "{consumers:?}"
    );
    first.unsubscribe().await;

    // The group's next consumer starts after the commits: only new rows,
    // which it reads without committing.
    let later = meters(0..4, 100, 5);
    db.insert(&later).await?;
    let second = Consumer::<Meter>::subscribe(&dsn, &options("once", "c2"), [&topic]).await?;
    let seen = receive(&second, later.len(), false, quiet).await?;
    let mut want: Vec<_> = later.iter().map(key).collect();
    want.sort_unstable();
    assert_eq!(keys(&seen), want, "only the rows after the commits");
    drop(second);

    // What it did not commit comes again to the group's next consumer.
    let third = Consumer::<Meter>::subscribe(&dsn, &options("once", "c3"), [&topic]).await?;
    let again = receive(&third, later.len(), false, quiet).await?;
    assert_eq!(keys(&again), want, "the uncommitted rows again");
    third.commit_all().await?;
    third.unsubscribe().await;

    // A new group with `earliest` replays everything the log holds.
    let replay = Consumer::<Meter>::subscribe(
        &dsn,
        &options("replay", "r1").offset_reset(OffsetReset::Earliest),
        [&topic],
    )
    .await?;
    let all = receive(&replay, written.len() + later.len(), false, quiet).await?;
    let vgroup = all[0].vgroup_id();
    assert_eq!(
        replay.committed(&topic, vgroup).await?,
        None,
        "a new group has committed nothing"
    );
    let mut everything = written.clone();
    everything.extend(&want);
    everything.sort_unstable();
    assert_eq!(keys(&all), everything);
    replay.unsubscribe().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_consumers_of_a_group_split_the_vgroups() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_split", 2).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    let dsn = common::dsn();
    let a = Consumer::<Meter>::subscribe(&dsn, &options("split", "a"), [&topic]).await?;
    let b = Consumer::<Meter>::subscribe(&dsn, &options("split", "b"), [&topic]).await?;

    // Polling lets the group share the vgroups out; wait until each
    // member holds one.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (x, y) = futures::join!(
            a.recv_timeout(Duration::from_millis(200)),
            b.recv_timeout(Duration::from_millis(200))
        );
        assert!(x?.is_none() && y?.is_none(), "nothing written yet");
        let (ga, gb) = futures::join!(a.assignments(), b.assignments());
        if ga.len() == 1 && gb.len() == 1 {
            assert_ne!(ga[0].vgroup_id, gb[0].vgroup_id);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no split in a minute: {ga:?} / {gb:?}"
        );
    }

    // Twenty child tables land in both vgroups.
    let rows = meters(0..20, 0, 3);
    db.insert(&rows).await?;
    let quiet = Duration::from_secs(1);
    let (got_a, got_b) = futures::join!(receive_some(&a, rows.len()), receive_some(&b, rows.len()));
    let (got_a, got_b) = (got_a?, got_b?);
    let vgroups =
        |ms: &[Message<Meter>]| -> BTreeSet<i32> { ms.iter().map(|m| m.vgroup_id()).collect() };
    assert!(!got_a.is_empty() && !got_b.is_empty(), "both got rows");
    assert!(
        vgroups(&got_a).is_disjoint(&vgroups(&got_b)),
        "each vgroup to one member"
    );
    let mut all = keys(&got_a);
    all.extend(keys(&got_b));
    all.sort_unstable();
    let mut want: Vec<_> = rows.iter().map(key).collect();
    want.sort_unstable();
    assert_eq!(all, want, "every row to exactly one member");
    for c in [&a, &b] {
        assert!(c.recv_timeout(quiet).await?.is_none());
    }
    a.unsubscribe().await;
    b.unsubscribe().await;
    Ok(())
}

/// Receives until the two members together could have `total` rows: each
/// stops after a quiet second once it has had some.
async fn receive_some(
    consumer: &Consumer<Meter>,
    total: usize,
) -> taos_orm::Result<Vec<Message<Meter>>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut messages: Vec<Message<Meter>> = Vec::new();
    loop {
        match consumer.recv_timeout(Duration::from_secs(2)).await? {
            Some(m) => {
                consumer.commit(&m).await?;
                messages.push(m);
            }
            None if !messages.is_empty() => return Ok(messages),
            None => {}
        }
        let rows: usize = messages.iter().map(|m| m.rows().len()).sum();
        assert!(rows <= total, "more rows than written");
        assert!(Instant::now() < deadline, "no rows in a minute");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_query_topic_delivers_only_matching_rows() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_query", 1).await?;
    let (db, name, topic) = (&f.db, &f.name, f.topic.clone());
    let query = Meter::query().filter(|m| m.voltage.ge(240) & m.location.eq("north"));
    db.create_topic(&Topic::query(&topic, query)).await?;
    let listed = db.topics().await?;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].name.as_str(), listed[0].kind.as_str()),
        (topic.as_str(), "column")
    );
    assert_eq!(listed[0].database, name.name());

    let rows = meters(0..6, 0, 50);
    db.insert(&rows).await?;
    let matching: Vec<_> = rows
        .iter()
        .filter(|m| m.voltage >= 240 && m.location == "north")
        .map(key)
        .collect();
    assert!(!matching.is_empty() && matching.len() < rows.len());
    let consumer =
        Consumer::<Meter>::subscribe(&common::dsn(), &options("query", "q1"), [&topic]).await?;
    let got = receive(&consumer, matching.len(), true, Duration::from_secs(2)).await?;
    let mut want = matching;
    want.sort_unstable();
    assert_eq!(keys(&got), want);
    assert!(got
        .iter()
        .all(|m| m.topic() == topic && m.database() == name.name()));

    // Dropping a topic still subscribed is refused until the consumer leaves.
    let err = db.drop_topic(&topic).await.unwrap_err();
    assert_eq!(err.code(), Some(0x03EB), "{err}");
    consumer.unsubscribe().await;
    db.drop_topic(&topic).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_queries_that_cannot_stream_are_refused_before_sending() {
    use taos_orm::query::avg;
    let ms = Precision::Millisecond;
    let err = |t: Topic| t.create_sql("db", ms).unwrap_err().to_string();
    let aggregate = err(Topic::query("t", Meter::query().select(|m| avg(m.current))));
    assert!(
        aggregate.contains("`AVG(`current`)` is not a column"),
        "{aggregate}"
    );
    let ordered = err(Topic::query("t", Meter::query().order_by(|m| m.ts.desc())));
    assert!(ordered.contains("no ORDER BY"), "{ordered}");
    let limited = err(Topic::query("t", Meter::query().limit(3)));
    assert!(limited.contains("no LIMIT"), "{limited}");
    let partitioned = err(Topic::query("t", Meter::query().partition_by(|m| m.device)));
    assert!(partitioned.contains("no PARTITION BY"), "{partitioned}");
    let named = err(Topic::stable::<Meter>("a.b"));
    assert!(named.contains("invalid topic name"), "{named}");
}

#[derive(Debug, Clone, TdRow)]
struct WrongType {
    #[allow(dead_code)]
    ts: i64,
    #[allow(dead_code)]
    location: i32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_that_does_not_decode_names_the_topic_row_and_column() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_decode", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    db.insert(&meters(0..1, 0, 2)).await?;
    let consumer =
        Consumer::<WrongType>::subscribe(&common::dsn(), &options("decode", "d1"), [&topic])
            .await?;
    // A timeout past the clock's range waits for the message.
    let err = match consumer.recv_timeout(Duration::MAX).await {
        Err(e) => e,
        Ok(m) => panic!("decoded: {m:?}"),
    };
    let Error::Topic {
        topic: t, source, ..
    } = &err
    else {
        panic!("not a topic error: {err:?}");
    };
    assert_eq!(t, &topic);
    assert!(
        matches!(&**source, Error::Decode { row: Some(0), field: "location", column, .. } if column == "location"),
        "{source:?}"
    );
    assert!(err.to_string().contains(&topic), "{err}");
    consumer.unsubscribe().await;
    Ok(())
}

/// What an `AS STABLE` topic delivers: the data columns, without tags.
#[derive(Debug, Clone, TdRow)]
struct Reading {
    ts: i64,
    voltage: i32,
}

#[test]
fn the_blocking_consumer_reads_a_super_tables_columns() -> taos_orm::Result<()> {
    use taos::sync::TBuilder;
    let dsn = common::dsn();
    let taos = taos::sync::TaosBuilder::from_dsn(&dsn)?.build()?;
    let name = common::TestDb::new("tmq_sync");
    let db = taos_orm::blocking::Database::create(&taos, &name.options())?;
    db.create_table::<Meter>()?;
    let topic = format!("{name}_topic");
    db.create_topic(&Topic::stable::<Meter>(&topic))?;
    assert_eq!(db.topics()?[0].kind, "stable");
    let rows = meters(0..3, 0, 4);
    db.insert(&rows)?;
    let consumer =
        taos_orm::blocking::Consumer::<Reading>::subscribe(&dsn, &options("sync", "s1"), [&topic])?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut got = Vec::new();
    while got.len() < rows.len() {
        assert!(
            Instant::now() < deadline,
            "{} of {} rows",
            got.len(),
            rows.len()
        );
        if let Some(message) = consumer.recv_timeout(Duration::from_secs(1))? {
            assert_eq!(
                consumer.position(message.topic(), message.vgroup_id())?,
                Some(message.offset())
            );
            consumer.commit(&message)?;
            assert_eq!(
                consumer.committed(message.topic(), message.vgroup_id())?,
                Some(message.offset())
            );
            got.extend(message.rows().iter().map(|r| (r.ts, r.voltage)));
        }
    }
    got.sort_unstable();
    let mut want: Vec<_> = rows.iter().map(|m| (m.ts, m.voltage)).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(consumer.assignments().len(), 1);
    consumer.unsubscribe();
    db.drop_topic(&topic)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeking_back_replays_the_vgroup_from_there() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_seek", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    for from in [0, 10, 20] {
        db.insert(&meters(0..2, from, 10)).await?;
    }
    let mut consumer =
        Consumer::<Meter>::subscribe(&common::dsn(), &options("seek", "s1"), [&topic]).await?;
    let quiet = Duration::from_secs(1);
    let first = receive(&consumer, 60, false, quiet).await?;
    let last = first.last().expect("messages");
    let assigned = consumer.assignments().await;
    assert_eq!(assigned.len(), 1, "{assigned:?}");
    let a = &assigned[0];
    assert_eq!(
        (a.topic.as_str(), a.vgroup_id),
        (topic.as_str(), last.vgroup_id())
    );
    assert!(a.begin <= a.offset && a.offset <= a.end, "{a:?}");
    assert_eq!(a.end, last.offset(), "the last message ends the vgroup");
    assert_eq!(
        consumer.position(&topic, a.vgroup_id).await?,
        Some(last.offset())
    );

    consumer.seek(&topic, a.vgroup_id, a.begin).await?;
    let again = receive(&consumer, 60, false, quiet).await?;
    assert_eq!(keys(&again), keys(&first), "the same rows from the start");
    assert_eq!(
        consumer.position(&topic, a.vgroup_id).await?,
        Some(last.offset())
    );
    consumer.unsubscribe().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_topic_delivers_every_tables_columns() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_db", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    let rows = meters(0..3, 0, 5);
    db.insert(&rows).await?;
    db.create_topic(&Topic::database(&topic)).await?;
    assert_eq!(db.topics().await?[0].kind, "db");
    let consumer =
        Consumer::<Reading>::subscribe(&common::dsn(), &options("db", "d1"), [&topic]).await?;
    let got = receive(&consumer, rows.len(), true, Duration::from_secs(2)).await?;
    let mut got: Vec<_> = got
        .iter()
        .flat_map(|m| m.rows().iter().map(|r| (r.ts, r.voltage)))
        .collect();
    got.sort_unstable();
    let mut want: Vec<_> = rows.iter().map(|m| (m.ts, m.voltage)).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    consumer.unsubscribe().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_of_a_row_arrives_with_the_values_it_wrote() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_versions", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    let mut row = meters(0..1, 0, 1).remove(0);
    for voltage in [1, 2, 3] {
        row.voltage = voltage;
        db.insert([&row]).await?;
    }
    let consumer =
        Consumer::<Meter>::subscribe(&common::dsn(), &options("versions", "v1"), [&topic]).await?;
    let got = receive(&consumer, 3, true, Duration::from_secs(1)).await?;
    let voltages: Vec<i32> = got
        .iter()
        .flat_map(|m| m.rows().iter().map(|r| r.voltage))
        .collect();
    assert_eq!(voltages, [1, 2, 3], "every version, in write order");
    consumer.unsubscribe().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_to_a_missing_topic_fails_with_the_servers_code() {
    let err = Consumer::<Meter>::subscribe(
        &common::dsn(),
        &options("missing", "m1"),
        [common::unique_db("no_such_topic")],
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), Some(0x03E1), "{err}");
    let none: [&str; 0] = [];
    let err = Consumer::<Meter>::subscribe(&common::dsn(), &options("missing", "m1"), none)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_commit_commits_what_was_polled() -> taos_orm::Result<()> {
    let f = fixture::<Meter>("tmq_auto", 1).await?;
    let (db, topic) = (&f.db, f.topic.clone());
    db.create_topic(&Topic::query(&topic, Meter::query()))
        .await?;
    let rows = meters(0..2, 0, 5);
    db.insert(&rows).await?;
    let auto = options("auto", "a1").auto_commit(Some(Duration::from_millis(100)));
    let first = Consumer::<Meter>::subscribe(&common::dsn(), &auto, [&topic]).await?;
    let got = receive(&first, rows.len(), false, Duration::from_secs(1)).await?;
    assert_eq!(
        got.iter().map(|m| m.rows().len()).sum::<usize>(),
        rows.len()
    );
    first.unsubscribe().await;

    // The group's next consumer has nothing left to read.
    let second = Consumer::<Meter>::subscribe(&common::dsn(), &auto, [&topic]).await?;
    let left = second.recv_timeout(Duration::from_secs(3)).await?;
    assert!(left.is_none(), "{left:?}");
    second.unsubscribe().await;
    Ok(())
}
