//! Chapter 14's load generator: C connections, each sending M-byte messages
//! and waiting for every echo (a closed loop); prints messages per second
//! and the latency of the round trips. Run it beside a server, in a process
//! of its own:
//!
//!     cargo run --release -p solution-13 --example echo-server -- \
//!         127.0.0.1:0                   # prints listening on ws://ADDR
//!     cargo run --release -p solution-14 --example load -- \
//!         ws://ADDR/ --connections 100 --size 20
//!
//! `tcp://ADDR` loads the length-prefixed echo of `--example
//! tcp-echo-server` instead. `--example compare` runs the whole comparison.

#[path = "bench/client.rs"]
mod client;
#[path = "bench/load.rs"]
mod load;
#[path = "bench/runtime.rs"]
mod runtime;

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use client::Target;
use load::{Plan, Until};

const USAGE: &str = "\
usage: load URL [options]
  URL                ws://IP:PORT/ (a WebSocket echo server) or tcp://IP:PORT
                     (chapter 4's length-prefixed echo)
  --connections C    connections, each in a closed loop (default 100)
  --size M           bytes per message (default 20)
  --seconds S        measure for S seconds (default 5) ...
  --warmup W         ... after W seconds not counted (default 1)
  --count N          instead: N round trips per connection, all counted
  --threads N        a multi-thread runtime of N workers (default: one thread)";

fn main() -> ExitCode {
    runtime::exit(run())
}

fn run() -> io::Result<()> {
    let Some((target, plan, threads)) = parse()? else {
        return Ok(());
    };
    if cfg!(debug_assertions) {
        println!(
            "(a debug build: run with --release for figures worth comparing)"
        );
    }
    let report =
        runtime::runtime(threads)?.block_on(load::run(&target, &plan))?;
    let (sent, received) = target.wire_bytes(plan.size);
    // writeln!, not println!: a closed pipe (`| head -1`) is an error to
    // return, not a panic.
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{} connections x {} B: {:.0} messages/s, latency p50 {:.3} ms, \
         p99 {:.3} ms",
        plan.connections,
        plan.size,
        report.per_second(),
        millis(report.percentile(50.0)),
        millis(report.percentile(99.0)),
    )?;
    writeln!(
        out,
        "{} round trips in {:.1} s; on the wire per message: {sent} B sent, \
         {received} B echoed",
        report.messages, report.seconds
    )?;
    Ok(())
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn parse() -> io::Result<Option<(Target, Plan, Option<usize>)>> {
    let mut target = None;
    let mut plan = Plan {
        connections: 100,
        size: 20,
        until: Until::Count(0),
    };
    let (mut seconds, mut warmup, mut count) = (5.0, 1.0, None);
    let mut threads = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            runtime::print_usage(USAGE);
            return Ok(None);
        }
        if !arg.starts_with("--") {
            target = Some(Target::parse(&arg)?);
            continue;
        }
        let value = args.next().unwrap_or_default();
        let number = || -> io::Result<f64> {
            value
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| {
                    runtime::invalid(&format!("{arg} takes a number\n{USAGE}"))
                })
        };
        match arg.as_str() {
            "--connections" => plan.connections = number()? as usize,
            "--size" => plan.size = number()? as usize,
            "--seconds" => seconds = number()?,
            "--warmup" => warmup = number()?,
            "--count" => count = Some(number()? as usize),
            "--threads" => threads = Some(number()? as usize),
            _ => return Err(runtime::invalid(&format!("{arg}?\n{USAGE}"))),
        }
    }
    let target = target.ok_or_else(|| runtime::invalid(USAGE))?;
    if plan.connections == 0 {
        return Err(runtime::invalid("--connections must be 1 or more"));
    }
    plan.until = match count {
        Some(n) => Until::Count(n),
        None => Until::Time {
            warmup: Duration::from_secs_f64(warmup),
            measure: Duration::from_secs_f64(seconds.max(0.1)),
        },
    };
    Ok(Some((target, plan, threads.filter(|&n| n > 0))))
}
