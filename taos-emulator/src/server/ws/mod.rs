//! The `/ws` endpoint: taosAdapter's WebSocket protocol for queries.

mod connection;
pub(super) mod reply;
mod request;
pub(super) mod results;
mod stmt;

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::{mpsc, Notify};

use self::connection::{Connection, Outgoing};
use super::ServerState;

/// Replies a connection may have queued before its reader waits for the writer.
const OUTGOING_CAPACITY: usize = 64;

/// taosAdapter sets no message size limit; large batched INSERTs must not
/// hit the WebSocket library's default of 16 MiB per frame.
const MAX_MESSAGE: usize = 1 << 30;

/// Upgrades `GET /ws` and serves the socket until the client leaves or the
/// emulator shuts down.
pub(crate) async fn upgrade(
    ws: WebSocketUpgrade,
    State(state): State<Arc<ServerState>>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Response {
    if !state.token_matches(params.get("token").map(String::as_str)) {
        // What a cloud gateway answers: the client reports Unauthorized.
        return (axum::http::StatusCode::UNAUTHORIZED, "401 Unauthorized").into_response();
    }
    ws.max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| serve(socket, state))
}

async fn serve(socket: WebSocket, state: Arc<ServerState>) {
    let mut shutdown = state.shutdown_signal();
    let (sink, stream) = socket.split();
    let (tx, rx) = mpsc::channel(OUTGOING_CAPACITY);
    let writer = tokio::spawn(write_replies(sink, rx));
    let kill = Arc::new(Notify::new());
    let connection = Connection::new(state, tx, Arc::clone(&kill));
    tracing::debug!("websocket connection opened");
    tokio::select! {
        () = read_requests(connection, stream) => {}
        _ = shutdown.wait_for(|stop| *stop) => {}
        () = kill.notified() => tracing::debug!("an injected fault drops the connection"),
    }
    tracing::debug!("websocket connection closed");
    // Dropping the socket ends the TCP connection without a Close frame,
    // which is what the client tolerates best on teardown.
    writer.abort();
}

async fn read_requests(mut connection: Connection, mut stream: SplitStream<WebSocket>) {
    // A read error (reset, protocol violation) ends the connection quietly.
    while let Some(Ok(message)) = stream.next().await {
        let request = match message {
            Message::Text(text) => request::parse_text(text.as_str()),
            Message::Binary(frame) => request::parse_binary(frame),
            // Pings are answered by the socket itself while it is read, and
            // after a Close reading on lets it send the closing handshake.
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) => continue,
        };
        if connection.handle(request).await.is_err() {
            break;
        }
    }
}

async fn write_replies(mut sink: SplitSink<WebSocket, Message>, mut rx: mpsc::Receiver<Outgoing>) {
    while let Some((reply, started)) = rx.recv().await {
        let timing = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        if sink.send(reply.into_message(timing)).await.is_err() {
            break;
        }
    }
}
