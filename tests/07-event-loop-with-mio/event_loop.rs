//! Checks for chapter 7: non-blocking I/O and an event loop with mio. Run them
//! with `cargo test -p chapter-7`.
//!
//! 7.1 and 7.2 are checked with readers and writers of the test's own that
//! behave like a non-blocking socket on purpose (`WouldBlock`, short writes,
//! `Interrupted`). From 7.3 on, a real server runs on its own thread
//! (`running.rs`) and the test's clients are plain blocking std sockets. Each
//! server test is named after the event-loop bug it catches, and its failure
//! message names that bug.

mod running;

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::thread;
use std::time::{Duration, Instant};

use chapter_7::{
    Drained, MAX_LINE, MAX_OUTPUT, Service, Stats, complete_lines, drain,
    flush, serve_chat, serve_echo,
};
use running::{
    End, PATIENCE, Running, expect_echo, expect_receives,
    large_buffer_listener, large_window_client, pattern, receive,
    receive_until_closed, tiny_send_buffer_listener, tiny_window_client,
};
use support::net;
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch07-event-loop-with-mio.md");
const DRAIN: Section = BOOK.section("7.1 Reading until WouldBlock");
const PARTIAL_WRITES: Section =
    BOOK.section("7.2 Writing what the socket takes");
const ACCEPT_ALL: Section = BOOK.section("7.3 Accepting until WouldBlock");
const WRITABLE_INTEREST: Section =
    BOOK.section("7.4 Writable interest, only while output waits");
const ECHO: Section = BOOK.section("7.5 Echo");
const EVENT_LOOP: Section = BOOK.section("7.6 The event loop");
const CHAT: Section = BOOK.section("7.7 A line chat");

/// The limit for a whole server test: far above what it needs, even on
/// a busy machine.
const TEST_LIMIT: Duration = Duration::from_secs(30);

/// Runs a server test under [`TEST_LIMIT`].
fn server_test(
    what: &str,
    read: Section,
    test: impl FnOnce() + Send + 'static,
) {
    deadline::within(TEST_LIMIT, what, read, test)
}

/// A reader that hands out a script of results, then `WouldBlock` forever, like
/// a non-blocking socket with nothing more to read.
struct Script {
    steps: VecDeque<io::Result<Vec<u8>>>,
    reads: usize,
}

impl Script {
    fn new(steps: Vec<io::Result<&[u8]>>) -> Script {
        let steps = steps.into_iter().map(|s| s.map(<[u8]>::to_vec)).collect();
        Script { steps, reads: 0 }
    }
}

impl Read for Script {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        match self.steps.pop_front() {
            None => Err(ErrorKind::WouldBlock.into()),
            Some(Err(e)) => Err(e),
            Some(Ok(mut bytes)) => {
                let n = bytes.len().min(buffer.len());
                buffer[..n].copy_from_slice(&bytes[..n]);
                if n < bytes.len() {
                    self.steps.push_front(Ok(bytes.split_off(n)));
                }
                Ok(n)
            }
        }
    }
}

/// A reader that always has more: a peer that sends faster than we read.
struct Endless;

impl Read for Endless {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        buffer.fill(b'x');
        Ok(buffer.len())
    }
}

/// A writer like a non-blocking socket: takes at most 3 bytes a
/// call, is interrupted every other call, and once it holds `room`
/// bytes says `WouldBlock`.
struct Narrow {
    taken: Vec<u8>,
    room: usize,
    calls: usize,
}

impl Narrow {
    fn new(room: usize) -> Narrow {
        Narrow {
            taken: Vec::new(),
            room,
            calls: 0,
        }
    }
}

