//! The runtime every program of the measurements runs on, so that the
//! servers compared are set up the same way: tokio's current-thread runtime
//! (one thread does everything), or `--threads N` worker threads.

// Shared by several programs, each using only part of it.
#![allow(dead_code)]

use std::io::{self, Write};
use std::process::ExitCode;

use tokio::runtime::{Builder, Runtime};

/// `None` or `Some(1)`: the current-thread runtime, like chapter 13's
/// echo server by default; `Some(n)`: a multi-thread runtime of n workers.
pub fn runtime(threads: Option<usize>) -> io::Result<Runtime> {
    match threads {
        None | Some(1) => Builder::new_current_thread().enable_all().build(),
        Some(n) => Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build(),
    }
}

/// What a server program was asked: its address and runtime size.
pub struct ServerArgs {
    pub addr: String,
    pub threads: Option<usize>,
}

/// Reads `ADDR [--threads N]`, the command line of chapter 13's echo
/// server. `None` after printing the help, for `--help`.
pub fn server_args(usage: &str) -> io::Result<Option<ServerArgs>> {
    let mut addr = None;
    let mut threads = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print_usage(usage);
                return Ok(None);
            }
            "--threads" => {
                let n = args.next().and_then(|n| n.parse().ok());
                threads = Some(n.filter(|&n| n > 0).ok_or_else(|| {
                    invalid("--threads takes a number of threads, 1 or more")
                })?);
            }
            _ if addr.is_none() => addr = Some(arg),
            _ => return Err(invalid(&format!("unexpected {arg:?}\n{usage}"))),
        }
    }
    let addr = addr.ok_or_else(|| invalid(usage))?;
    Ok(Some(ServerArgs { addr, threads }))
}

/// The end of a program: an error becomes a sentence on stderr and exit
/// code 1 (what `main` returning `Err` would print is its Debug form).
pub fn exit(result: io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a program's help; a closed pipe (`--help | head`) is no error.
pub fn print_usage(usage: &str) {
    let _ = writeln!(io::stdout(), "{usage}");
}

pub fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.to_string())
}
