//! A real browser for tests: headless Chromium loads a page and hands back its DOM.
//!
//! A WebSocket is only proven when a browser talks to it. No automation framework is
//! needed for that: Chromium can load a page without a window, let its scripts run, and
//! print the DOM they left (`--dump-dom`). The page writes its outcome into the DOM
//! (`<p id="result">echoed: hello</p>`) and the test reads it from the dump.
//!
//! ```ignore
//! let Some(chromium) = browser::chromium_or_skip("the chat page in a browser") else {
//!     return;
//! };
//! let dom = chromium.dump_dom(&format!("http://{addr}/"), &Options::default())?;
//! ```
//!
//! Scripts run in *virtual* time: `setTimeout(f, 1000)` fires at once, and the page gets
//! [`Options::virtual_time`] of it in all. Chromium stops the virtual clock while a fetch is
//! pending, so a page that waits on its server still sees the answer. The run as a whole
//! has a real deadline, [`Options::limit`]; past it the browser is killed.
//!
//! When Chromium is missing, [`Chromium::find`] says where it looked. A test calls
//! [`chromium_or_skip`]: on a reader's machine the test is skipped with a note that says how
//! to install it; under `CI=true` a missing browser fails the test, so CI cannot go green
//! by testing nothing.

use std::fmt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The names Chromium goes by, looked up in `PATH` in this order.
const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Where macOS keeps the application when it is not in `PATH`.
const MAC_APPS: [&str; 2] = [
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/// The variable that names the browser to use, overriding the search.
pub const ENV: &str = "CHROMIUM";

/// How to get a browser, as every message about a missing one says it.
pub const HOW_TO_INSTALL: &str = "install Chromium (Debian/Ubuntu: `sudo apt-get install \
    chromium`; macOS: `brew install --cask chromium`), or set CHROMIUM to the path of a \
    Chromium or Chrome program";

/// A DOM larger than this is an error, not a test's page: it bounds what a run can hold.
const MAX_DOM: u64 = 16 << 20;

/// What Chromium printed on stderr that an error message quotes: the last lines.
const STDERR_LINES: usize = 15;

/// A Chromium program that was found.
#[derive(Clone, Debug)]
pub struct Chromium {
    program: PathBuf,
}

/// How to run the browser for one page.
#[derive(Clone, Debug)]
pub struct Options {
    /// Virtual time the page's scripts get (`--virtual-time-budget`): their timers run
    /// without real waiting, and the DOM is dumped when this much has passed.
    pub virtual_time: Duration,
    /// Real time the whole run may take, start-up included; past it the browser is killed.
    pub limit: Duration,
    /// The browser's profile folder. `None`: a fresh one per run, deleted afterwards, so
    /// runs in parallel never share (and lock) a profile.
    pub user_data_dir: Option<PathBuf>,
    /// More switches, for example `--ignore-certificate-errors-spki-list=HASH` for a
    /// `wss://` server with a test certificate.
    pub args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            virtual_time: Duration::from_secs(5),
            // A cold start of Chromium on a busy 2-core machine takes a few seconds.
            limit: Duration::from_secs(30),
            user_data_dir: None,
            args: Vec::new(),
        }
    }
}

/// Why the browser gave no DOM.
#[derive(Debug)]
pub enum BrowserError {
    /// No Chromium program was found; `tried` lists where the search looked.
    Missing { tried: Vec<String> },
    /// The program was found but would not start.
    Start { program: PathBuf, error: io::Error },
    /// Still running at the deadline, so it was killed.
    TimedOut { limit: Duration, stderr: String },
    /// It exited with an error.
    Failed { status: ExitStatus, stderr: String },
    /// It printed more than a test page's DOM can be.
    TooLarge { limit: u64 },
}

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowserError::Missing { tried } => write!(
                f,
                "Chromium not found (tried {}): {HOW_TO_INSTALL}",
                tried.join(", ")
            ),
            BrowserError::Start { program, error } => {
                write!(f, "could not start {}: {error}", program.display())
            }
            BrowserError::TimedOut { limit, stderr } => write!(
                f,
                "Chromium was still running after {limit:?} and was killed; \
                 its last words on stderr:\n{stderr}"
            ),
            BrowserError::Failed { status, stderr } => write!(
                f,
                "Chromium failed ({status}); its last words on stderr:\n{stderr}"
            ),
            BrowserError::TooLarge { limit } => {
                write!(f, "Chromium printed a DOM of more than {limit} bytes")
            }
        }
    }
}

impl std::error::Error for BrowserError {}

