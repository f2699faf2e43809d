//! Chapter 14's memory per idle connection, in one command:
//!
//!     cargo run --release -p solution-14 --example idle-memory
//!
//! Starts each WebSocket echo server as a child process, opens N = 10 000
//! connections to it and completes their handshakes, then sends nothing.
//! The server's resident memory (VmRSS in `/proc/PID/status`) is read
//! before and after; (after - before) / N is what one idle connection
//! costs it. Linux only. Socket buffers are kernel memory, not counted in
//! any process's RSS: this is the memory the server program itself holds.

#[path = "bench/client.rs"]
mod client;
#[path = "bench/runtime.rs"]
mod runtime;
#[path = "bench/servers.rs"]
mod servers;

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use client::{Client, Target};
use servers::{Kind, Programs, Server};
use tokio::task::JoinSet;

const USAGE: &str = "\
usage: idle-memory [options]
  --connections N    idle connections to hold (default 10000)
  --message M        each connection first sends one message of M bytes and
                     gets its echo, then stays idle (default: none sent)
  --runs R           measure each server R times (default 3)
  --servers LIST     which of ours,tungstenite,tcp (default ours,tungstenite)
  --ours PACKAGE     whose echo-server is 'ours' (default solution-13;
                     chapter-13 measures your own)
  --threads N        servers on a multi-thread runtime of N workers";

/// The goal for chapter 13's server, in bytes per idle connection.
const GOAL: f64 = 2.0 * 1024.0;
/// Open files this process needs beyond the connections.
const SPARE_FDS: u64 = 100;
/// Handshakes under way at once: well under the server's accept queue.
const AT_ONCE: usize = 100;

struct Options {
    connections: usize,
    /// The size of the one message each connection sends before it idles.
    message: Option<usize>,
    runs: usize,
    servers: Vec<Kind>,
    ours: String,
    threads: Option<usize>,
}

/// One server's memory before and after, in KiB.
struct Sample {
    before: u64,
    after: u64,
}

fn main() -> ExitCode {
    runtime::exit(run())
}

fn run() -> io::Result<()> {
    let Some(mut options) = parse()? else {
        return Ok(());
    };
    let limit = raise_fd_limit();
    println!("machine: {}", servers::machine());
    let room = limit.saturating_sub(SPARE_FDS) as usize;
    if options.connections > room {
        println!(
            "note: {} connections need {} open files, this process may \
             open {limit}: measuring {room} instead",
            options.connections,
            options.connections as u64 + SPARE_FDS
        );
        options.connections = room;
    }
    let n = options.connections;
    let programs = Programs::build(&options.ours, &options.servers)?;
    let runtime = runtime::runtime(None)?;
    let what = match options.message {
        None => "handshake done, nothing sent since".to_string(),
        Some(size) => format!("one message of {size} B each, then nothing"),
    };
    println!(
        "{n} idle connections ({what}), the server's VmRSS before and \
         after\n"
    );
    println!(
        "  {:<20} {:>12} {:>12} {:>16}",
        "server", "before KiB", "after KiB", "per connection"
    );
    let mut ours = Vec::new();
    for run in 0..options.runs {
        for &kind in &options.servers {
            let server = programs.start(kind, options.threads)?;
            let held = hold(&server, n, options.message);
            let (sample, clients) = runtime.block_on(held)?;
            // The server goes first, so that it never sees 10 000 peers
            // vanish without a closing handshake.
            drop(server);
            drop(clients);
            let bytes = per_connection(&sample, n);
            println!(
                "  {:<20} {:>12} {:>12} {:>12.0} B",
                format!("{} #{}", kind.label(), run + 1),
                sample.before,
                sample.after,
                bytes
            );
            if kind == Kind::Ours {
                ours.push(bytes);
            }
        }
    }
    if !ours.is_empty() {
        let worst = ours.iter().copied().fold(0.0, f64::max);
        let verdict = if worst <= GOAL { "met" } else { "NOT met" };
        println!(
            "\ngoal for ours, at most {GOAL:.0} B per idle connection: \
             {verdict} (worst run {worst:.0} B)"
        );
    }
    Ok(())
}

fn per_connection(sample: &Sample, n: usize) -> f64 {
    sample.after.saturating_sub(sample.before) as f64 * 1024.0 / n as f64
}

/// Warms the server up, reads its memory, opens `n` connections (each
/// sends one message of `message` bytes, if given) and holds them idle,
/// reads its memory again, and checks they are still served. The
/// connections come back open.
async fn hold(
    server: &Server,
    n: usize,
    message: Option<usize>,
) -> io::Result<(Sample, Vec<Client>)> {
    let target = Target::parse(&server.url)?;
    // A first round of connections, each with one message, closed again:
    // what the runtime and the allocator set up once is in `before`.
    for client in open(&target, AT_ONCE).await? {
        let mut client = client;
        client.round_trip(b"warm up").await?;
        client.close().await?;
    }
    settle().await;
    let before = server.rss_kib()?;
    let mut clients = open(&target, n).await?;
    if let Some(size) = message {
        let payload = vec![b'x'; size];
        for client in &mut clients {
            client.round_trip(&payload).await?;
        }
    }
    settle().await;
    let after = server.rss_kib()?;
    // Idle, not dead: a few of them, spread over the whole set, still echo.
    for client in clients.iter_mut().step_by((n / 10).max(1)) {
        client.round_trip(b"still there?").await?;
    }
    Ok((Sample { before, after }, clients))
}

/// `n` connections with their handshakes done, `AT_ONCE` at a time.
async fn open(target: &Target, n: usize) -> io::Result<Vec<Client>> {
    let mut clients = Vec::with_capacity(n);
    while clients.len() < n {
        let mut batch = JoinSet::new();
        for _ in 0..AT_ONCE.min(n - clients.len()) {
            let target = target.clone();
            batch.spawn(async move { Client::connect(&target).await });
        }
        while let Some(done) = batch.join_next().await {
            clients.push(done.map_err(io::Error::other)??);
        }
    }
    Ok(clients)
}

/// Lets the server finish what it was doing before its memory is read.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Raises this process's soft limit on open files to its hard limit (the
/// servers it starts inherit it) and returns the limit now in force.
fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    let now = match setrlimit(Resource::Nofile, raised) {
        Ok(()) => raised,
        Err(_) => limit,
    };
    // `None` means no limit.
    now.current.unwrap_or(u64::MAX)
}

fn parse() -> io::Result<Option<Options>> {
    let mut options = Options {
        connections: 10_000,
        message: None,
        runs: 3,
        servers: vec![Kind::Ours, Kind::Tungstenite],
        ours: "solution-13".to_string(),
        threads: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            runtime::print_usage(USAGE);
            return Ok(None);
        }
        let value = args.next().unwrap_or_default();
        let bad = || runtime::invalid(&format!("{arg} {value:?}?\n{USAGE}"));
        let number = || {
            value
                .replace('_', "")
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(bad)
        };
        match arg.as_str() {
            "--connections" => options.connections = number()?,
            "--message" => options.message = Some(number()?),
            "--runs" => options.runs = number()?,
            "--threads" => options.threads = Some(number()?),
            "--ours" => options.ours = value.clone(),
            "--servers" => {
                options.servers = value
                    .split(',')
                    .map(|name| Kind::from_name(name.trim()))
                    .collect::<Option<_>>()
                    .filter(|list: &Vec<Kind>| !list.is_empty())
                    .ok_or_else(bad)?;
            }
            _ => return Err(bad()),
        }
    }
    Ok(Some(options))
}
