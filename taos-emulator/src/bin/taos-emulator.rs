//! Runs the emulator as a standalone server.
//!
//! ```text
//! taos-emulator [--listen 127.0.0.1:6041] [--allow-remote]
//! ```
//!
//! Logs go to standard error, filtered by `RUST_LOG` (default `info`).

use std::net::SocketAddr;
use std::process::ExitCode;

use taos_emulator::Emulator;

const USAGE: &str = "\
Usage: taos-emulator [--listen ADDR] [--allow-remote]

Serves taosAdapter's WebSocket (/ws) and REST (/rest/sql) protocols backed by
an in-memory TDengine emulator. Log in as root / taosdata. Logs go to standard
error, filtered by RUST_LOG (default: info).

Options:
  --listen ADDR    address to listen on [default: 127.0.0.1:6041]
  --allow-remote   allow a non-loopback ADDR (anyone who reaches it can log
                   in with the default password)
  -h, --help       print this help";

const DEFAULT_LISTEN: &str = "127.0.0.1:6041";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve {
        addr: SocketAddr,
        allow_remote: bool,
    },
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut listen = DEFAULT_LISTEN.to_owned();
    let mut allow_remote = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--allow-remote" => allow_remote = true,
            "--listen" => {
                listen = args
                    .next()
                    .ok_or_else(|| "--listen needs an address".to_owned())?;
            }
            other => match other.strip_prefix("--listen=") {
                Some(value) => listen = value.to_owned(),
                None => return Err(format!("unknown argument {other:?}")),
            },
        }
    }
    let addr = listen
        .parse()
        .map_err(|e| format!("invalid address {listen:?}: {e}"))?;
    Ok(Command::Serve { addr, allow_remote })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let (addr, allow_remote) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve { addr, allow_remote }) => (addr, allow_remote),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Emulator::builder()
        .listen(addr)
        .allow_remote(allow_remote)
        .start()
        .await;
    let emulator = match started {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot start on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "listening beyond loopback with the default root/taosdata login");
    }
    tracing::info!(dsn = %emulator.dsn(), "serving");
    println!("{}", emulator.dsn());
    // Serve until the process is interrupted.
    std::future::pending::<()>().await;
    drop(emulator);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let serve = |addr: &str, allow_remote| {
            Ok(Command::Serve {
                addr: addr.parse().unwrap(),
                allow_remote,
            })
        };
        assert_eq!(parse(&[]), serve("127.0.0.1:6041", false));
        assert_eq!(
            parse(&["--listen", "0.0.0.0:7000", "--allow-remote"]),
            serve("0.0.0.0:7000", true)
        );
        assert_eq!(
            parse(&["--listen=127.0.0.1:1"]),
            serve("127.0.0.1:1", false)
        );
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert_eq!(
            parse(&["--listen"]),
            Err("--listen needs an address".to_owned())
        );
        assert!(parse(&["--port", "1"]).is_err());
        assert!(parse(&["--listen", "nope"]).is_err());
    }
}
