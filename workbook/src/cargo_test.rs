//! Runs `cargo test` for one package and reads what libtest prints.
//!
//! Stable libtest has no machine-readable output, but its plain lines are stable:
//! `test NAME ... ok` / `... FAILED`, then a `---- NAME stdout ----` section per failure.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Building a chapter's tests (or running a tool) may take this long on a cold two-core
/// machine.
pub const BUILD_LIMIT: Duration = Duration::from_secs(900);
/// Running one chapter's tests, once built. Every test that waits has a deadline of a few
/// seconds, so a chapter still running after this has a test that never ends.
pub const RUN_LIMIT: Duration = Duration::from_secs(120);

/// [`RUN_LIMIT`], or `WORKBOOK_RUN_LIMIT` seconds (the command's own tests use a short one).
pub fn run_limit() -> Duration {
    std::env::var("WORKBOOK_RUN_LIMIT")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .map_or(RUN_LIMIT, Duration::from_secs)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Passed,
    Failed,
    Ignored,
}

/// What one `cargo test` run gave.
#[derive(Debug, Default)]
pub struct Run {
    pub outcomes: BTreeMap<String, Outcome>,
    /// The message each failing test printed, without the backtrace note.
    pub messages: BTreeMap<String, String>,
    /// Set when the package did not compile or the run did not finish.
    pub broken: Option<String>,
}

impl Run {
    pub fn passed(&self, test: &str) -> bool {
        self.outcomes.get(test) == Some(&Outcome::Passed)
    }
}

/// `cargo test -p PACKAGE`, every test run even after a failure, stopped after `limit`.
pub fn run(root: &Path, package: &str, limit: Duration, env: &[(&str, &Path)]) -> Run {
    let args = [
        "test",
        "--package",
        package,
        "--no-fail-fast",
        "--color",
        "never",
    ];
    let output = match cargo_with_env(root, &args, &["--color", "never"], limit, env) {
        Ok(output) => output,
        Err(broken) => {
            return Run {
                broken: Some(broken),
                ..Run::default()
            };
        }
    };
    let mut run = parse(&output.stdout);
    if let Some(limit) = output.timed_out {
        run.broken = Some(format!(
            "`cargo test -p {package}` was stopped after {} s: a test did not finish. \
             Every test here gives up after a few seconds, so one that runs on has a loop \
             that never ends, or waits without a deadline.",
            limit.as_secs()
        ));
    } else if run.outcomes.is_empty() {
        run.broken = Some(format!(
            "`cargo test -p {package}` ran no test:\n{}",
            tail(&output.stderr, 25)
        ));
    }
    run
}

/// Builds a package's tests (slow the first time, up to [`BUILD_LIMIT`]), then runs them
/// under [`run_limit`]: a test that hangs is stopped then, however long the build took.
pub fn build_and_run(root: &Path, package: &str) -> Run {
    build_and_run_with_env(root, package, &[])
}

/// [`build_and_run`] with extra environment variables for the test run.
pub fn build_and_run_with_env(root: &Path, package: &str, env: &[(&str, &Path)]) -> Run {
    let build_limit = BUILD_LIMIT;
    let build = cargo(
        root,
        &["test", "--package", package, "--no-run"],
        &[],
        build_limit,
    );
    let broken = match build {
        Err(problem) => problem,
        Ok(output) if output.timed_out.is_some() => format!(
            "building the tests of {package} took longer than {} s and was stopped",
            build_limit.as_secs()
        ),
        Ok(output) if !output.success => format!(
            "`cargo test -p {package}` does not build:\n{}",
            tail(&output.stderr, 25)
        ),
        Ok(_) => return run(root, package, run_limit(), env),
    };
    Run {
        broken: Some(broken),
        ..Run::default()
    }
}

