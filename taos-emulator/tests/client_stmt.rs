//! Parameter binding (stmt v1) through the official `taos` client: bound
//! rows reach the engine as plain INSERT statements.

mod protocol_support;

use protocol_support::start;
use taos::{AsyncBindable, AsyncTBuilder, ColumnView, Stmt, Value};

#[tokio::test(flavor = "multi_thread")]
async fn bound_rows_become_inserts() {
    let emulator = start().await;
    let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .build()
        .await
        .unwrap();

    let mut stmt = Stmt::init(&taos).await.unwrap();
    stmt.prepare("INSERT INTO ? USING meters TAGS(?, ?) VALUES(?, ?, ?)")
        .await
        .unwrap();
    stmt.set_tbname("d1").await.unwrap();
    stmt.set_tags(&[Value::Int(7), Value::VarChar("it's".into())])
        .await
        .unwrap();
    stmt.bind(&[
        ColumnView::from_millis_timestamp(vec![1_700_000_000_000i64, 1_700_000_000_001]),
        ColumnView::from_floats(vec![Some(1.5f32), None]),
        ColumnView::from_varchar::<&str, _, _, _>(vec![Some("a"), Some("b")]),
    ])
    .await
    .unwrap();
    stmt.add_batch().await.unwrap();
    stmt.set_tbname("d2").await.unwrap();
    stmt.set_tags(&[Value::Int(8), Value::Null(taos::Ty::VarChar)])
        .await
        .unwrap();
    stmt.bind(&[
        ColumnView::from_millis_timestamp(vec![5i64]),
        ColumnView::from_floats(vec![2.0f32]),
        ColumnView::from_varchar::<&str, _, _, _>(vec![None::<&str>]),
    ])
    .await
    .unwrap();
    stmt.add_batch().await.unwrap();
    // The scripted engine counts one affected row per opening parenthesis.
    assert_eq!(stmt.execute().await.unwrap(), 3 + 2);

    // Errors come back on the statement's own reply.
    let err = stmt
        .bind(&[ColumnView::from_ints(vec![1])])
        .await
        .unwrap_err();
    assert_eq!(err.code(), 0xffff);
    assert!(
        err.to_string().contains("stmt column count not match"),
        "{err}"
    );

    let statements = emulator.statements();
    assert_eq!(
        &statements[statements.len() - 2..],
        [
            "INSERT INTO d1 USING meters TAGS(7, 'it\\'s') VALUES (1700000000000, 1.5, 'a') (1700000000001, NULL, 'b')",
            "INSERT INTO d2 USING meters TAGS(8, NULL) VALUES (5, 2.0, NULL)",
        ]
    );
    drop(stmt);
    drop(taos);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn only_inserts_can_be_prepared() {
    let emulator = start().await;
    let taos = taos::TaosBuilder::from_dsn(emulator.dsn())
        .unwrap()
        .build()
        .await
        .unwrap();
    let mut stmt = Stmt::init(&taos).await.unwrap();
    let err = stmt
        .prepare("SELECT * FROM meters WHERE ts > ?")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 0xffff);
    assert!(err.to_string().contains("only INSERT"), "{err}");
    // The statement is still usable.
    stmt.prepare("INSERT INTO d1 VALUES(?)").await.unwrap();
    stmt.bind(&[ColumnView::from_millis_timestamp(vec![1i64])])
        .await
        .unwrap();
    stmt.add_batch().await.unwrap();
    assert_eq!(stmt.execute().await.unwrap(), 1);
    assert_eq!(
        emulator.statements().last().unwrap(),
        "INSERT INTO d1 VALUES (1)"
    );
    drop(stmt);
    drop(taos);
    emulator.shutdown().await;
}
