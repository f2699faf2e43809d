//! A real `redis-server` for a test: on a free loopback port, killed when the
//! value is dropped, and able to go away and come back on the same port.
//!
//! When `redis-server` is not installed the test is skipped with a note, or
//! fails when `CI=true` (CI installs it: `.ci/run`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a started server may take to answer PING.
const READY_WITHIN: Duration = Duration::from_secs(5);

pub struct RedisServer {
    pub addr: SocketAddr,
    dir: PathBuf,
    child: Option<Child>,
}

/// Starts one, or returns `None` (after printing why) when the machine has no
/// `redis-server` and this is not CI.
pub fn start() -> Option<RedisServer> {
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        let note = "redis-server is not installed: this test needs a real \
                    Redis (Debian/Ubuntu: sudo apt-get install redis-server; \
                    macOS: brew install redis)";
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            panic!("{note}; CI=true, so a missing peer is a failure");
        }
        eprintln!("SKIPPED: {note}");
        return None;
    }
    // The port is free when we look and may be taken before redis-server
    // binds it: try a few times.
    let mut last_error = String::new();
    for _ in 0..5 {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let dir = std::env::temp_dir().join(format!("ch14-redis-{}-{port}", std::process::id()));
        let mut server = RedisServer {
            addr,
            dir,
            child: None,
        };
        match server.spawn() {
            Ok(()) => return Some(server),
            Err(error) => last_error = error,
        }
    }
    panic!("could not start redis-server on a free port: {last_error}");
}

impl RedisServer {
    /// The URL the redis crate opens.
    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// Kills the server, as a crash or a network cut would: clients see
    /// their connections closed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, with nothing in it.
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + READY_WITHIN;
        // The port was just released: retry while the kernel lets it go.
        loop {
            match self.spawn() {
                Ok(()) => return,
                Err(error) if Instant::now() > deadline => {
                    panic!("could not restart redis-server on {}: {error}", self.addr)
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    fn socket(&self) -> PathBuf {
        self.dir.join("redis.sock")
    }

    fn spawn(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let port = self.addr.port().to_string();
        // No disk, no config file: a throwaway server on loopback only.
        let mut child = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir)
            // Readiness is asked on a socket only this server has: a PONG on
            // the TCP port might come from some other server that took it.
            .arg("--unixsocket")
            .arg(self.socket())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawn redis-server: {e}"))?;
        let started = Instant::now();
        while started.elapsed() < READY_WITHIN {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("redis-server exited: {status}"));
            }
            if answers_ping(&self.socket()) {
                self.child = Some(child);
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(format!(
            "no PONG from {} within {READY_WITHIN:?}",
            self.addr
        ))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("its address").port()
}

fn answers_ping(socket: &Path) -> bool {
    let timeout = Duration::from_millis(200);
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(timeout));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut line = String::new();
    let _ = BufReader::new(stream).read_line(&mut line);
    line == "+PONG\r\n"
}
