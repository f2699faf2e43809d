//! What the experiment reads about the machine and about a server process.

use std::time::Duration;

/// A server process's memory, threads and CPU time, read from `/proc/<pid>`
/// (Linux).
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
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()?
        + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = u64::try_from(per_second).ok().filter(|&t| t > 0)?;
    Some(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// Raises this process's soft limit on open files to its hard limit (children
/// inherit it) and returns the soft limit now in force.
pub fn raise_fd_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct we pass,
    // nothing else.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        let wanted = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
            limit = wanted;
        }
    }
    limit.rlim_cur
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
        "machine: {cores} cores, {kernel}, open files per process {fd_limit}{queue}"
    )
}