impl Chromium {
    /// Finds the browser: the program `CHROMIUM` names if it is set, else the first of
    /// `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` in `PATH`,
    /// else the usual macOS applications.
    pub fn find() -> Result<Chromium, BrowserError> {
        if let Some(named) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
            let program = PathBuf::from(&named);
            let found = if program.components().count() > 1 {
                Some(program).filter(|p| p.is_file())
            } else {
                in_path(&named.to_string_lossy())
            };
            return found
                .map(Chromium::at)
                .ok_or_else(|| BrowserError::Missing {
                    tried: vec![format!("{ENV}={}", named.to_string_lossy())],
                });
        }
        let found = NAMES
            .iter()
            .find_map(|name| in_path(name))
            .or_else(|| MAC_APPS.iter().map(PathBuf::from).find(|p| p.is_file()));
        found.map(Chromium::at).ok_or_else(|| {
            let mut tried = vec![format!("{ENV} (not set)")];
            tried.extend(NAMES.iter().map(|name| format!("{name} in PATH")));
            tried.extend(MAC_APPS.iter().map(|app| app.to_string()));
            BrowserError::Missing { tried }
        })
    }

    /// A browser at a known path, without searching.
    pub fn at(program: impl Into<PathBuf>) -> Chromium {
        Chromium {
            program: program.into(),
        }
    }

    /// The program that runs.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The switches [`dump_dom`](Chromium::dump_dom) passes before the URL, for a person
    /// who wants to run the same by hand.
    pub fn args(&self, options: &Options, user_data_dir: &Path) -> Vec<String> {
        let mut args: Vec<String> = [
            "--headless",
            // The sandbox needs user namespaces, which containers and root lack; the pages
            // a test loads are its own.
            "--no-sandbox",
            "--disable-gpu",
            // Containers often give /dev/shm only 64 MB; Chromium then crashes.
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Tests talk to loopback only; a proxy from the environment must not interfere.
            "--no-proxy-server",
            "--mute-audio",
        ]
        .map(String::from)
        .into();
        args.push(format!("--user-data-dir={}", user_data_dir.display()));
        args.push(format!(
            "--virtual-time-budget={}",
            options.virtual_time.as_millis()
        ));
        args.extend(options.args.iter().cloned());
        args
    }

    /// Loads `url`, lets its scripts run for [`Options::virtual_time`], and returns the
    /// DOM as HTML text, all within [`Options::limit`] of real time.
    pub fn dump_dom(&self, url: &str, options: &Options) -> Result<String, BrowserError> {
        let profile = Profile::new(options.user_data_dir.clone());
        let mut command = Command::new(&self.program);
        command
            .args(self.args(options, profile.path()))
            .arg("--dump-dom")
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, so that a timeout kills its helper processes too.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().map_err(|error| BrowserError::Start {
            program: self.program.clone(),
            error,
        })?;
        let stdout = drain(child.stdout.take(), MAX_DOM + 1);
        let stderr = drain(child.stderr.take(), MAX_DOM);
        let status = wait(&mut child, options.limit);
        // Bounded joins: a helper process that outlives the browser may hold a pipe open.
        let dom = stdout
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default();
        let stderr = stderr
            .recv_timeout(Duration::from_secs(2))
            .unwrap_or_default();
        let stderr = last_lines(&stderr, STDERR_LINES);
        match status {
            None => Err(BrowserError::TimedOut {
                limit: options.limit,
                stderr,
            }),
            Some(status) if !status.success() => Err(BrowserError::Failed { status, stderr }),
            Some(_) if dom.len() as u64 > MAX_DOM => Err(BrowserError::TooLarge { limit: MAX_DOM }),
            Some(_) => Ok(String::from_utf8_lossy(&dom).into_owned()),
        }
    }
}

/// The browser for a test, or `None` after a note that the test is skipped.
///
/// Under `CI=true` a missing browser fails the test instead: a check that needs a real
/// peer must not pass by not running.
#[track_caller]
pub fn chromium_or_skip(test: &str) -> Option<Chromium> {
    match Chromium::find() {
        Ok(chromium) => Some(chromium),
        Err(missing) if on_ci() => {
            panic!("\n{test} needs a real browser, and CI=true does not skip it: {missing}\n")
        }
        Err(missing) => {
            // Straight to stderr: libtest hides what `eprintln!` prints in a passing test,
            // and a skip must be seen.
            let note = format!("note: skipped {test}: {missing}\n");
            let _ = io::stderr().write_all(note.as_bytes());
            None
        }
    }
}

/// Is this a CI run (`CI=true`, or `CI=1`), where a missing peer is a failure?
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Reads a pipe to its end (at most `max` bytes) on a thread; the bytes arrive on the
/// channel. Reading while the child runs keeps a full pipe from stalling it.
fn drain(pipe: Option<impl Read + Send + 'static>, max: u64) -> mpsc::Receiver<Vec<u8>> {
    let (done, bytes) = mpsc::channel();
    if let Some(pipe) = pipe {
        thread::spawn(move || {
            let mut pipe = pipe;
            let mut read = Vec::new();
            let _ = pipe.by_ref().take(max).read_to_end(&mut read);
            let _ = done.send(read);
            // Past the limit, read on and drop the rest, so the writer is never stuck.
            let _ = io::copy(&mut pipe, &mut io::sink());
        });
    }
    bytes
}

/// Waits for the child until `limit`; kills it (and its process group) past that.
fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(Duration::from_millis(20)),
            Err(_) => break,
        }
    }
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[cfg(unix)]
fn kill_group(child: &Child) {
    // The group's id is the browser's pid (`process_group(0)`); `-PID` names the group.
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(unix))]
fn kill_group(_child: &Child) {}

fn last_lines(bytes: &[u8], count: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

/// A profile folder: the one the options name, or a fresh one deleted on drop.
struct Profile {
    path: PathBuf,
    delete: bool,
}

impl Profile {
    fn new(named: Option<PathBuf>) -> Profile {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        match named {
            Some(path) => Profile {
                path,
                delete: false,
            },
            None => {
                let run = RUNS.fetch_add(1, Ordering::Relaxed);
                let name = format!("support-chromium-{}-{run}", std::process::id());
                Profile {
                    path: std::env::temp_dir().join(name),
                    delete: true,
                }
            }
        }
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        if self.delete {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
