//! The servers measured, each started as a child process of its own, so
//! that its memory can be read from `/proc/PID/status` apart from the
//! client's, and the load never shares its runtime.

// Shared by several programs, each using only part of it.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The three servers of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The ceiling: chapter 4's length-prefixed echo, no WebSocket work.
    Tcp,
    /// Chapter 13's echo server.
    Ours,
    /// tokio-tungstenite, an established library.
    Tungstenite,
}

impl Kind {
    pub fn from_name(name: &str) -> Option<Kind> {
        match name {
            "tcp" => Some(Kind::Tcp),
            "ours" => Some(Kind::Ours),
            "tungstenite" => Some(Kind::Tungstenite),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Tcp => "raw TCP echo",
            Kind::Ours => "ours (ch. 13)",
            Kind::Tungstenite => "tokio-tungstenite",
        }
    }

    /// The example program that serves it.
    fn program(self) -> &'static str {
        match self {
            Kind::Tcp => "tcp-echo-server",
            Kind::Ours => "echo-server",
            Kind::Tungstenite => "tungstenite-echo-server",
        }
    }
}

/// Where the programs come from. Chapter 13's echo server is an example of
/// `ours` (solution-13, or chapter-13 for the reader's own), the baselines
/// are examples of this chapter's package.
pub struct Programs {
    pub ours: String,
    /// The folder this program runs from: `target/release/examples`, where
    /// cargo puts every example of the workspace.
    dir: PathBuf,
}

impl Programs {
    /// Builds the servers of `kinds` first when run by `cargo run` (cargo
    /// tells its programs where it is, in `CARGO`), so that no stale binary
    /// is measured; otherwise expects them built beside this program.
    pub fn build(ours: &str, kinds: &[Kind]) -> io::Result<Programs> {
        let exe = std::env::current_exe()?;
        let dir = exe.parent().expect("a program has a folder").to_owned();
        let programs = Programs {
            ours: ours.to_string(),
            dir,
        };
        let Some(cargo) = std::env::var_os("CARGO") else {
            return Ok(programs);
        };
        let release = !cfg!(debug_assertions);
        for kind in kinds {
            let mut build = Command::new(&cargo);
            build.args([
                "build",
                "--quiet",
                "--package",
                &programs.package(*kind),
            ]);
            build.args(["--example", kind.program()]);
            if release {
                build.arg("--release");
            }
            // Cargo's own workspace: the one this chapter belongs to.
            build.current_dir(env!("CARGO_MANIFEST_DIR"));
            let status = build.status()?;
            if !status.success() {
                return Err(io::Error::other(format!(
                    "building {} failed ({status})",
                    programs.command(*kind)
                )));
            }
        }
        Ok(programs)
    }

    fn package(&self, kind: Kind) -> String {
        match kind {
            Kind::Ours => self.ours.clone(),
            _ => env!("CARGO_PKG_NAME").to_string(),
        }
    }

    /// The cargo command that builds and runs `kind`, for messages.
    pub fn command(&self, kind: Kind) -> String {
        format!(
            "cargo run --release -p {} --example {}",
            self.package(kind),
            kind.program()
        )
    }

    /// Starts `kind` on a free loopback port; `threads` as its `--threads`.
    pub fn start(
        &self,
        kind: Kind,
        threads: Option<usize>,
    ) -> io::Result<Server> {
        let path = self.dir.join(kind.program());
        let mut command = Command::new(&path);
        command.arg("127.0.0.1:0");
        if let Some(n) = threads {
            command.args(["--threads", &n.to_string()]);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot start {} ({e}); build it with: {}",
                        path.display(),
                        self.command(kind)
                    ),
                )
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        match first_line(stdout, Duration::from_secs(10)) {
            Some(line) => match line.trim().strip_prefix("listening on ") {
                Some(url) => Ok(Server {
                    url: url.to_string(),
                    child,
                }),
                None => {
                    Err(stop(child, format!("{} said {line:?}", kind.label())))
                }
            },
            None => Err(stop(
                child,
                format!(
                    "{} printed no `listening on URL` line within 10 s",
                    kind.label()
                ),
            )),
        }
    }
}

/// The first line a child prints, read on a thread of its own so that a
/// server which prints nothing cannot hang the measurement.
fn first_line(
    stdout: impl io::Read + Send + 'static,
    limit: Duration,
) -> Option<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = sender.send(line);
        // Keep reading, so that the server never blocks on a full pipe.
        let _ = io::copy(&mut reader, &mut io::sink());
    });
    receiver.recv_timeout(limit).ok()
}

fn stop(mut child: Child, why: String) -> io::Error {
    let _ = child.kill();
    let _ = child.wait();
    io::Error::other(why)
}

/// A running server; dropping it ends the process.
pub struct Server {
    /// Where it listens: `ws://ADDR` or `tcp://ADDR`.
    pub url: String,
    child: Child,
}

impl Server {
    /// The memory the process really uses (its resident set), in KiB, from
    /// the `VmRSS:` line of `/proc/PID/status` (Linux only).
    pub fn rss_kib(&self) -> io::Result<u64> {
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&path)?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .ok_or_else(|| io::Error::other(format!("no VmRSS line in {path}")))
    }

    /// The CPU time the process has used so far, user and system, from
    /// fields 14 and 15 of `/proc/PID/stat` (Linux only).
    pub fn cpu_time(&self) -> io::Result<Duration> {
        let path = format!("/proc/{}/stat", self.child.id());
        let stat = std::fs::read_to_string(&path)?;
        let bad = || io::Error::other(format!("cannot read {path}"));
        // The command name (field 2) may hold spaces; it ends at the last
        // ')', and field 3 starts after it.
        let rest = stat.get(stat.rfind(')').ok_or_else(bad)? + 2..);
        let fields: Vec<&str> =
            rest.ok_or_else(bad)?.split_whitespace().collect();
        let ticks = |index: usize| -> io::Result<u64> {
            fields
                .get(index)
                .and_then(|f| f.parse().ok())
                .ok_or_else(bad)
        };
        // Field 14 is at index 11 of what starts at field 3.
        let (user, system) = (ticks(11)?, ticks(12)?);
        let per_second = rustix::param::clock_ticks_per_second();
        Ok(Duration::from_secs_f64(
            (user + system) as f64 / per_second as f64,
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One line about the machine: the CPU model, cores, kernel.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("an unknown CPU", |(_, name)| name.trim())
        .to_string();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!("Linux {}", k.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_string());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .map(|l| format!(", load average {l}"))
        .unwrap_or_default();
    format!("{model}, {cores} cores, {kernel}{load}")
}
