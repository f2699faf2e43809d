//! The browser helper (feature `browser`): headless Chromium loads a page from a server
//! on loopback, its script asks the server for more and writes into the page, and the
//! dumped DOM shows it; a browser that hangs is killed at the deadline; a missing one
//! skips a test on a reader's machine and fails it under `CI=true`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::background::Background;
use support::browser::{self, BrowserError, Options};
use support::{Book, Section};

// The page server below answers the way chapter 9 writes a response.
const CH09: Book = Book::page("ch09-http-requests.md");
const SECTION: Section = CH09.section("9.5 Writing a response head");

/// The page: its script fetches `/answer` from the server that served it, waits a
/// (virtual) second, and writes what it got into the DOM.
const PAGE: &str = r#"<!doctype html>
<html><body><p id="result">waiting</p>
<script>
fetch("/answer")
  .then(response => response.text())
  .then(text => new Promise(done => setTimeout(() => done(text), 1000)))
  .then(text => { document.getElementById("result").textContent = "got " + text; })
  .catch(error => { document.getElementById("result").textContent = "error " + error; });
</script></body></html>"#;

/// A page whose script never yields: the browser never gets to dump the DOM.
const STUCK: &str = "<!doctype html><script>while (true) {}</script>";

/// Serves `/` (the page), `/stuck` and `/answer` until stopped, one request per connection.
fn serve_pages() -> (SocketAddr, Background<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let server = Background::start(
        "the test's page server",
        SECTION,
        move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream);
                }
            }
        },
        move || {
            stopping.store(true, Ordering::SeqCst);
            // Wake the accept loop so it sees the flag.
            let _ = TcpStream::connect(addr);
        },
    );
    (addr, server)
}

fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // The rest of the head, up to the blank line.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let path = request_line.split(' ').nth(1).unwrap_or("");
    let (status, kind, body) = match path {
        "/" => ("200 OK", "text/html", PAGE),
        "/stuck" => ("200 OK", "text/html", STUCK),
        "/answer" => ("200 OK", "text/plain", "42 from the server"),
        _ => ("404 Not Found", "text/plain", "not here"),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn the_dom_shows_what_the_page_script_wrote() {
    let Some(chromium) = browser::chromium_or_skip("the browser helper's page test") else {
        return;
    };
    let (addr, server) = serve_pages();
    let dom = chromium
        .dump_dom(&format!("http://{addr}/"), &Options::default())
        .unwrap_or_else(|e| panic!("Chromium should load the page: {e}"));
    server.stop();
    assert!(
        dom.contains(r#"<p id="result">got 42 from the server</p>"#),
        "the script's fetch and timer should have run before the dump; the DOM:\n{dom}"
    );
}

#[test]
fn a_browser_past_its_deadline_is_killed_and_says_so() {
    let Some(chromium) = browser::chromium_or_skip("the browser helper's deadline test") else {
        return;
    };
    let (addr, server) = serve_pages();
    let options = Options {
        limit: Duration::from_secs(3),
        ..Options::default()
    };
    let outcome = chromium.dump_dom(&format!("http://{addr}/stuck"), &options);
    server.stop();
    match outcome {
        Err(e @ BrowserError::TimedOut { .. }) => {
            assert!(e.to_string().contains("still running after 3s"), "{e}")
        }
        other => panic!("a page that never yields should time out, got {other:?}"),
    }
}

#[test]
fn a_named_profile_folder_is_used_and_kept() {
    let Some(chromium) = browser::chromium_or_skip("the browser helper's profile test") else {
        return;
    };
    let profile = std::env::temp_dir().join(format!("browser-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let options = Options {
        user_data_dir: Some(profile.clone()),
        args: vec!["--lang=en-US".into()],
        ..Options::default()
    };
    let args = chromium.args(&options, &profile);
    assert!(args.contains(&"--lang=en-US".to_string()), "{args:?}");
    let dom = chromium
        .dump_dom("data:text/html,<p>plain</p>", &options)
        .unwrap_or_else(|e| panic!("Chromium should load a data: URL: {e}"));
    assert!(dom.contains("<p>plain</p>"), "{dom}");
    let kept = std::fs::read_dir(&profile).map(|d| d.count()).unwrap_or(0);
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        kept > 0,
        "Chromium should have written its profile into {profile:?}"
    );
}

#[test]
fn a_missing_browser_is_named_with_how_to_install_it() {
    let missing = run_alone(&[("CHROMIUM", "/no/such/chromium"), ("CI", "false")]);
    assert!(
        missing.success,
        "without CI the test should skip, not fail:\n{missing:?}"
    );
    for words in [
        "note: skipped",
        "CHROMIUM=/no/such/chromium",
        "apt-get install chromium",
        "brew install --cask chromium",
    ] {
        assert!(
            missing.output.contains(words),
            "expected {words:?} in:\n{missing:?}"
        );
    }
}

#[test]
fn a_missing_browser_fails_the_test_under_ci() {
    let missing = run_alone(&[("CHROMIUM", "/no/such/chromium"), ("CI", "true")]);
    assert!(
        !missing.success,
        "under CI=true the test must fail:\n{missing:?}"
    );
    for words in ["CI=true does not skip it", "apt-get install chromium"] {
        assert!(
            missing.output.contains(words),
            "expected {words:?} in:\n{missing:?}"
        );
    }
}

/// What [`needs_a_browser`] did in a process of its own, with `env` set.
#[derive(Debug)]
struct Run {
    success: bool,
    output: String,
}

/// Runs [`needs_a_browser`] alone in a child test process: the environment is the
/// process's own, and changing it here would race with the other tests.
fn run_alone(env: &[(&str, &str)]) -> Run {
    let this_test_program = std::env::current_exe().expect("the test program's path");
    let output = Command::new(this_test_program)
        .args(["--exact", "needs_a_browser", "--ignored", "--nocapture"])
        .envs(env.iter().copied())
        .output()
        .expect("run the test program again");
    Run {
        success: output.status.success(),
        output: String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    }
}

#[test]
#[ignore = "run by the tests of a missing browser, in a process with its own environment"]
fn needs_a_browser() {
    if let Some(chromium) = browser::chromium_or_skip("needs_a_browser") {
        println!("found {}", chromium.program().display());
    }
}
