//! `taos-orm`: generate structs from a live database, snapshot its schema.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use taos_orm::Database;
use taos_rules::snapshot::{Snapshot, FILE_NAME};

/// The taos-orm command line.
#[derive(Parser)]
#[command(name = "taos-orm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print `#[derive(TdTable)]` structs for a database's super tables and
    /// normal tables.
    Generate {
        /// The server (`taos://host:6030`, `ws://host:6041`, ...).
        #[arg(long, env = "TAOS_DSN")]
        dsn: String,
        /// The database.
        #[arg(long)]
        database: String,
        /// Only these tables (repeatable); every one by default.
        #[arg(long = "table")]
        tables: Vec<String>,
    },
    /// Write the schema file that `#[taos(check_schema)]` checks structs
    /// against at compile time.
    Snapshot {
        /// The server.
        #[arg(long, env = "TAOS_DSN")]
        dsn: String,
        /// The database.
        #[arg(long)]
        database: String,
        /// Where to write it.
        #[arg(long, default_value = FILE_NAME)]
        out: PathBuf,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Generate {
            dsn,
            database,
            tables,
        } => {
            let db = Database::open(taos_orm::connect(&dsn).await?, &database).await?;
            let mut shapes = db.table_shapes().await?;
            if !tables.is_empty() {
                for t in &tables {
                    if !shapes.iter().any(|s| s.name.eq_ignore_ascii_case(t)) {
                        return Err(format!(
                            "database `{database}` has no super or normal table `{t}`"
                        )
                        .into());
                    }
                }
                shapes.retain(|s| tables.iter().any(|t| s.name.eq_ignore_ascii_case(t)));
            }
            print!("{}", taos_orm_cli::generate::render(&database, &shapes));
        }
        Command::Snapshot { dsn, database, out } => {
            let db = Database::open(taos_orm::connect(&dsn).await?, &database).await?;
            let snapshot = Snapshot {
                database: database.to_ascii_lowercase(),
                tables: db.table_shapes().await?,
            };
            std::fs::write(&out, snapshot.render())
                .map_err(|e| format!("writing {}: {e}", out.display()))?;
            eprintln!(
                "wrote {} ({} tables of `{database}`)",
                out.display(),
                snapshot.tables.len()
            );
        }
    }
    Ok(())
}
