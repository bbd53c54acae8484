//! What the emulator exposes: it refuses to listen beyond loopback unless
//! asked, and with a token configured it turns away connections without it.

use std::net::SocketAddr;

use taos::AsyncTBuilder;
use taos_emulator::Emulator;

#[tokio::test]
async fn a_non_loopback_address_needs_explicit_consent() {
    let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
    let refused = Emulator::builder().listen(any).start().await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(refused.to_string().contains("allow_remote"), "{refused}");
    let emulator = Emulator::builder()
        .listen(any)
        .allow_remote(true)
        .start()
        .await
        .unwrap();
    assert!(emulator.addr().ip().is_unspecified());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_when_configured() {
    let emulator = Emulator::builder().token("t-123").start().await.unwrap();
    let dsn = emulator.dsn();
    assert!(dsn.ends_with("?token=t-123"), "{dsn}");
    let ok = taos::TaosBuilder::from_dsn(&dsn).unwrap().build().await;
    assert!(ok.is_ok());
    for bad in [
        dsn.replace("t-123", "t-999"),
        format!("ws://{}", emulator.addr()),
    ] {
        let refused = async {
            use taos::AsyncQueryable;
            let taos = taos::TaosBuilder::from_dsn(&bad)?.build().await?;
            taos.exec("SELECT 1").await
        }
        .await;
        assert!(refused.is_err(), "{bad} was let in");
    }
}
