//! Checks for chapter 8: async with tokio. Run them with `cargo test -p chapter-8`.
//!
//! Every server runs on a tokio runtime of its own thread (`serving.rs`); the tests talk
//! to it with ordinary blocking sockets that give up after two seconds, so a server
//! that never answers fails the test instead of hanging it.

mod serving;

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use chapter_8::lines::{MAX_LINE, read_line, read_line_within};
use chapter_8::shout::{self, Ending, IDLE_GOODBYE, SHUTDOWN_GOODBYE, Stopped};
use chapter_8::{chat, echo};
use serving::{block_on, start};
use support::{Book, Section, expect_eq, expect_ok, expect_that};
use tokio::io::{AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::sync::watch;

const BOOK: Book = Book::page("ch08-async-with-tokio.md");
const TASKS: Section = BOOK.section("8.1 A task per connection");
const LINES: Section = BOOK.section("8.2 Lines from a buffered reader");
const TIMEOUTS: Section = BOOK.section("8.3 A time limit");
const SELECT: Section = BOOK.section("8.4 select!: a line, a timer or a shutdown");
const SHUTDOWN: Section = BOOK.section("8.5 Graceful shutdown");
const CHAT: Section = BOOK.section("8.6 A chat room on a broadcast channel");

/// How long a test client waits for a byte before the check fails.
const PATIENCE: Duration = Duration::from_secs(2);

/// A blocking line client with a read timeout.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr, read: Section) -> Client {
        let stream = expect_ok(
            TcpStream::connect_timeout(&addr, PATIENCE),
            "connecting to the server",
            "a connection (is the server listening, or did it panic?)",
            read,
        );
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        let writer = stream.try_clone().expect("clone a test stream");
        Client {
            reader: BufReader::new(stream),
            writer,
        }
    }

    fn say(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .expect("the test client writes a line");
    }

    /// The next line with its `\n`, `""` at end of stream, or what went wrong.
    fn hear(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(_) => Ok(line),
            Err(e) if is_timeout(&e) => Err(format!("nothing within {PATIENCE:?}")),
            Err(e) => Err(format!("{e}")),
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Sends `message` and reads as many bytes back.
fn echo_round_trip(stream: &mut TcpStream, message: &str) -> Result<String, String> {
    stream
        .write_all(message.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut back = vec![0; message.len()];
    match stream.read_exact(&mut back) {
        Ok(()) => Ok(String::from_utf8_lossy(&back).into_owned()),
        Err(e) if is_timeout(&e) => Err(format!("no echo within {PATIENCE:?}")),
        Err(e) => Err(e.to_string()),
    }
}

fn echo_client(addr: SocketAddr) -> TcpStream {
    let client = Client::connect(addr, TASKS);
    client.writer
}

// ---------------------------------------------------------------- 8.1 A task per connection

#[test]
fn serve_echoes_while_another_client_is_silent() {
    let server = start("echo::serve", TASKS, |listener| async move {
        let _ = echo::serve(listener).await;
    });
    // The first client connects and says nothing: its task waits, the server must not.
    let _silent = echo_client(server.addr);
    let mut talker = echo_client(server.addr);
    expect_eq(
        echo_round_trip(&mut talker, "are you there?"),
        Ok("are you there?".to_string()),
        "the echo of a second client while the first one is silent",
        TASKS,
    );
}

#[test]
fn serve_echoes_fifty_clients_at_once() {
    let server = start("echo::serve", TASKS, |listener| async move {
        let _ = echo::serve(listener).await;
    });
    let mut clients: Vec<TcpStream> = (0..50).map(|_| echo_client(server.addr)).collect();
    // Everyone speaks before anyone listens.
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .write_all(format!("client {i:02}").as_bytes())
            .unwrap();
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let mut back = [0; 9];
        let heard = client
            .read_exact(&mut back)
            .map(|()| String::from_utf8_lossy(&back).into_owned())
            .map_err(|e| match is_timeout(&e) {
                // A server that serves one client at a time never gets here.
                true => format!("no echo within {PATIENCE:?}"),
                false => e.to_string(),
            });
        expect_eq(
            heard,
            Ok(format!("client {i:02}")),
            &format!("the echo of client {i} of 50 connected at once"),
            TASKS,
        );
    }
}

#[test]
fn echo_returns_when_the_peer_closes() {
    let (result, got) = mpsc::channel();
    let server = start("echo::echo", TASKS, move |listener| async move {
        let (stream, _) = listener.accept().await.expect("accept the test client");
        let _ = result.send(echo::echo(stream).await.map_err(|e| e.to_string()));
    });
    let mut client = echo_client(server.addr);
    // 100 KiB: more than one read's worth.
    let message: Vec<u8> = (0..100 * 1024).map(|i| (i % 251) as u8).collect();
    let writer = {
        let mut client = client.try_clone().unwrap();
        let message = message.clone();
        // A server that closes early makes these fail; the checks below say so.
        thread::spawn(move || {
            let _ = client.write_all(&message);
            let _ = client.shutdown(Shutdown::Write);
        })
    };
    let mut back = Vec::new();
    let read = client.read_to_end(&mut back).map_err(|e| e.to_string());
    writer.join().unwrap();
    expect_eq(
        read.map(|_| back.len()),
        Ok(message.len()),
        "bytes echoed before the end",
        TASKS,
    );
    expect_that(
        back == message,
        "the echoed bytes",
        "the bytes sent, in order",
        "other bytes",
        TASKS,
    );
    expect_eq(
        got.recv_timeout(PATIENCE)
            .map_err(|_| "echo did not return".to_string()),
        Ok(Ok(())),
        "what echo(stream) returns once the peer has closed",
        TASKS,
    );
}

// ---------------------------------------------------------------- 8.2 Lines

/// Reads lines from `input` until the end or an error; the error as its kind.
fn all_lines(input: &'static [u8], max: usize) -> (Vec<String>, Option<io::ErrorKind>) {
    block_on("read_line over a whole input", LINES, move || async move {
        let mut reader = AsyncBufReader::new(input);
        let mut pending = Vec::new();
        let mut lines = Vec::new();
        loop {
            match read_line(&mut reader, &mut pending, max).await {
                Ok(Some(line)) => lines.push(line),
                Ok(None) => return (lines, None),
                Err(e) => return (lines, Some(e.kind())),
            }
        }
    })
}

#[test]
fn read_line_returns_each_line_without_its_newline() {
    expect_eq(
        all_lines(b"hello\n\nwith spaces \r\nlast\n", MAX_LINE),
        (
            vec![
                "hello".into(),
                "".into(),
                "with spaces ".into(),
                "last".into(),
            ],
            None,
        ),
        "the lines of \"hello\\n\\nwith spaces \\r\\nlast\\n\", then Ok(None)",
        LINES,
    );
}

#[test]
fn read_line_reports_an_end_inside_a_line() {
    expect_eq(
        all_lines(b"whole\nhal", MAX_LINE),
        (vec!["whole".into()], Some(io::ErrorKind::UnexpectedEof)),
        "the lines of \"whole\\nhal\" (the peer closed inside a line)",
        LINES,
    );
    // The unfinished line is exactly as long as the limit: not too long.
    expect_eq(
        all_lines(b"ab\nfour", 4),
        (vec!["ab".into()], Some(io::ErrorKind::UnexpectedEof)),
        "the lines of \"ab\\nfour\" with a limit of 4 (the peer closed \
         inside a line no longer than the limit)",
        LINES,
    );
}

#[test]
fn read_line_refuses_a_line_over_the_limit() {
    expect_eq(
        all_lines(b"0123456789\n01234567890\n", 10),
        (vec!["0123456789".into()], Some(io::ErrorKind::InvalidData)),
        "lines of 10 and 11 bytes with a limit of 10",
        LINES,
    );
    expect_eq(
        all_lines(b"\xff\xfe\n", 10),
        (vec![], Some(io::ErrorKind::InvalidData)),
        "a line that is not UTF-8",
        LINES,
    );
}

#[test]
fn read_line_keeps_at_most_the_limit_of_an_endless_line() {
    let endless = "read_line on a peer that never sends a newline \
                   (does it read through take(room)?)";
    let (kind, kept) = block_on(endless, LINES, || async {
        // A peer that sends 'a' for ever and never a newline.
        let mut reader = AsyncBufReader::new(tokio::io::repeat(b'a'));
        let mut pending = Vec::new();
        let result = read_line(&mut reader, &mut pending, MAX_LINE).await;
        (result.map_err(|e| e.kind()).err(), pending.len())
    });
    expect_eq(
        kind,
        Some(io::ErrorKind::InvalidData),
        "read_line on an endless line",
        LINES,
    );
    expect_that(
        kept <= MAX_LINE + 1,
        "bytes kept in `pending` after refusing an endless line",
        &format!("at most MAX_LINE + 1 = {}", MAX_LINE + 1),
        kept,
        LINES,
    );
}

// ---------------------------------------------------------------- 8.3 Timeouts

#[test]
fn read_line_within_gives_up_on_a_stalled_line_and_keeps_its_bytes() {
    let (first, waited, second) =
        block_on("read_line_within on a stalled line", TIMEOUTS, || async {
            let (mut peer, ours) = tokio::io::duplex(64);
            let mut reader = AsyncBufReader::new(ours);
            let mut pending = Vec::new();
            peer.write_all(b"hal").await.unwrap();
            let started = Instant::now();
            let limit = Duration::from_millis(200);
            let first = read_line_within(&mut reader, &mut pending, MAX_LINE, limit).await;
            let waited = started.elapsed();
            // The rest of the line arrives after the time limit.
            peer.write_all(b"f\n").await.unwrap();
            let second = read_line_within(&mut reader, &mut pending, MAX_LINE, limit).await;
            (
                first.map_err(|e| e.kind()),
                waited,
                second.map_err(|e| e.kind()),
            )
        });
    expect_eq(
        first,
        Err(io::ErrorKind::TimedOut),
        "a line stalled after \"hal\", limit 200 ms",
        TIMEOUTS,
    );
    expect_that(
        waited < Duration::from_secs(2),
        "how long read_line_within waited with a limit of 200 ms",
        "well under 2 s",
        format!("{waited:?}"),
        TIMEOUTS,
    );
    expect_eq(
        second,
        Ok(Some("half".to_string())),
        "the next call once \"f\\n\" arrives (the \"hal\" must not be lost)",
        TIMEOUTS,
    );
}

#[test]
fn read_line_within_returns_a_line_that_arrives_in_time() {
    let got = block_on("read_line_within on a line in time", TIMEOUTS, || async {
        let (mut peer, ours) = tokio::io::duplex(64);
        let mut reader = AsyncBufReader::new(ours);
        let mut pending = Vec::new();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            peer.write_all(b"in time\n").await.unwrap();
            // Keep the pipe open until the reader has read.
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        let limit = Duration::from_secs(1);
        read_line_within(&mut reader, &mut pending, MAX_LINE, limit)
            .await
            .map_err(|e| e.kind())
    });
    expect_eq(
        got,
        Ok(Some("in time".to_string())),
        "a line that arrives after 50 ms, limit 1 s",
        TIMEOUTS,
    );
}

// ---------------------------------------------------------------- 8.4 select!

/// Serves one connection with `shout::connection`; reports how it ended.
fn one_connection(
    idle: Duration,
) -> (
    serving::Running,
    watch::Sender<bool>,
    mpsc::Receiver<Result<Ending, String>>,
) {
    let (tell, told) = watch::channel(false);
    let (ended, ending) = mpsc::channel();
    let server = start("shout::connection", SELECT, move |listener| async move {
        let (stream, _) = listener.accept().await.expect("accept the test client");
        let result = shout::connection(stream, idle, told).await;
        let _ = ended.send(result.map_err(|e| e.to_string()));
        // Keep the sender alive until the test is over.
        std::future::pending::<()>().await;
    });
    (server, tell, ending)
}

fn ending(ending: &mpsc::Receiver<Result<Ending, String>>) -> Result<Ending, String> {
    ending
        .recv_timeout(PATIENCE)
        .unwrap_or_else(|_| Err("connection() did not return".into()))
}

#[test]
fn connection_answers_lines_in_capitals_until_the_client_closes() {
    let (server, _tell, ended) = one_connection(Duration::from_secs(10));
    let mut client = Client::connect(server.addr, SELECT);
    for line in ["hello", "Mixed Case 42", ""] {
        client.say(line);
        expect_eq(
            client.hear(),
            Ok(format!("{}\n", line.to_uppercase())),
            &format!("the answer to {line:?}"),
            SELECT,
        );
    }
    client.writer.shutdown(Shutdown::Write).unwrap();
    expect_eq(
        client.hear(),
        Ok(String::new()),
        "end of stream after the client closed",
        SELECT,
    );
    expect_eq(
        ending(&ended),
        Ok(Ending::PeerClosed),
        "how the connection ended",
        SELECT,
    );
}

#[test]
fn connection_says_goodbye_to_an_idle_client() {
    let (server, _tell, ended) = one_connection(Duration::from_millis(300));
    let mut client = Client::connect(server.addr, SELECT);
    client.say("one");
    expect_eq(
        client.hear(),
        Ok("ONE\n".into()),
        "the answer to \"one\"",
        SELECT,
    );
    // Then silence: the idle timer fires.
    expect_eq(
        client.hear(),
        Ok(IDLE_GOODBYE.into()),
        "what an idle client hears (idle: 300 ms)",
        SELECT,
    );
    expect_eq(
        client.hear(),
        Ok(String::new()),
        "end of stream after the goodbye",
        SELECT,
    );
    expect_eq(
        ending(&ended),
        Ok(Ending::Idle),
        "how the connection ended",
        SELECT,
    );
}

#[test]
fn connection_counts_the_idle_time_from_the_last_line() {
    let idle = Duration::from_millis(400);
    let (server, _tell, ended) = one_connection(idle);
    let mut client = Client::connect(server.addr, SELECT);
    // Five lines 150 ms apart: 750 ms in all, but never 400 ms of silence.
    for i in 1..=5 {
        thread::sleep(Duration::from_millis(150));
        client.say(&format!("line {i}"));
        expect_eq(
            client.hear(),
            Ok(format!("LINE {i}\n")),
            &format!(
                "the answer to line {i}, sent {} ms after the connection \
                 opened but 150 ms after the last line (idle: 400 ms; does \
                 the timer count from the last line, made anew each time \
                 round the loop?)",
                150 * i
            ),
            SELECT,
        );
    }
    client.writer.shutdown(Shutdown::Write).unwrap();
    expect_eq(
        ending(&ended),
        Ok(Ending::PeerClosed),
        "how the connection ended",
        SELECT,
    );
}

#[test]
fn connection_says_goodbye_on_shutdown() {
    let (server, tell, ended) = one_connection(Duration::from_secs(10));
    let mut client = Client::connect(server.addr, SELECT);
    client.say("still here");
    expect_eq(
        client.hear(),
        Ok("STILL HERE\n".into()),
        "the answer to \"still here\"",
        SELECT,
    );
    // The receiver is gone if the server failed; the checks below say so.
    let _ = tell.send(true);
    expect_eq(
        client.hear(),
        Ok(SHUTDOWN_GOODBYE.into()),
        "what the client hears when the server shuts down",
        SELECT,
    );
    expect_eq(
        client.hear(),
        Ok(String::new()),
        "end of stream after the goodbye",
        SELECT,
    );
    expect_eq(
        ending(&ended),
        Ok(Ending::Shutdown),
        "how the connection ended",
        SELECT,
    );
}

// ---------------------------------------------------------------- 8.5 Graceful shutdown

/// Runs `shout::serve` with a stop the test triggers; reports what it returned.
fn shout_server(
    grace: Duration,
) -> (
    serving::Running,
    tokio::sync::oneshot::Sender<()>,
    mpsc::Receiver<Stopped>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (report, reported) = mpsc::channel();
    let server = start("shout::serve", SHUTDOWN, move |listener| async move {
        let stop = async move {
            let _ = stopped.await;
        };
        let idle = Duration::from_secs(10);
        let _ = report.send(shout::serve(listener, idle, stop, grace).await);
        std::future::pending::<()>().await;
    });
    (server, stop, reported)
}

fn stopped(reported: &mpsc::Receiver<Stopped>, limit: Duration) -> Result<Stopped, String> {
    reported
        .recv_timeout(limit)
        .map_err(|_| format!("serve did not return within {limit:?}"))
}

#[test]
fn serve_tells_every_client_and_stops_accepting() {
    let (server, stop, reported) = shout_server(Duration::from_secs(2));
    let mut talking = Client::connect(server.addr, SHUTDOWN);
    let mut quiet = Client::connect(server.addr, SHUTDOWN);
    talking.say("bye soon");
    expect_eq(
        talking.hear(),
        Ok("BYE SOON\n".into()),
        "the answer before shutdown",
        SHUTDOWN,
    );
    let _ = stop.send(());
    for (who, client) in [("talking", &mut talking), ("quiet", &mut quiet)] {
        expect_eq(
            client.hear(),
            Ok(SHUTDOWN_GOODBYE.into()),
            &format!(
                "what the {who} client hears at shutdown (\"\" if its task \
                 was aborted or dropped before it could say goodbye: \
                 does serve wait for the tasks?)"
            ),
            SHUTDOWN,
        );
        expect_eq(
            client.hear(),
            Ok(String::new()),
            "end of stream after the goodbye",
            SHUTDOWN,
        );
    }
    expect_eq(
        stopped(&reported, PATIENCE),
        Ok(Stopped {
            finished: 2,
            aborted: 0,
        }),
        "what serve returns after two clients were told",
        SHUTDOWN,
    );
    let late = TcpStream::connect_timeout(&server.addr, PATIENCE).map_err(|e| e.kind());
    expect_eq(
        late.map(|_| "connected"),
        Err(io::ErrorKind::ConnectionRefused),
        "a connect after shutdown (the listener must be closed)",
        SHUTDOWN,
    );
}

#[test]
fn serve_aborts_a_stuck_connection_after_the_grace_period() {
    let grace = Duration::from_millis(300);
    let (server, stop, reported) = shout_server(grace);
    // A client that sends lines and never reads the answers: the server's task ends up
    // stuck in write_all, where it cannot see the shutdown.
    let stuck = Client::connect(server.addr, SHUTDOWN).writer;
    // Its writes give up after 300 ms without progress: then everything is full.
    stuck
        .set_write_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let flood = thread::spawn(move || {
        let mut stuck = stuck;
        let line = [b'x'; 1000];
        let mut sent = 0usize;
        while sent < 64 * 1024 * 1024 {
            if stuck
                .write_all(&line)
                .and_then(|()| stuck.write_all(b"\n"))
                .is_err()
            {
                break;
            }
            sent += 1001;
        }
        stuck
    });
    // Wait until the flood stops (the client's write timed out: everything is full).
    let stuck = flood.join().unwrap();
    let started = Instant::now();
    let _ = stop.send(());
    let report = stopped(&reported, grace + PATIENCE);
    expect_eq(
        report,
        Ok(Stopped {
            finished: 0,
            aborted: 1,
        }),
        "what serve returns when one client never reads",
        SHUTDOWN,
    );
    expect_that(
        started.elapsed() < grace + Duration::from_secs(1),
        "how long serve took to return with a grace period of 300 ms",
        "the grace period, and little more",
        format!("{:?}", started.elapsed()),
        SHUTDOWN,
    );
    drop(stuck);
}

// ---------------------------------------------------------------- 8.6 Chat

/// The chat's server: `chat::serve` (given) runs a `chat::member` task for
/// each client, all on one room of `capacity` lines.
fn chat_room(capacity: usize) -> serving::Running {
    start("chat::member", CHAT, move |listener| async move {
        let _ = chat::serve(listener, capacity).await;
    })
}

/// Strips the `<id>: ` a chat line starts with.
fn text_of(heard: Result<String, String>) -> Result<String, String> {
    heard.map(|line| match line.split_once(": ") {
        Some((_, text)) => text.to_string(),
        None => line,
    })
}

#[test]
fn chat_sends_each_line_to_the_others_and_not_back() {
    let room = chat_room(16);
    let mut ann = Client::connect(room.addr, CHAT);
    let mut bob = Client::connect(room.addr, CHAT);
    // Once ann hears bob, both are members: nobody misses what follows.
    bob.say("bob is in");
    expect_eq(
        text_of(ann.hear()),
        Ok("bob is in\n".into()),
        "what ann hears first",
        CHAT,
    );
    let mut cy = Client::connect(room.addr, CHAT);
    cy.say("cy is here");
    let raw = ann.hear();
    expect_that(
        raw.as_deref()
            .is_ok_and(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(": ")),
        "the form of a chat line ann hears",
        "<id>: <text>",
        format!("{raw:?}"),
        CHAT,
    );
    expect_eq(
        text_of(raw),
        Ok("cy is here\n".into()),
        "what ann hears next",
        CHAT,
    );
    expect_eq(
        text_of(bob.hear()),
        Ok("cy is here\n".into()),
        "what bob hears first",
        CHAT,
    );
    ann.say("hello from ann");
    expect_eq(
        text_of(bob.hear()),
        Ok("hello from ann\n".into()),
        "what bob hears next",
        CHAT,
    );
    expect_eq(
        text_of(cy.hear()),
        Ok("hello from ann\n".into()),
        "what cy hears first",
        CHAT,
    );
    cy.say("cy again");
    expect_eq(
        text_of(ann.hear()),
        Ok("cy again\n".into()),
        "what ann hears next (not her own line back)",
        CHAT,
    );
    expect_eq(
        text_of(cy.hear()),
        Err(format!("nothing within {PATIENCE:?}")),
        "what cy hears after saying \"cy again\" (not its own line back)",
        CHAT,
    );
}

#[test]
fn chat_tells_a_lagging_member_how_many_lines_it_missed() {
    let room = chat_room(8);
    let mut slow = Client::connect(room.addr, CHAT);
    let mut fast = Client::connect(room.addr, CHAT);
    // Both are members once the slow one hears the fast one.
    fast.say("ready");
    expect_eq(
        text_of(slow.hear()),
        Ok("ready\n".into()),
        "the fast member's first line",
        CHAT,
    );
    // The fast member floods the room while the slow one reads nothing: its socket
    // fills, its task stops taking from the channel, the channel drops old lines.
    let writer = fast.writer.try_clone().unwrap();
    let flood = thread::spawn(move || {
        let mut writer = io::BufWriter::new(writer);
        let line = "y".repeat(1000);
        for _ in 0..20_000 {
            if writeln!(writer, "{line}").is_err() {
                break;
            }
        }
        let _ = writer.flush();
    });
    flood.join().unwrap();
    // Now read: somewhere in what the slow member hears is the notice.
    let mut notice = None;
    let mut lines = 0;
    while notice.is_none() && lines < 30_000 {
        match slow.hear() {
            Ok(line) if line.starts_with("! missed ") => notice = Some(line),
            Ok(line) if line.is_empty() => break,
            Ok(_) => lines += 1,
            Err(_) => break,
        }
    }
    expect_that(
        notice.as_deref().is_some_and(|l| l.ends_with(" lines\n")),
        "what a member that stopped reading hears when it reads again",
        "a line \"! missed <n> lines\" among the lines it got",
        format!("{lines} chat lines and no notice ({notice:?})"),
        CHAT,
    );
}
