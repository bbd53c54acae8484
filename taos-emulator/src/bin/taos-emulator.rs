//! Runs the emulator as a standalone server.
//!
//! ```text
//! taos-emulator [--listen 127.0.0.1:6041]
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;

use taos_emulator::Emulator;

const USAGE: &str = "\
Usage: taos-emulator [--listen ADDR]

Serves taosAdapter's WebSocket (/ws) and REST (/rest/sql) protocols backed by
an in-memory TDengine emulator. Log in as root / taosdata.

Options:
  --listen ADDR   address to listen on [default: 127.0.0.1:6041]
  -h, --help      print this help";

const DEFAULT_LISTEN: &str = "127.0.0.1:6041";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve(SocketAddr),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut listen = DEFAULT_LISTEN.to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
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
    listen
        .parse()
        .map(Command::Serve)
        .map_err(|e| format!("invalid address {listen:?}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let addr = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(addr)) => addr,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start_on(addr).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot start on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
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
        assert_eq!(
            parse(&[]),
            Ok(Command::Serve("127.0.0.1:6041".parse().unwrap()))
        );
        assert_eq!(
            parse(&["--listen", "0.0.0.0:7000"]),
            Ok(Command::Serve("0.0.0.0:7000".parse().unwrap()))
        );
        assert_eq!(
            parse(&["--listen=127.0.0.1:1"]),
            Ok(Command::Serve("127.0.0.1:1".parse().unwrap()))
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
