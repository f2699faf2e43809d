//! Chapter 14's load comparison, in one command:
//!
//!     cargo run --release -p solution-14 --example compare
//!
//! Starts each server as a child process, on the same runtime (tokio's
//! current-thread, unless `--threads N`): chapter 4's length-prefixed echo
//! over raw TCP (the ceiling: the same system calls, no WebSocket work),
//! chapter 13's WebSocket echo server, and tokio-tungstenite's. Loads each
//! in turn from this process (100 connections x 20 B, then 200 x 16 KiB),
//! several runs, and prints messages per second with the ratios between
//! them. Then the seed's comparison: bytes on the wire per message, and the
//! latency of one connection alone, raw TCP against WebSocket.

#[path = "bench/client.rs"]
mod client;
#[path = "bench/load.rs"]
mod load;
#[path = "bench/runtime.rs"]
mod runtime;
#[path = "bench/servers.rs"]
mod servers;

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use client::Target;
use load::{Plan, Report, Until};
use servers::{Kind, Programs};

const USAGE: &str = "\
usage: compare [options]
  --runs N           runs of everything, for the spread (default 5)
  --seconds S        each load measured for S seconds (default 2) ...
  --warmup W         ... after W seconds not counted (default 1)
  --servers LIST     which of tcp,ours,tungstenite (default: all three)
  --ours PACKAGE     whose echo-server is 'ours' (default solution-13;
                     chapter-13 measures your own)
  --threads N        every server on a multi-thread runtime of N workers
                     (default: one thread, as the load always is)";

/// The loads of the comparison: (connections, bytes per message).
const LOADS: [(usize, usize); 2] = [(100, 20), (200, 16 * 1024)];

/// The message sizes of the seed's comparison: where a WebSocket header
/// changes size (RFC 6455 section 5.2: 7-bit, 16-bit, 64-bit lengths).
const WIRE_SIZES: [usize; 5] = [20, 125, 126, 16 * 1024, 65_536];

struct Options {
    runs: usize,
    warmup: Duration,
    measure: Duration,
    servers: Vec<Kind>,
    ours: String,
    threads: Option<usize>,
}

/// What one server did under one load, in every run.
struct Row {
    kind: Kind,
    runs: Vec<Run>,
}

/// One run of the load against one server.
struct Run {
    report: Report,
    /// The server's CPU time during the run, and the run's length.
    cpu: Duration,
    wall: Duration,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.report.per_second()
    }

    /// The server's CPU time per round trip, in microseconds: what a
    /// message costs it, whatever else the machine was doing.
    fn cpu_micros(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.report.total.max(1) as f64
    }

    /// How busy the server was: 100 % is one core all the time.
    fn cpu_use(&self) -> f64 {
        self.cpu.as_secs_f64() * 100.0 / self.wall.as_secs_f64()
    }
}

impl Row {
    fn median(&self, figure: impl Fn(&Run) -> f64) -> f64 {
        median(self.runs.iter().map(figure).collect())
    }
}

fn main() -> ExitCode {
    runtime::exit(run())
}

fn run() -> io::Result<()> {
    let Some(options) = parse()? else {
        return Ok(());
    };
    if cfg!(debug_assertions) {
        println!(
            "(a debug build: run with --release for figures worth comparing)"
        );
    }
    println!("machine: {}", servers::machine());
    let programs = Programs::build(&options.ours, &options.servers)?;
    let runtime = runtime::runtime(None)?;
    let threads = options
        .threads
        .map_or("one thread".to_string(), |n| format!("{n} threads"));
    println!(
        "servers on {threads} each, load from one thread; {} runs of {:?} \
         after {:?} of warm-up\n",
        options.runs, options.measure, options.warmup
    );
    let until = Until::Time {
        warmup: options.warmup,
        measure: options.measure,
    };
    for (connections, size) in LOADS {
        let plan = Plan {
            connections,
            size,
            until,
        };
        let rows = measure(&runtime, &programs, &options, &plan)?;
        print_throughput(&plan, &rows);
    }
    print_wire_bytes();
    let mut rows = Vec::new();
    for size in [20, 16 * 1024] {
        let plan = Plan {
            connections: 1,
            size,
            until,
        };
        rows.push((size, measure(&runtime, &programs, &options, &plan)?));
    }
    print_latency(&rows);
    Ok(())
}

