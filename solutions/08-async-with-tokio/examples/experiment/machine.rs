//! What the experiment reads about the machine and about a server process.

use std::time::Duration;

/// A server process's memory, threads and CPU time, read from `/proc/<pid>`
/// (Linux; elsewhere every field is `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// Resident set size: the memory the process really uses, in KiB.
    pub rss_kib: Option<u64>,
    pub threads: Option<u64>,
    /// User plus system CPU time since the process started.
    pub cpu: Option<Duration>,
}

impl Usage {
    pub fn of(pid: u32) -> Usage {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        };
        Usage {
            rss_kib: field("VmRSS:"),
            threads: field("Threads:"),
            cpu: cpu_time(pid),
        }
    }
}

/// utime + stime, fields 14 and 15 of `/proc/<pid>/stat`, in clock ticks.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; it ends at the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3, so field 14 is at index 11.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    let per_second = ticks_per_second().filter(|&t| t > 0)?;
    Some(Duration::from_secs_f64(
        (user + system) as f64 / per_second as f64,
    ))
}

#[cfg(unix)]
fn ticks_per_second() -> Option<u64> {
    Some(rustix::param::clock_ticks_per_second())
}

#[cfg(not(unix))]
fn ticks_per_second() -> Option<u64> {
    None
}

/// Raises this process's soft limit on open files to its hard limit (children
/// inherit it) and returns the soft limit now in force.
#[cfg(unix)]
pub fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    // `None` means unlimited; the number is what a report can print.
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    let now = match setrlimit(Resource::Nofile, raised) {
        Ok(()) => raised,
        Err(_) => limit,
    };
    now.current.unwrap_or(u64::MAX)
}

#[cfg(not(unix))]
pub fn raise_fd_limit() -> u64 {
    // Windows has no such limit on sockets; the experiment scales nothing down.
    u64::MAX
}

/// One line about where the figures come from.
pub fn describe(fd_limit: u64) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| format!("Linux {}", k.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_string());
    let queue = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .map(|q| format!(", accept queue at most {}", q.trim()))
        .unwrap_or_default();
    format!(
        "machine: {cores} cores, {kernel}, \
         open files per process {fd_limit}{queue}"
    )
}