/// The test names of a package, as `cargo test -- --list` prints them.
pub fn list(root: &Path, package: &str, limit: Duration) -> Result<Vec<String>, String> {
    let output = cargo(root, &["test", "--package", package], &["--list"], limit)?;
    if !output.success {
        return Err(format!(
            "`cargo test -p {package} -- --list` failed:\n{}",
            tail(&output.stderr, 25)
        ));
    }
    Ok(output
        .stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

pub struct Output {
    pub success: bool,
    /// Stopped after the time limit; `stdout` and `stderr` hold what came before.
    pub timed_out: Option<Duration>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs cargo with `args`, then `--`, then `test_args`; stops it after `limit`.
pub fn cargo(
    root: &Path,
    args: &[&str],
    test_args: &[&str],
    limit: Duration,
) -> Result<Output, String> {
    cargo_with_env(root, args, test_args, limit, &[])
}

/// [`cargo`] with extra environment variables.
pub fn cargo_with_env(
    root: &Path,
    args: &[&str],
    test_args: &[&str],
    limit: Duration,
    env: &[(&str, &Path)],
) -> Result<Output, String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .arg("--")
        .args(test_args)
        .current_dir(root)
        // Failures must show the message, not a backtrace, and snapshot tests must not
        // leave `.snap.new` files in the reader's tree.
        .env("RUST_BACKTRACE", "0")
        .env("INSTA_UPDATE", "no")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // cargo and the test binary it starts share a new process group, so a test that hangs
    // can be stopped together with cargo (killing cargo alone leaves the test running).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let shown = format!("cargo {} -- {}", args.join(" "), test_args.join(" "));
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let mut timed_out = None;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            stop_group(&mut child);
            timed_out = Some(limit);
            break child.wait().map_err(|e| e.to_string())?;
        }
        thread::sleep(Duration::from_millis(50));
    };
    Ok(Output {
        success: status.success() && timed_out.is_none(),
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Kills `child` and, on Unix, every process of its group (the test binary cargo runs).
fn stop_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let group = format!("-{}", child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    }
    let _ = child.kill();
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Reads libtest's plain output.
pub fn parse(stdout: &str) -> Run {
    let mut run = Run::default();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("test ")
            && let Some((name, result)) = rest.rsplit_once(" ... ")
        {
            let outcome = match result.trim() {
                "ok" => Outcome::Passed,
                "FAILED" => Outcome::Failed,
                r if r.starts_with("ignored") => Outcome::Ignored,
                _ => continue,
            };
            run.outcomes.insert(name.to_string(), outcome);
            continue;
        }
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            finish(&mut run, current.take());
            current = Some((name.to_string(), Vec::new()));
        } else if line == "failures:" || line.starts_with("test result:") {
            finish(&mut run, current.take());
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    finish(&mut run, current);
    run
}

fn finish(run: &mut Run, section: Option<(String, Vec<&str>)>) {
    let Some((name, lines)) = section else { return };
    let message: Vec<String> = lines
        .into_iter()
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .map(without_thread_id)
        .collect();
    run.messages
        .insert(name, message.join("\n").trim().to_string());
}

/// `thread 'x' (4242) panicked at` -> `thread 'x' panicked at`: the number changes on
/// every run and says nothing to a reader.
fn without_thread_id(line: &str) -> String {
    if let Some(rest) = line.strip_prefix("thread '")
        && let Some((name, after)) = rest.split_once("' (")
        && let Some((id, tail)) = after.split_once(") panicked at")
        && id.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("thread '{name}' panicked at{tail}");
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "
running 3 tests
test adds_small_numbers ... ok
test adds_large_numbers ... FAILED
test slow_one ... ignored, takes a while

failures:

---- adds_large_numbers stdout ----

thread 'adds_large_numbers' (5150) panicked at chapters/01-adding/src/lib.rs:3:5:
not yet implemented: add the two numbers
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    adds_large_numbers

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn reads_outcomes_and_messages() {
        let run = parse(OUTPUT);
        assert_eq!(run.outcomes["adds_small_numbers"], Outcome::Passed);
        assert_eq!(run.outcomes["adds_large_numbers"], Outcome::Failed);
        assert_eq!(run.outcomes["slow_one"], Outcome::Ignored);
        insta::assert_snapshot!(run.messages["adds_large_numbers"], @r"
        thread 'adds_large_numbers' panicked at chapters/01-adding/src/lib.rs:3:5:
        not yet implemented: add the two numbers
        ");
    }
}
