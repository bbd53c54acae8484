//! `POST /rest/sql[/{db}]`: taosAdapter's REST endpoint.
//!
//! Each request runs in a fresh session, like the adapter's pooled
//! connections, and answers with the whole result as one JSON document.

mod auth;
mod render;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ServerState;
use crate::api::{Output, Session, TdError};

/// TDengine's code for a wrong user or password.
const AUTH_FAILURE: u32 = 0x0357;

/// Query parameters the emulator honours.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    /// Rows as objects keyed by column name instead of arrays.
    #[serde(default)]
    row_with_meta: Option<String>,
}

/// `POST /rest/sql`.
pub(crate) async fn sql(
    State(state): State<Arc<ServerState>>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, None, params, headers, body).await
}

/// `POST /rest/sql/{db}`.
pub(crate) async fn sql_in_db(
    State(state): State<Arc<ServerState>>,
    Path(db): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(state, Some(db), params, headers, body).await
}

async fn handle(
    state: Arc<ServerState>,
    db: Option<String>,
    params: Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let fail = |status: StatusCode, code: u32, desc: &str| error(status, code, desc, started);

    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let (user, password) = match auth::basic_credentials(authorization) {
        Ok(credentials) => credentials,
        Err(e) => {
            let (code, desc) = e.code_and_desc();
            return fail(StatusCode::UNAUTHORIZED, code, desc);
        }
    };
    // A failed login is a TDengine error, reported with HTTP 200 like any other.
    if !state.credentials_match(&user, &password) {
        return fail(StatusCode::OK, AUTH_FAILURE, "Authentication failure");
    }
    let with_meta = match params.row_with_meta.as_deref() {
        None | Some("") => false,
        Some(flag) => match parse_go_bool(flag) {
            Some(b) => b,
            None => {
                let desc = format!("illegal param, row_with_meta must be boolean {flag}");
                return fail(StatusCode::BAD_REQUEST, 0xffff, &desc);
            }
        },
    };
    if body.is_empty() {
        return fail(StatusCode::BAD_REQUEST, 0x1106, "no msg input");
    }
    let sql = String::from_utf8_lossy(&body).trim().to_owned();
    if sql.is_empty() {
        return fail(StatusCode::BAD_REQUEST, 0x1107, "no sql input");
    }

    let mut session = Session::default();
    if let Some(db) = db {
        // As in the adapter, a failing USE is ignored so that statements
        // like CREATE DATABASE still work on this path.
        let _ = state.run_unlogged(&mut session, format!("USE {db}")).await;
    }
    let output = state.run_in(Arc::new(Mutex::new(session)), sql).await;
    let rendered = tokio::task::spawn_blocking(move || {
        output.map(|output| match output {
            Output::Affected(rows) => render::affected(rows, with_meta),
            Output::Rows(result) => render::rows(&result, with_meta),
        })
    })
    .await
    .unwrap_or_else(|_| {
        Err(TdError::new(
            0xffff,
            "internal error: result is not decodable",
        ))
    });
    match rendered {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(e) => fail(StatusCode::OK, e.code & 0xffff, &e.message),
    }
}

/// Go's `strconv.ParseBool`, which the adapter uses for flags.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `{"code":..,"desc":"..","timing":ns}`.
fn error(status: StatusCode, code: u32, desc: &str, started: Instant) -> Response {
    let timing = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    json_response(
        status,
        &json!({ "code": code, "desc": desc, "timing": timing }),
    )
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}