impl Write for Narrow {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            return Err(ErrorKind::Interrupted.into());
        }
        let n = bytes.len().min(3).min(self.room - self.taken.len());
        if n == 0 && !bytes.is_empty() {
            return Err(ErrorKind::WouldBlock.into());
        }
        self.taken.extend_from_slice(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes nothing and says so with `Ok(0)`.
struct Full;

impl Write for Full {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Ok(0)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes 3 bytes a call until it holds `room`, then fails as a
/// connection the peer reset.
struct Breaking {
    taken: Vec<u8>,
    room: usize,
}

impl Write for Breaking {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = bytes.len().min(3).min(self.room - self.taken.len());
        if n == 0 {
            return Err(ErrorKind::ConnectionReset.into());
        }
        self.taken.extend_from_slice(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn kind<T>(result: io::Result<T>) -> Result<T, ErrorKind> {
    result.map_err(|e| e.kind())
}

// ------------------------------------------------------------ 7.1 drain

// ANCHOR: drain_test
#[test]
fn drain_reads_every_piece_until_would_block() {
    let mut socket = Script::new(vec![
        Ok(b"hel"),
        Ok(b"lo, "),
        Err(ErrorKind::Interrupted.into()),
        Ok(b"world"),
    ]);
    let mut buffer = b"> ".to_vec();
    let stopped = drain(&mut socket, &mut buffer, 1024);
    expect_eq(
        kind(stopped),
        Ok(Drained::WouldBlock),
        "drain() of three pieces, an Interrupted between them, then WouldBlock",
        DRAIN,
    );
    expect_eq(
        text(&buffer),
        "> hello, world".to_string(),
        "the buffer after drain(): what it held, then every piece in order",
        DRAIN,
    );
}
// ANCHOR_END: drain_test

#[test]
fn drain_reports_end_of_file() {
    let mut socket = Script::new(vec![Ok(b"bye"), Ok(b"")]);
    let mut buffer = Vec::new();
    expect_eq(
        kind(drain(&mut socket, &mut buffer, 1024)),
        Ok(Drained::Closed),
        "drain() from a peer that sends \"bye\" and closes (a read returns 0)",
        DRAIN,
    );
    expect_eq(
        text(&buffer),
        "bye".to_string(),
        "the buffer after drain()",
        DRAIN,
    );
}

#[test]
fn drain_passes_other_errors_on() {
    let mut socket =
        Script::new(vec![Ok(b"a"), Err(ErrorKind::ConnectionReset.into())]);
    expect_eq(
        kind(drain(&mut socket, &mut Vec::new(), 1024)),
        Err(ErrorKind::ConnectionReset),
        "drain() from a peer that resets the connection",
        DRAIN,
    );
}

#[test]
fn drain_never_grows_the_buffer_past_its_limit() {
    for start in [0, 1, 4095, 9_990, 10_000] {
        let limit = 10_000;
        let mut buffer = vec![b'.'; start];
        let stopped =
            deadline::within(deadline::DEFAULT, "drain()", DRAIN, move || {
                let stopped = kind(drain(&mut Endless, &mut buffer, limit));
                (stopped, buffer.len())
            });
        expect_eq(
            stopped,
            (Ok(Drained::Full), limit),
            &format!(
                "drain() from a peer that never stops sending, limit {limit}, \
                 {start} bytes already in the buffer: (result, buffer length)"
            ),
            DRAIN,
        );
    }
}

#[test]
fn drain_returns_at_once_from_a_quiet_non_blocking_socket() {
    let (mut peer, socket) = net::connected_pair();
    socket.set_nonblocking(true).unwrap();
    let (stopped, buffer, mut socket) =
        deadline::within(deadline::DEFAULT, "drain()", DRAIN, move || {
            let mut socket = socket;
            let mut buffer = Vec::new();
            let stopped = kind(drain(&mut socket, &mut buffer, 1024));
            (stopped, buffer, socket)
        });
    expect_eq(
        (stopped, buffer.len()),
        (Ok(Drained::WouldBlock), 0),
        "drain() on a quiet non-blocking socket: (result, bytes read)",
        DRAIN,
    );
    // Then the peer sends, and one drain() takes all that has arrived.
    peer.write_all(&pattern(100_000)).unwrap();
    let mut buffer = Vec::new();
    let give_up = Instant::now() + PATIENCE;
    while buffer.len() < 100_000 && Instant::now() < give_up {
        let stopped = kind(drain(&mut socket, &mut buffer, 1 << 20));
        expect_eq(
            stopped,
            Ok(Drained::WouldBlock),
            "drain() on a non-blocking socket while the peer sends",
            DRAIN,
        );
        thread::sleep(Duration::from_millis(5));
    }
    expect_bytes(&buffer, &pattern(100_000), "the bytes drain() read", DRAIN);
}

// ------------------------------------------------------------ 7.2 flush

// ANCHOR: flush_test
#[test]
fn flush_keeps_what_the_socket_did_not_take() {
    let mut socket = Narrow::new(10);
    let mut pending = b"abcdefghijklmnop".to_vec();
    let result = kind(flush(&mut socket, &mut pending));
    expect_eq(
        result,
        Ok(()),
        "flush() of 16 bytes to a socket with room for 10 (then WouldBlock)",
        PARTIAL_WRITES,
    );
    expect_eq(
        (text(&socket.taken), text(&pending)),
        ("abcdefghij".to_string(), "klmnop".to_string()),
        "(what the socket took, what flush() left pending)",
        PARTIAL_WRITES,
    );
}
// ANCHOR_END: flush_test

#[test]
fn flush_sends_everything_when_there_is_room() {
    let mut socket = Narrow::new(1000);
    let message = pattern(100);
    let mut pending = message.clone();
    expect_eq(
        kind(flush(&mut socket, &mut pending)),
        Ok(()),
        "flush() of 100 bytes, 3 at a time, interrupted every other call",
        PARTIAL_WRITES,
    );
    expect_bytes(
        &socket.taken,
        &message,
        "what the socket took",
        PARTIAL_WRITES,
    );
    expect_eq(
        pending.len(),
        0,
        "bytes flush() left pending",
        PARTIAL_WRITES,
    );
}

#[test]
fn flush_reports_a_socket_that_takes_nothing() {
    let result =
        deadline::within(deadline::DEFAULT, "flush()", PARTIAL_WRITES, || {
            kind(flush(&mut Full, &mut b"lost".to_vec()))
        });
    expect_eq(
        result,
        Err(ErrorKind::WriteZero),
        "flush() to a writer whose write returns Ok(0)",
        PARTIAL_WRITES,
    );
}

#[test]
fn flush_removes_what_was_sent_before_an_error() {
    let mut socket = Breaking {
        taken: Vec::new(),
        room: 6,
    };
    let mut pending = b"abcdefghij".to_vec();
    expect_eq(
        kind(flush(&mut socket, &mut pending)),
        Err(ErrorKind::ConnectionReset),
        "flush() to a socket that takes 6 bytes, then is reset",
        PARTIAL_WRITES,
    );
    expect_eq(
        (text(&socket.taken), text(&pending)),
        ("abcdef".to_string(), "ghij".to_string()),
        "(what the socket took, what flush() left pending)",
        PARTIAL_WRITES,
    );
}

#[test]
fn flush_returns_at_once_when_the_send_buffer_fills() {
    // The peer never reads: the kernel's buffers fill up long before 32 MiB.
    let (_peer, socket) = net::connected_pair();
    socket.set_nonblocking(true).unwrap();
    let message = pattern(32 << 20);
    let pending = message.clone();
    let (result, pending) = deadline::within(
        deadline::DEFAULT,
        "flush()",
        PARTIAL_WRITES,
        move || {
            let (mut socket, mut pending) = (socket, pending);
            (kind(flush(&mut socket, &mut pending)), pending)
        },
    );
    expect_eq(
        result,
        Ok(()),
        "flush() of 32 MiB to a peer that does not read",
        PARTIAL_WRITES,
    );
    expect_that(
        !pending.is_empty() && pending.len() < message.len(),
        "the bytes flush() left pending",
        "some taken by the socket, the rest pending",
        format!("{} of {} bytes pending", pending.len(), message.len()),
        PARTIAL_WRITES,
    );
    let sent = message.len() - pending.len();
    expect_that(
        pending == message[sent..],
        "the bytes flush() left pending",
        "exactly the part the socket did not take, in order",
        "other bytes",
        PARTIAL_WRITES,
    );
}

// ------------------------------------------------------------ 7.3 accept_all

// ANCHOR: accept_test
#[test]
fn accepts_every_connection_that_waited_for_one_event() {
    server_test(
        "20 clients waiting before the loop starts",
        ACCEPT_ALL,
        move || {
            // All 20 connect before the server runs: its first poll
            // sees one event.
            let listener = net::listener();
            let addr = listener.local_addr().unwrap();
            let mut clients: Vec<_> =
                (0..20).map(|_| net::connect(addr).unwrap()).collect();
            let server = Running::start(listener, Service::Echo, ACCEPT_ALL);
            for (i, stream) in clients.iter_mut().enumerate() {
                let message = format!("client {i}\n");
                server.send(stream, message.as_bytes());
                let (got, end) = receive(
                    &server,
                    stream,
                    message.len(),
                    PATIENCE,
                    ACCEPT_ALL,
                );
                expect_that(
                    end == End::Complete,
                    "echoes for 20 clients that connected before the loop",
                    "every client answered (accept until WouldBlock: \
                     one event may stand for many connections)",
                    format!(
                        "client {i} got {} bytes, then {end:?}: \
                         accepting only one connection per event?",
                        got.len()
                    ),
                    ACCEPT_ALL,
                );
            }
            expect_eq(
                server.count(|s| &s.accepted),
                20,
                "stats.accepted",
                ACCEPT_ALL,
            );
            server.stop(ACCEPT_ALL);
        },
    );
}
// ANCHOR_END: accept_test

#[test]
fn accepts_clients_that_arrive_while_it_runs() {
    server_test("clients that arrive one by one", ACCEPT_ALL, move || {
        let server = Running::new(Service::Echo, ACCEPT_ALL);
        let mut clients = Vec::new();
        for i in 0..5 {
            let mut stream = server.client();
            let message = format!("client {i}\n");
            expect_echo(
                &server,
                &mut stream,
                message.as_bytes(),
                "the echo",
                ACCEPT_ALL,
            );
            clients.push(stream);
        }
        expect_eq(
            server.count(|s| &s.accepted),
            5,
            "stats.accepted",
            ACCEPT_ALL,
        );
        // Each event's accepting ended at WouldBlock: Ok(()), not an error.
        expect_eq(
            server.count(|s| &s.accept_errors),
            0,
            "stats.accept_errors (WouldBlock ends accept_all with Ok(()))",
            ACCEPT_ALL,
        );
        server.stop(ACCEPT_ALL);
    });
}

#[test]
fn a_client_that_arrives_after_a_close_leaves_the_others_alone() {
    server_test(
        "a client that arrives after another left",
        ACCEPT_ALL,
        || {
            let server = Running::new(Service::Echo, ACCEPT_ALL);
            let mut ann = server.client();
            let mut bob = server.client();
            expect_echo(&server, &mut ann, b"ann\n", "ann's echo", ACCEPT_ALL);
            expect_echo(&server, &mut bob, b"bob\n", "bob's echo", ACCEPT_ALL);
            // Ann leaves, and the server closes her connection.
            ann.shutdown(Shutdown::Write).unwrap();
            let (_, end) = receive(&server, &mut ann, 1, PATIENCE, ACCEPT_ALL);
            expect_eq(end, End::Eof, "ann's end after she left", ACCEPT_ALL);
            // Then cat arrives: his token must be one no open connection has.
            let mut cat = server.client();
            expect_echo(&server, &mut cat, b"cat\n", "cat's echo", ACCEPT_ALL);
            let message = b"bob again\n";
            server.send(&mut bob, message);
            let (got, end) =
                receive(&server, &mut bob, message.len(), PATIENCE, ACCEPT_ALL);
            expect_that(
                end == End::Complete,
                "bob's echo after cat arrived",
                "bob still served: a new connection never takes an open one's token",
                format!(
                    "{} bytes, then {end:?}: cat given bob's token, replacing bob \
                 in connections? (a fresh one from next_token every time)",
                    got.len()
                ),
                ACCEPT_ALL,
            );
            server.stop(ACCEPT_ALL);
        },
    );
}

// ------------------------------------------------------------ 7.4 interest

// ANCHOR: idle_test
#[test]
fn writable_interest_is_off_while_nothing_waits() {
    server_test("an idle server", WRITABLE_INTEREST, move || {
        let server = Running::start(
            tiny_send_buffer_listener(),
            Service::Echo,
            WRITABLE_INTEREST,
        );
        let mut clients = vec![
            tiny_window_client(server.addr),
            server.client(),
            server.client(),
        ];
        // A large echo first: the server's writes are cut short, so writable
        // interest goes on, and must go off again once it is all sent.
        expect_echo(
            &server,
            &mut clients[0],
            &pattern(64 * 1024),
            "a 64 KiB echo through a tiny send buffer",
            WRITABLE_INTEREST,
        );
        for round in 0..20 {
            for stream in &mut clients {
                let message = format!("round {round}\n");
                expect_echo(
                    &server,
                    stream,
                    message.as_bytes(),
                    "the echo",
                    WRITABLE_INTEREST,
                );
            }
        }
        let before = server.count(|s| &s.wakeups);
        thread::sleep(Duration::from_millis(300));
        let idle = server.count(|s| &s.wakeups) - before;
        expect_that(
            idle == 0,
            "wake-ups of the loop in 300 ms with nothing to do",
            "0: no client sends, nothing waits to be sent",
            format!(
                "{idle}: writable interest left on? or a poll that timed \
                 out counted as a wake-up?"
            ),
            WRITABLE_INTEREST,
        );
        let vain = server.count(|s| &s.idle_writable);
        expect_that(
            vain == 0,
            "writable events with nothing to send, over 61 echoes",
            "0: writable interest is on only while output waits",
            format!(
                "{vain}: writable interest left on after the output was sent \
                 (turned on for the 64 KiB echo, never off again?)"
            ),
            WRITABLE_INTEREST,
        );
        server.stop(WRITABLE_INTEREST);
    });
}
// ANCHOR_END: idle_test

// ANCHOR: partial_write_test
#[test]
fn a_large_echo_arrives_whole_through_a_tiny_send_buffer() {
    server_test(
        "a large echo through a tiny send buffer",
        WRITABLE_INTEREST,
        move || {
            // The server's socket takes a few KiB a write: the rest must wait
            // in its output buffer for writable events.
            let server = Running::start(
                tiny_send_buffer_listener(),
                Service::Echo,
                WRITABLE_INTEREST,
            );
            let mut stream = tiny_window_client(server.addr);
            let message = pattern(MAX_OUTPUT * 3 / 4);
            server.send(&mut stream, &message);
            let (got, end) = receive(
                &server,
                &mut stream,
                message.len(),
                PATIENCE,
                WRITABLE_INTEREST,
            );
            expect_that(
                end == End::Complete,
                "the echo of 192 KiB sent in one write",
                "all of it, though the server's writes are partial",
                format!(
                    "{} bytes, then {end:?}: a partial write dropped, \
                 or no writable event asked for the rest?",
                    got.len()
                ),
                WRITABLE_INTEREST,
            );
            expect_bytes(&got, &message, "the echo", WRITABLE_INTEREST);
            server.stop(WRITABLE_INTEREST);
        },
    );
}
// ANCHOR_END: partial_write_test

// ------------------------------------------------------------ 7.5 echo

#[test]
fn echo_sends_back_what_a_client_sends() {
    server_test("an echo", ECHO, move || {
        let server = Running::new(Service::Echo, ECHO);
        let mut stream = server.client();
        expect_echo(
            &server,
            &mut stream,
            b"hello\n",
            "the echo of hello",
            ECHO,
        );
        expect_echo(&server, &mut stream, b"\x00\xff binary", "the echo", ECHO);
        server.stop(ECHO);
    });
}

// ANCHOR: burst_test
#[test]
fn echo_answers_a_whole_burst_before_the_next_one() {
    server_test("two bursts", ECHO, move || {
        let server = Running::new(Service::Echo, ECHO);
        let mut stream = server.client();
        for burst in 1..=2 {
            // One write of 192 KiB: the server is told once, and must
            // read it all.
            let message = pattern(MAX_OUTPUT * 3 / 4);
            server.send(&mut stream, &message);
            let (got, end) =
                receive(&server, &mut stream, message.len(), PATIENCE, ECHO);
            expect_that(
                end == End::Complete,
                &format!("the echo of burst {burst} (192 KiB in one write)"),
                "all of it, before the next burst is sent",
                format!(
                    "{} bytes, then {end:?}: the rest sits unread \
                     until the next event; not draining to WouldBlock?",
                    got.len()
                ),
                ECHO,
            );
            expect_bytes(&got, &message, "the echo", ECHO);
        }
        server.stop(ECHO);
    });
}
// ANCHOR_END: burst_test

#[test]
fn echo_reads_on_after_a_burst_fills_its_output() {
    server_test("a burst larger than MAX_OUTPUT", ECHO, move || {
        // The whole burst waits in the server's socket before its loop
        // starts, and the server's large send buffer takes MAX_OUTPUT in
        // one write: drain stops Full, the flush empties the output, and
        // no event will come for the rest.
        let listener = large_buffer_listener();
        let mut stream = large_window_client(listener.local_addr().unwrap());
        let message = pattern(MAX_OUTPUT + MAX_OUTPUT / 4);
        let mut writer = stream.try_clone().unwrap();
        let burst = message.clone();
        let sender = thread::spawn(move || writer.write_all(&burst));
        thread::sleep(Duration::from_millis(100));
        let server = Running::start(listener, Service::Echo, ECHO);
        let (got, end) =
            receive(&server, &mut stream, message.len(), PATIENCE, ECHO);
        expect_that(
            end == End::Complete,
            &format!(
                "the echo of {} KiB in one write (MAX_OUTPUT is {} KiB)",
                message.len() / 1024,
                MAX_OUTPUT / 1024
            ),
            "all of it",
            format!(
                "{} bytes, then {end:?}: drain stopped Full, the flush \
                 made room, and echo did not drain again?",
                got.len()
            ),
            ECHO,
        );
        expect_bytes(&got, &message, "the echo", ECHO);
        expect_ok(
            sender.join().unwrap(),
            "the client's write of the burst",
            "Ok: the server read all of it",
            ECHO,
        );
        server.stop(ECHO);
    });
}

// ANCHOR: slow_echo_test
#[test]
fn echo_disconnects_a_client_that_never_reads() {
    server_test("a client that sends and never reads", ECHO, move || {
        let server = Running::new(Service::Echo, ECHO);
        let mut other = server.client();
        let mut slow = tiny_window_client(server.addr);
        // Its echo cannot go anywhere: the server must not keep it all.
        let chunk = pattern(1 << 20);
        let mut sent = 0;
        let outcome = loop {
            if sent >= 64 << 20 {
                break "the connection still open".to_string();
            }
            match slow.write(&chunk) {
                Ok(n) => sent += n,
                Err(e) => break format!("{:?}", e.kind()),
            }
        };
        server.check_alive_within(running::ENDING, ECHO);
        expect_that(
            outcome == "ConnectionReset" || outcome == "BrokenPipe",
            "writing 64 MiB without ever reading the echo",
            &format!(
                "the server disconnects the client once \
                 MAX_OUTPUT ({MAX_OUTPUT} bytes) wait for it"
            ),
            format!(
                "{sent} bytes taken, then {outcome}: the server \
                 buffers without bound, or stopped reading ({})",
                server.summary()
            ),
            ECHO,
        );
        expect_eq(server.count(|s| &s.too_slow), 1, "stats.too_slow", ECHO);
        expect_echo(
            &server,
            &mut other,
            b"still here?\n",
            "another client's echo",
            ECHO,
        );
        server.stop(ECHO);
    });
}
// ANCHOR_END: slow_echo_test

// ------------------------------------------------------------ 7.6 the loop

#[test]
fn a_client_that_closes_is_closed_and_forgotten() {
    server_test("a client that closes", EVENT_LOOP, move || {
        let server = Running::new(Service::Echo, EVENT_LOOP);
        let mut stream = server.client();
        expect_echo(
            &server,
            &mut stream,
            b"last words\n",
            "the echo",
            EVENT_LOOP,
        );
        stream.shutdown(Shutdown::Write).unwrap();
        let (got, end) = receive(&server, &mut stream, 1, PATIENCE, EVENT_LOOP);
        expect_that(
            got.is_empty() && end == End::Eof,
            "what the client reads after it closed its side",
            "the end of the stream: the server closed the connection too",
            format!(
                "{} bytes, then {end:?}: the connection kept open after \
                 a read returned 0 (Drained::Closed)?",
                got.len()
            ),
            EVENT_LOOP,
        );
        expect_eq(server.count(|s| &s.closed), 1, "stats.closed", EVENT_LOOP);
        server.stop(EVENT_LOOP);
    });
}

#[test]
fn run_returns_soon_after_stop_is_set() {
    server_test("stopping the loop", EVENT_LOOP, move || {
        let server = Running::new(Service::Echo, EVENT_LOOP);
        let mut stream = server.client();
        expect_echo(&server, &mut stream, b"ping\n", "the echo", EVENT_LOOP);
        server.stop(EVENT_LOOP);
    });
}

#[test]
fn serve_echo_runs_the_loop_until_stopped() {
    server_test("serve_echo", EVENT_LOOP, move || {
        let server = Running::serving("serve_echo()", serve_echo, EVENT_LOOP);
        let mut ann = server.client();
        let mut bob = server.client();
        expect_echo(&server, &mut ann, b"ann\n", "ann's echo", EVENT_LOOP);
        expect_echo(&server, &mut bob, b"bob\n", "bob's echo", EVENT_LOOP);
        server.stop(EVENT_LOOP);
    });
}

// ANCHOR: many_test
#[test]
fn serves_200_clients_at_once_on_one_thread() {
    server_test("200 clients", EVENT_LOOP, move || {
        let server = Running::new(Service::Echo, EVENT_LOOP);
        let mut clients: Vec<_> = (0..200).map(|_| server.client()).collect();
        // Everyone speaks first, then everyone listens: 200 connections
        // open at once.
        for (i, stream) in clients.iter_mut().enumerate() {
            server.send(stream, format!("client {i}\n").as_bytes());
        }
        for (i, stream) in clients.iter_mut().enumerate() {
            let message = format!("client {i}\n");
            expect_receives(
                &server,
                stream,
                message.as_bytes(),
                "one client's echo",
                EVENT_LOOP,
            );
        }
        expect_eq(
            server.count(|s| &s.accepted),
            200,
            "stats.accepted",
            EVENT_LOOP,
        );
        server.stop(EVENT_LOOP);
    });
}
// ANCHOR_END: many_test

// ------------------------------------------------------------ 7.7 chat

#[test]
fn complete_lines_takes_whole_lines_only() {
    let cases: [(&[u8], &str, &str); 4] = [
        (b"one\ntwo\nthr", "one\ntwo\n", "thr"),
        (b"no end yet", "", "no end yet"),
        (b"\n", "\n", ""),
        (b"", "", ""),
    ];
    for (input, lines, rest) in cases {
        let mut buffer = input.to_vec();
        let taken = complete_lines(&mut buffer);
        expect_eq(
            (text(&taken), text(&buffer)),
            (lines.to_string(), rest.to_string()),
            &format!(
                "complete_lines({:?}): (returned, left in input)",
                text(input)
            ),
            CHAT,
        );
    }
}

// ANCHOR: chat_test
#[test]
fn chat_sends_each_line_to_every_other_client() {
    server_test("a chat of three", CHAT, move || {
        let server = Running::new(Service::Chat, CHAT);
        let mut ann = server.client();
        let mut bob = server.client();
        let mut cat = server.client();
        // Everyone is accepted before anyone speaks.
        server.wait_for_accepted(3, CHAT);
        server.send(&mut ann, b"hello from ann\n");
        expect_receives(
            &server,
            &mut bob,
            b"hello from ann\n",
            "what bob got",
            CHAT,
        );
        expect_receives(
            &server,
            &mut cat,
            b"hello from ann\n",
            "what cat got",
            CHAT,
        );
        server.send(&mut bob, b"hi ann\n");
        // Ann's next bytes are bob's line: her own line never came back to her.
        expect_receives(
            &server,
            &mut ann,
            b"hi ann\n",
            "what ann got next",
            CHAT,
        );
        expect_receives(
            &server,
            &mut cat,
            b"hi ann\n",
            "what cat got next",
            CHAT,
        );
        server.stop(CHAT);
    });
}
// ANCHOR_END: chat_test

#[test]
fn serve_chat_runs_the_chat_until_stopped() {
    server_test("serve_chat", CHAT, move || {
        let server = Running::serving("serve_chat()", serve_chat, CHAT);
        let mut ann = server.client();
        let mut bob = server.client();
        // serve_chat keeps no counters to wait on, and ann may be accepted
        // after bob's first line: bob says hello until ann hears it.
        let hello = b"hello\n";
        let give_up = Instant::now() + PATIENCE;
        let mut heard = Vec::new();
        while heard.is_empty() && Instant::now() < give_up {
            server.send(&mut bob, hello);
            let glance = Duration::from_millis(100);
            (heard, _) = receive(&server, &mut ann, hello.len(), glance, CHAT);
        }
        if !heard.is_empty() {
            let left = hello.len() - heard.len();
            let (rest, _) = receive(&server, &mut ann, left, PATIENCE, CHAT);
            heard.extend_from_slice(&rest);
        }
        expect_bytes(&heard, hello, "what ann heard of bob's hello", CHAT);
        // Bob's next bytes are ann's line: his own never came back to him.
        server.send(&mut ann, b"hi bob\n");
        expect_receives(&server, &mut bob, b"hi bob\n", "what bob got", CHAT);
        server.stop(CHAT);
    });
}

#[test]
fn chat_sends_only_whole_lines() {
    server_test("a line sent in pieces", CHAT, move || {
        let server = Running::new(Service::Chat, CHAT);
        let mut ann = server.client();
        let mut bob = server.client();
        let mut cat = server.client();
        server.wait_for_accepted(3, CHAT);
        // Ann's line comes in two pieces, with cat's whole line in between.
        server.send(&mut ann, b"hel");
        thread::sleep(Duration::from_millis(50));
        server.send(&mut cat, b"meow\n");
        expect_receives(
            &server,
            &mut bob,
            b"meow\n",
            "what bob got first",
            CHAT,
        );
        server.send(&mut ann, b"lo\n");
        expect_receives(
            &server,
            &mut bob,
            b"hello\n",
            "what bob got next",
            CHAT,
        );
        server.stop(CHAT);
    });
}

#[test]
fn chat_sends_a_backlog_through_a_tiny_send_buffer() {
    server_test("a chat line backlog, sent in pieces", CHAT, move || {
        // The server's writes to bob are cut short: what fan_out could not
        // send must wait for bob's writable events.
        let server =
            Running::start(tiny_send_buffer_listener(), Service::Chat, CHAT);
        let mut ann = server.client();
        let mut bob = tiny_window_client(server.addr);
        server.wait_for_accepted(2, CHAT);
        let line = [vec![b'y'; 1023], vec![b'\n']].concat();
        let lines = line.repeat(64);
        server.send(&mut ann, &lines);
        // Bob reads only once the server has handled every line: from then
        // on, only writable events can move the rest of bob's output.
        thread::sleep(Duration::from_millis(200));
        let (got, end) =
            receive(&server, &mut bob, lines.len(), PATIENCE, CHAT);
        expect_that(
            end == End::Complete,
            "what bob got of ann's 64 lines (64 KiB in one write)",
            "all of it, though the server's writes to bob are partial",
            format!(
                "{} bytes, then {end:?}: fan_out left the rest in bob's \
                 output without asking for writable events?",
                got.len()
            ),
            CHAT,
        );
        expect_bytes(&got, &lines, "what bob got", CHAT);
        server.stop(CHAT);
    });
}

// ANCHOR: slow_chat_test
#[test]
fn chat_disconnects_a_client_that_never_reads() {
    server_test("a chat with one client that never reads", CHAT, move || {
        // Small kernel buffers: what the slow client does not read piles up in
        // the server's output buffer, not in the kernel.
        let server =
            Running::start(tiny_send_buffer_listener(), Service::Chat, CHAT);
        let mut ann = server.client();
        let mut bob = server.client();
        let mut slow = tiny_window_client(server.addr);
        server.wait_for_accepted(3, CHAT);
        // 32 rounds of 64 lines of 1 KiB: 2 MiB, read by bob round by round.
        let line = [vec![b'x'; 1023], vec![b'\n']].concat();
        let round = line.repeat(64);
        for _ in 0..32 {
            server.send(&mut ann, &round);
            expect_receives(&server, &mut bob, &round, "what bob got", CHAT);
        }
        let (got, end) =
            receive_until_closed(&server, &mut slow, PATIENCE, CHAT);
        expect_that(
            got < 32 * round.len() && matches!(end, End::Eof | End::Failed(_)),
            "what the client that never read gets when it finally reads",
            "part of the 2 MiB, then the end: it was disconnected",
            format!(
                "{got} bytes, then {end:?}: kept, with all it did \
                 not read in the server's memory?"
            ),
            CHAT,
        );
        expect_eq(server.count(|s| &s.too_slow), 1, "stats.too_slow", CHAT);
        server.stop(CHAT);
    });
}
// ANCHOR_END: slow_chat_test

#[test]
fn chat_disconnects_a_line_too_long() {
    server_test("a line longer than MAX_LINE", CHAT, move || {
        let server = Running::new(Service::Chat, CHAT);
        let mut ann = server.client();
        let mut bob = server.client();
        let mut cat = server.client();
        server.wait_for_accepted(3, CHAT);
        server.send(&mut ann, &vec![b'a'; MAX_LINE]);
        let (got, end) =
            receive_until_closed(&server, &mut ann, PATIENCE, CHAT);
        expect_that(
            matches!(end, End::Eof | End::Failed(_)),
            &format!("the client that sent {MAX_LINE} bytes without a newline"),
            "disconnected: the server does not keep a line without end",
            format!("{got} bytes, then {end:?}"),
            CHAT,
        );
        server.send(&mut bob, b"still on\n");
        expect_receives(&server, &mut cat, b"still on\n", "what cat got", CHAT);
        server.stop(CHAT);
    });
}

/// `Stats` is part of the public API the tests read.
#[allow(dead_code)]
fn stats_fields(stats: &Stats) -> [&std::sync::atomic::AtomicU64; 3] {
    [&stats.wakeups, &stats.idle_writable, &stats.closed]
}