/// Every server under `plan`, `options.runs` times. Each run starts the
/// servers in another order, so that a slow moment of the machine does not
/// always fall on the same one.
fn measure(
    runtime: &tokio::runtime::Runtime,
    programs: &Programs,
    options: &Options,
    plan: &Plan,
) -> io::Result<Vec<Row>> {
    let mut rows: Vec<Row> = options
        .servers
        .iter()
        .map(|&kind| Row {
            kind,
            runs: Vec::new(),
        })
        .collect();
    for run in 0..options.runs {
        for turn in 0..rows.len() {
            let row = &mut rows[(run + turn) % options.servers.len()];
            let server = programs.start(row.kind, options.threads)?;
            let target = Target::parse(&server.url)?;
            let (cpu_before, started) = (server.cpu_time()?, Instant::now());
            let report = runtime.block_on(load::run(&target, plan))?;
            let (cpu, wall) =
                (server.cpu_time()? - cpu_before, started.elapsed());
            progress(&format!(
                "{} x {} B, run {}: {:<18} {:>8.0} messages/s",
                plan.connections,
                plan.size,
                run + 1,
                row.kind.label(),
                report.per_second()
            ));
            row.runs.push(Run { report, cpu, wall });
        }
    }
    progress("");
    Ok(rows)
}

