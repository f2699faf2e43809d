//! The experiment of chapter 8: one echo protocol served four ways, measured
//! with many held connections.
//!
//! ```text
//! cargo run --release -p solution-8 --example experiment cargo run --release
//! -p solution-8 --example experiment -- --n 100,1000 --models pool,tokio
//! ```
//!
//! Each server runs in a process of its own (this program, started again with
//! `--serve MODEL`), so that its memory, threads and CPU time can be read from
//! `/proc/<pid>` apart from the client's. The client holds N connections open,
//! sends one message on each and counts the answers that come back within 1 s,
//! then measures round trips on 50 of them while the others stay open. Linux
//! only for the figures taken from `/proc`; elsewhere they show as "-".

mod chart;
mod machine;

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chapter_8::experiment::{
    self, Figures, Model, Plan, hold_and_measure, pool_size,
};
use machine::Usage;

/// File descriptors each process keeps for itself beyond the connections.
const SPARE_FDS: u64 = 100;

/// One row of the table: a model at one N.
pub struct Row {
    pub model: Model,
    pub asked: usize,
    pub figures: Figures,
    /// The server with no client connected, and with all of them held.
    pub idle: Usage,
    pub held: Usage,
    /// The server's CPU time from listening to the end of the measurement.
    pub cpu: Option<Duration>,
    pub took: Duration,
}

impl Row {
    /// Memory per held connection, in KiB: what holding them added to the RSS.
    pub fn kib_per_connection(&self) -> Option<f64> {
        let (idle, held) = (self.idle.rss_kib?, self.held.rss_kib?);
        let opened = self.figures.opened.max(1) as f64;
        Some(held.saturating_sub(idle) as f64 / opened)
    }
}

struct Options {
    counts: Vec<usize>,
    models: Vec<Model>,
    out: std::path::PathBuf,
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        return serve_child(&args);
    }
    let options = parse(&args)?;
    let limit = machine::raise_fd_limit();
    println!("{}", machine::describe(limit));
    println!(
        "pool size 2 x cores + 1 = {}; answers within 1 s; round trips on 50 held connections\n",
        pool_size()
    );
    let mut rows = Vec::new();
    println!("{}", header());
    for &asked in &options.counts {
        let n = scaled(asked, limit);
        for &model in &options.models {
            let row = measure(model, n)?;
            println!("{}", line(&row));
            rows.push(row);
        }
    }
    std::fs::create_dir_all(&options.out)?;
    let svg = options.out.join("ch08-experiment.svg");
    std::fs::write(&svg, chart::svg(&rows))?;
    let table = options.out.join("ch08-experiment.txt");
    let text: Vec<String> = std::iter::once(header())
        .chain(rows.iter().map(line))
        .collect();
    std::fs::write(&table, text.join("\n") + "\n")?;
    println!("\nwrote {} and {}", svg.display(), table.display());
    Ok(())
}

fn parse(args: &[String]) -> io::Result<Options> {
    let bad = |what: &str| {
        io::Error::new(io::ErrorKind::InvalidInput, what.to_string())
    };
    let mut options = Options {
        counts: vec![100, 1_000, 10_000],
        models: Model::ALL.to_vec(),
        out: "target/experiment".into(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| bad("every option takes a value"))?;
        match flag.as_str() {
            "--n" => {
                options.counts = value
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| bad("--n takes numbers: --n 100,1000"))?;
            }
            "--models" => {
                options.models = value
                    .split(',')
                    .map(|m| Model::from_name(m.trim()))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        bad("--models takes pool,threads,mio,tokio")
                    })?;
            }
            "--out" => options.out = value.into(),
            _ => {
                return Err(bad(
                    "options: --n 100,1000,10000 --models ... --out DIR",
                ));
            }
        }
    }
    Ok(options)
}

/// N, or less when this process may not open that many files; says so.
fn scaled(asked: usize, limit: u64) -> usize {
    let room = limit.saturating_sub(SPARE_FDS) as usize;
    if asked <= room {
        return asked;
    }
    println!(
        "note: N = {asked} needs {} open files per process, the limit is {limit}: \
         measuring N = {room} instead",
        asked as u64 + SPARE_FDS
    );
    room
}

// ANCHOR: measure
/// Starts the model's server in a child process, measures it with `n` held
/// connections, and ends it.
fn measure(model: Model, n: usize) -> io::Result<Row> {
    let started = Instant::now();
    let (mut child, addr) = start_server(model, n)?;
    let pid = child.id();
    // Let the server settle before taking its idle figures.
    std::thread::sleep(Duration::from_millis(200));
    let idle = Usage::of(pid);
    let mut held = Usage::default();
    let figures = hold_and_measure(addr, &Plan::for_connections(n), || {
        held = Usage::of(pid);
    });
    child.kill()?;
    child.wait()?;
    let cpu = Option::zip(held.cpu, idle.cpu)
        .map(|(end, start)| end.saturating_sub(start));
    Ok(Row {
        model,
        asked: n,
        figures: figures?,
        idle,
        held,
        cpu,
        took: started.elapsed(),
    })
}
// ANCHOR_END: measure

/// Starts this program again as a server; reads the address it listens on.
fn start_server(model: Model, n: usize) -> io::Result<(Child, SocketAddr)> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", model.name(), "--backlog", &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let addr = first
        .strip_prefix("listening ")
        .and_then(|a| a.trim().parse().ok())
        .ok_or_else(|| {
            io::Error::other(format!("the server said {first:?}"))
        })?;
    Ok((child, addr))
}

/// The child: `--serve MODEL --backlog N`. Serves until its stdin closes.
fn serve_child(args: &[String]) -> io::Result<()> {
    let model =
        args.get(1)
            .and_then(|m| Model::from_name(m))
            .ok_or_else(|| {
                io::Error::other("--serve takes pool, threads, mio or tokio")
            })?;
    let backlog = args.get(3).and_then(|b| b.parse().ok()).unwrap_or(1024);
    let listener =
        experiment::listener("127.0.0.1:0".parse().unwrap(), backlog)?;
    println!("listening {}", listener.local_addr()?);
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    std::thread::spawn(move || {
        // The parent closes our stdin (or ends) when it is done with us.
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        flag.store(true, Ordering::Relaxed);
    });
    experiment::serve(model, listener, stop)
}

fn header() -> String {
    format!(
        "{:<8} {:>6} {:>6} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>7} {:>6}",
        "model",
        "N",
        "opened",
        "answered",
        "p50 ms",
        "p99 ms",
        "RSS MiB",
        "KiB/conn",
        "threads",
        "CPU s",
        "took s"
    )
}

fn line(row: &Row) -> String {
    let ms = |d: Option<Duration>| match d {
        Some(d) => format!("{:.2}", d.as_secs_f64() * 1000.0),
        None => "> 1000".to_string(),
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let f = &row.figures;
    format!(
        "{:<8} {:>6} {:>6} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>7} {:>6.1}",
        row.model.name(),
        row.asked,
        f.opened,
        f.answered,
        ms(f.percentile(50.0)),
        ms(f.percentile(99.0)),
        or_dash(
            row.held
                .rss_kib
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
        ),
        or_dash(row.kib_per_connection().map(|k| format!("{k:.1}"))),
        or_dash(row.held.threads.map(|t| t.to_string())),
        or_dash(row.cpu.map(|c| format!("{:.2}", c.as_secs_f64()))),
        row.took.as_secs_f64()
    )
}