/// A line that says how far the measurement is, on a terminal only: each
/// one overwrites the one before.
fn progress(line: &str) {
    if io::stderr().is_terminal() {
        eprint!("\r{line:79}\r");
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

fn millis(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn print_throughput(plan: &Plan, rows: &[Row]) {
    let runs = rows[0].runs.len();
    println!(
        "{} connections x {} B: messages/s, each run and the median",
        plan.connections, plan.size
    );
    let mut head = format!("  {:<22}", "server");
    for run in 1..=runs {
        head += &format!(" {:>8}", format!("run {run}"));
    }
    println!("{head} {:>8}", "median");
    for row in rows {
        let mut line = format!("  {:<22}", row.kind.label());
        for run in &row.runs {
            line += &format!(" {:>8.0}", run.per_second());
        }
        println!("{line} {:>8.0}", row.median(Run::per_second));
    }
    print_ratios(rows, Run::per_second);
    println!("  messages per CPU second of the server: the same ratios");
    print_ratios(rows, |run| 1.0 / run.cpu_micros());
    println!(
        "  {:<22} {:>8} {:>8} {:>14} {:>10}",
        "(medians)", "p50 ms", "p99 ms", "server CPU/msg", "server CPU"
    );
    for row in rows {
        println!(
            "  {:<22} {:>8.2} {:>8.2} {:>11.1} µs {:>8.0} %",
            row.kind.label(),
            row.median(|run| millis(run.report.percentile(50.0))),
            row.median(|run| millis(run.report.percentile(99.0))),
            row.median(Run::cpu_micros),
            row.median(Run::cpu_use),
        );
    }
    println!();
}

/// One line per pair of servers worth comparing: the ratio of `figure`
/// in each run, and its median.
fn print_ratios(rows: &[Row], figure: impl Fn(&Run) -> f64) {
    for (a, b) in ratios(rows) {
        let per_run: Vec<f64> = a
            .runs
            .iter()
            .zip(&b.runs)
            .map(|(a, b)| figure(a) / figure(b))
            .collect();
        let name = format!("{} / {}", short(a.kind), short(b.kind));
        let mut line = format!("  {name:<22}");
        for ratio in &per_run {
            line += &format!(" {ratio:>8.2}");
        }
        println!("{line} {:>8.2}", median(per_run));
    }
}

/// The ratios worth printing: every WebSocket server against raw TCP, and
/// ours against tokio-tungstenite.
fn ratios(rows: &[Row]) -> Vec<(&Row, &Row)> {
    let find = |kind| rows.iter().find(|row| row.kind == kind);
    let mut pairs = Vec::new();
    for kind in [Kind::Ours, Kind::Tungstenite] {
        if let (Some(a), Some(b)) = (find(kind), find(Kind::Tcp)) {
            pairs.push((a, b));
        }
    }
    if let (Some(a), Some(b)) = (find(Kind::Ours), find(Kind::Tungstenite)) {
        pairs.push((a, b));
    }
    pairs
}

fn short(kind: Kind) -> &'static str {
    match kind {
        Kind::Tcp => "raw TCP",
        Kind::Ours => "ours",
        Kind::Tungstenite => "tungstenite",
    }
}

/// The seed's first comparison: what each message costs on the wire. The
/// TCP and IP headers are the same for both, so only the bytes each
/// protocol adds are counted.
fn print_wire_bytes() {
    let tcp = Target::Tcp {
        addr: ([127, 0, 0, 1], 0).into(),
    };
    let websocket = Target::parse("ws://127.0.0.1:1/").expect("a valid URL");
    println!("bytes on the wire per message of M bytes, each way");
    println!(
        "  {:>6} {:>12} {:>18} {:>18}",
        "M", "raw TCP", "WebSocket c->s", "WebSocket s->c"
    );
    for size in WIRE_SIZES {
        let (raw, _) = tcp.wire_bytes(size);
        let (up, down) = websocket.wire_bytes(size);
        let header = down - size;
        println!(
            "  {size:>6} {:>12} {:>18} {:>18}",
            format!("{raw} (4)"),
            format!("{up} ({header}+4)"),
            format!("{down} ({header})"),
        );
    }
    println!();
}

/// The seed's second comparison: the round trip of one connection alone,
/// nothing queued behind it.
fn print_latency(rows: &[(usize, Vec<Row>)]) {
    println!(
        "one connection alone: round trip p50 / p99 in ms (median of runs)"
    );
    let mut head = format!("  {:>6}", "M");
    for row in &rows[0].1 {
        head += &format!(" {:>20}", row.kind.label());
    }
    println!("{head}");
    for (size, servers) in rows {
        let mut line = format!("  {size:>6}");
        for row in servers {
            let p = |percent| {
                row.median(|run| millis(run.report.percentile(percent)))
            };
            line +=
                &format!(" {:>20}", format!("{:.3} / {:.3}", p(50.0), p(99.0)));
        }
        println!("{line}");
    }
}

fn parse() -> io::Result<Option<Options>> {
    let mut options = Options {
        runs: 5,
        warmup: Duration::from_secs(1),
        measure: Duration::from_secs(2),
        servers: vec![Kind::Tcp, Kind::Ours, Kind::Tungstenite],
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
                .parse::<f64>()
                .ok()
                .filter(|n| *n > 0.0 && n.is_finite())
        };
        match arg.as_str() {
            "--runs" => options.runs = number().ok_or_else(bad)? as usize,
            "--seconds" => {
                options.measure =
                    Duration::from_secs_f64(number().ok_or_else(bad)?)
            }
            "--warmup" => {
                options.warmup =
                    Duration::from_secs_f64(number().ok_or_else(bad)?)
            }
            "--servers" => {
                options.servers = value
                    .split(',')
                    .map(|name| Kind::from_name(name.trim()))
                    .collect::<Option<_>>()
                    .filter(|list: &Vec<Kind>| !list.is_empty())
                    .ok_or_else(bad)?;
            }
            "--ours" => options.ours = value,
            "--threads" => {
                options.threads = Some(number().ok_or_else(bad)? as usize)
            }
            _ => return Err(bad()),
        }
    }
    if options.runs == 0 {
        return Err(runtime::invalid("--runs must be 1 or more"));
    }
    Ok(Some(options))
}
