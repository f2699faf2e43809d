//! Checks for chapter 3, sections 3.3 to 3.5: echo, one client at a time, a
//! thread per client. Run them with `cargo test -p chapter-3`.
//!
//! The test never trusts one exercise to check another: it connects, accepts
//! and reads addresses itself with std and socket2. The servers under test run
//! on their own thread and are told how many clients to expect, so a passing
//! test ends every thread it started.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chapter_3::{echo, serve_one_at_a_time, serve_thread_per_client};
use socket2::SockRef;
use support::net::{self, IO_TIMEOUT};
use support::redact::Names;
use support::report::Failure;
use support::{Book, Section, deadline, expect_eq, expect_that};

const BOOK: Book = Book::page("ch03-connecting-and-accepting.md");
const ECHO: Section = BOOK.section("3.3 Echo");
const ONE_AT_A_TIME: Section = BOOK.section("3.4 One client at a time");
const THREAD_PER_CLIENT: Section = BOOK.section("3.5 A thread per client");

// ---------------------------------------------------------------- code under test on a thread

/// Code under test running on its own thread, as a server does, watched by the
/// test: when it panics (a `todo!()`, say), the test passes the panic on at
/// once instead of waiting for replies that never come.
struct Watched<T> {
    thread: Option<JoinHandle<T>>,
    /// What the code returned, once it has.
    returned: Option<T>,
    what: &'static str,
    read: Section,
}

impl<T: std::fmt::Debug + Send + 'static> Watched<T> {
    fn start(
        what: &'static str,
        read: Section,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Self {
        Watched {
            thread: Some(thread::spawn(work)),
            returned: None,
            what,
            read,
        }
    }

    /// Waits up to `grace` for the code to end. A panic is passed on; a
    /// returned value is kept for [`Watched::finish`] and for failure messages.
    fn check(&mut self, grace: Duration) {
        let give_up = Instant::now() + grace;
        while self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
            if Instant::now() >= give_up {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        if let Some(thread) = self.thread.take() {
            match thread.join() {
                Err(panic) => panic::resume_unwind(panic),
                Ok(value) => self.returned = Some(value),
            }
        }
    }

    /// What the code returned, waiting for it under the test deadline.
    fn finish(&mut self) -> T {
        if let Some(thread) = self.thread.take() {
            let joined = deadline::within(
                deadline::DEFAULT,
                self.what,
                self.read,
                move || thread.join(),
            );
            self.returned = Some(
                joined.unwrap_or_else(|panic| panic::resume_unwind(panic)),
            );
        }
        self.returned.take().expect("finish() is called once")
    }

    /// `" (it had returned ...)"` when the code under test has returned
    /// already.
    fn returned_note(&self) -> String {
        match &self.returned {
            Some(value) => format!(" ({} had returned {value:?})", self.what),
            None => String::new(),
        }
    }

    /// One read of at most `max` bytes (none: end of file), waiting at most the
    /// test timeout, and checking every 20 ms that the code under test still
    /// runs.
    fn read_once(
        &mut self,
        stream: &mut TcpStream,
        max: usize,
    ) -> io::Result<Vec<u8>> {
        stream.set_read_timeout(Some(Duration::from_millis(20)))?;
        let give_up = Instant::now() + IO_TIMEOUT;
        let mut buffer = vec![0; max];
        loop {
            match stream.read(&mut buffer) {
                Ok(n) => {
                    buffer.truncate(n);
                    return Ok(buffer);
                }
                Err(e) if is_timeout(&e) && Instant::now() < give_up => {
                    self.check(Duration::ZERO)
                }
                Err(e) if is_timeout(&e) => {
                    let waited =
                        format!("nothing arrived within {IO_TIMEOUT:?}");
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        waited,
                    ));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the echo of `sent`: as many bytes as were sent.
    fn receive_echo(&mut self, stream: &mut TcpStream, sent: &[u8]) -> Vec<u8> {
        let expected =
            format!("{} bytes: the echo of {}", sent.len(), quoted(sent));
        let mut received = Vec::new();
        while received.len() < sent.len() {
            match self.read_once(stream, sent.len() - received.len()) {
                Ok(bytes) if !bytes.is_empty() => received.extend(bytes),
                Ok(_) => self.cut_short(&received, &expected, "end of file"),
                Err(e) => self.cut_short(&received, &expected, &e.to_string()),
            }
        }
        received
    }

    /// Reads until the other side closes.
    fn receive_to_end(&mut self, stream: &mut TcpStream) -> Vec<u8> {
        let mut received = Vec::new();
        loop {
            match self.read_once(stream, 64 * 1024) {
                Ok(bytes) if bytes.is_empty() => return received,
                Ok(bytes) => received.extend(bytes),
                Err(e) => self.cut_short(
                    &received,
                    "bytes, then end of file",
                    &e.to_string(),
                ),
            }
        }
    }

    /// Waits up to `wait` for the echo of `sent` to start; reads all of it if
    /// it does.
    fn echo_within(
        &mut self,
        stream: &mut TcpStream,
        sent: &[u8],
        wait: Duration,
    ) -> Option<Vec<u8>> {
        let expected =
            format!("{} bytes: the echo of {}", sent.len(), quoted(sent));
        stream.set_read_timeout(Some(wait)).unwrap();
        match stream.peek(&mut [0]) {
            Ok(0) => self.cut_short(&[], &expected, "end of file"),
            Ok(_) => Some(self.receive_echo(stream, sent)),
            Err(e) if is_timeout(&e) => {
                self.check(Duration::ZERO);
                None
            }
            Err(e) => self.cut_short(&[], &expected, &e.to_string()),
        }
    }

    /// Sends `bytes` to the code under test.
    fn send(&mut self, stream: &mut TcpStream, bytes: &[u8]) {
        let sent = stream.write_all(bytes);
        self.or_explain(sent, "send to the code under test");
    }

    /// Tells the code under test that this client sends nothing more (chapter
    /// 5).
    fn stop_sending(&mut self, stream: &mut TcpStream) {
        let done = stream.shutdown(Shutdown::Write);
        self.or_explain(done, "shut down the client's write side");
    }

    /// A failed step of the test itself is most often caused by the code under
    /// test having stopped: say that first, if it did.
    fn or_explain<U>(&mut self, result: io::Result<U>, doing: &str) -> U {
        result.unwrap_or_else(|e| {
            self.check(Duration::from_secs(1));
            panic!("the test could not {doing}: {e}{}", self.returned_note())
        })
    }

    fn cut_short(&mut self, received: &[u8], expected: &str, then: &str) -> ! {
        // The code under test may be panicking right now: its message explains
        // more.
        self.check(Duration::from_secs(1));
        Failure {
            what: format!("the bytes sent back by {}", self.what),
            expected: expected.to_string(),
            found: format!(
                "{}, then {then}{}",
                some_bytes(received),
                self.returned_note()
            ),
            read: self.read,
        }
        .fail()
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// What a client read after it stopped sending: normally nothing more, then end
/// of file.
fn to_the_end(rest: &[u8]) -> String {
    match rest.len() {
        0 => "end of file".into(),
        n => format!("{n} more bytes, then end of file"),
    }
}

fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// `0 bytes`, `2 bytes ("a1")`: a count, and the bytes as text when there are
/// few.
fn some_bytes(bytes: &[u8]) -> String {
    match bytes.len() {
        0 => "0 bytes".to_string(),
        n if n <= 64 => format!("{n} bytes ({})", quoted(bytes)),
        n => format!("{n} bytes"),
    }
}

// ---------------------------------------------------------------- 3.3 echo

// ANCHOR: echo_events_test
#[test]
fn echo_connection_events() {
    let listener = net::listener();
    let server_address = listener.local_addr().unwrap();
    let mut client = net::connect(server_address).unwrap();
    let (server, client_address) = net::accept(&listener).unwrap();
    let mut events = vec![
        format!("client  connect   {client_address} -> {server_address}"),
        format!("server  accept    {server_address} <- {client_address}"),
    ];

    let mut echoing = Watched::start("echo()", ECHO, move || {
        echo(server).map_err(|e| e.kind())
    });
    for message in [&b"hello"[..], b", sockets!"] {
        echoing.send(&mut client, message);
        events.push(format!("client  send      {}", quoted(message)));
        let back = echoing.receive_echo(&mut client, message);
        events.push(format!("client  receive   {}", quoted(&back)));
    }
    echoing.stop_sending(&mut client);
    events.push(
        "client  shutdown  its write side: the server reads end of file".into(),
    );
    let returned = echoing.finish();
    events.push(format!(
        "server  echo()    returns {returned:?}, drops the stream"
    ));
    let rest = echoing.receive_to_end(&mut client);
    events.push(format!(
        "client  receive   {}: the server closed",
        to_the_end(&rest)
    ));

    let names = Names::new()
        .name(server_address, "server")
        .name(client_address, "client");
    let events = names.apply(&events.join("\n"));
    support::assert_snapshot!(ECHO, events);
}
// ANCHOR_END: echo_events_test

#[test]
fn echo_returns_every_byte_in_order() {
    let (mut client, server) = net::connected_pair();
    let mut echoing = Watched::start("echo()", ECHO, move || {
        echo(server).map_err(|e| e.kind())
    });
    // 256 KiB is more than the socket buffers start out with: a client that
    // writes and reads at the same time never depends on how far the kernel
    // grows them.
    let sent: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
    let mut writer = client.try_clone().unwrap();
    let to_send = sent.clone();
    let writing = thread::spawn(move || {
        let result = writer.write_all(&to_send);
        let _ = writer.shutdown(Shutdown::Write);
        result
    });
    let received = echoing.receive_to_end(&mut client);
    let returned = echoing.finish();
    let _ = writing.join();
    support::expect_bytes(&received, &sent, "the bytes echo() sent back", ECHO);
    expect_eq(
        returned,
        Ok(sent.len() as u64),
        "what echo() returned: the number of bytes echoed",
        ECHO,
    );
}

#[test]
fn echo_returns_the_error_of_a_reset_connection() {
    let (mut client, server) = net::connected_pair();
    let mut echoing = Watched::start("echo()", ECHO, move || {
        echo(server).map_err(|e| e.kind())
    });
    echoing.send(&mut client, b"hello");
    echoing.receive_echo(&mut client, b"hello");
    // A linger time of zero makes close send a reset (RST) instead of end of
    // file: the server's next read fails with ConnectionReset.
    SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(client);
    expect_eq(
        echoing.finish(),
        Err(io::ErrorKind::ConnectionReset),
        "what echo() returned after the client reset the connection \
         (only Interrupted means read again; return any other error)",
        ECHO,
    );
}

// ---------------------------------------------------------------- 3.4 and 3.5 servers

type Serve = fn(&TcpListener, usize) -> io::Result<Vec<u64>>;

/// A server under test, on a listener of the test's own, told to serve
/// `clients` clients.
struct Server {
    watched: Watched<io::Result<Vec<u64>>>,
    address: SocketAddr,
    clients: usize,
}

impl Server {
    fn start(
        what: &'static str,
        serve: Serve,
        clients: usize,
        read: Section,
    ) -> Server {
        let listener = net::listener();
        let address = listener.local_addr().unwrap();
        Server {
            watched: Watched::start(what, read, move || {
                serve(&listener, clients)
            }),
            address,
            clients,
        }
    }

    /// A new client. The listener closes when the server ends, so a refused
    /// connect usually means the server has stopped: say why, if it did.
    fn connect(&mut self) -> TcpStream {
        let connected = net::connect(self.address);
        self.watched.or_explain(connected, "connect to the server")
    }
}

impl Drop for Server {
    /// A failed check may leave the server waiting in accept() for clients that
    /// never come. Connecting and closing that many lets it return, so no
    /// thread stays blocked.
    fn drop(&mut self) {
        if self
            .watched
            .thread
            .as_ref()
            .is_some_and(|t| !t.is_finished())
        {
            for _ in 0..self.clients {
                let _ = TcpStream::connect_timeout(
                    &self.address,
                    Duration::from_millis(200),
                );
            }
        }
    }
}

/// Client A is being served when client B arrives: does B get a reply within
/// `wait`?
fn a_is_served_when_b_arrives(
    what: &'static str,
    serve: Serve,
    wait: Duration,
    read: Section,
) -> (String, bool) {
    let mut server = Server::start(what, serve, 2, read);
    let mut timeline = String::new();
    let mut log = |line: String| writeln!(timeline, "{line}").unwrap();

    let mut a = server.connect();
    server.watched.send(&mut a, b"a1");
    let back = server.watched.receive_echo(&mut a, b"a1");
    log(format!(
        "A connects, sends \"a1\", gets {} back",
        quoted(&back)
    ));

    let mut b = server.connect();
    server.watched.send(&mut b, b"b1");
    log("B connects, sends \"b1\"".into());
    let early = server.watched.echo_within(&mut b, b"b1", wait);
    match &early {
        None => log(format!("B waits {wait:?}: no reply")),
        Some(back) => log(format!(
            "B gets {} back while A is still connected",
            quoted(back)
        )),
    }

    server.watched.send(&mut a, b"a2");
    let back = server.watched.receive_echo(&mut a, b"a2");
    log(format!("A sends \"a2\", gets {} back", quoted(&back)));
    server.watched.stop_sending(&mut a);
    let rest = server.watched.receive_to_end(&mut a);
    log(format!(
        "A shuts down its write side, then reads {}",
        to_the_end(&rest)
    ));

    if early.is_none() {
        let back = server.watched.receive_echo(&mut b, b"b1");
        log(format!("B gets {} back, now that A is done", quoted(&back)));
    }
    server.watched.stop_sending(&mut b);
    let rest = server.watched.receive_to_end(&mut b);
    log(format!(
        "B shuts down its write side, then reads {}",
        to_the_end(&rest)
    ));

    let returned = server.watched.finish().map_err(|e| e.kind());
    log(format!("{what} returns {returned:?}"));
    (timeline, early.is_some())
}

// ANCHOR: one_at_a_time_test
#[test]
fn one_at_a_time_makes_the_second_client_wait() {
    // No reply is expected: any wait shows that.
    let wait = Duration::from_millis(200);
    let (timeline, b_answered_early) = a_is_served_when_b_arrives(
        "serve_one_at_a_time()",
        serve_one_at_a_time,
        wait,
        ONE_AT_A_TIME,
    );
    expect_that(
        !b_answered_early,
        "what client B gets while client A is still connected",
        "no reply: the server is busy echoing A until A is done",
        "a reply: is this server serving two clients at once?",
        ONE_AT_A_TIME,
    );
    support::assert_snapshot!(ONE_AT_A_TIME, timeline);
}
// ANCHOR_END: one_at_a_time_test

#[test]
fn one_at_a_time_serves_its_clients_and_returns() {
    let mut server = Server::start(
        "serve_one_at_a_time()",
        serve_one_at_a_time,
        3,
        ONE_AT_A_TIME,
    );
    for (i, message) in [&b"first"[..], b"second!", b""].iter().enumerate() {
        let mut client = server.connect();
        server.watched.send(&mut client, message);
        server.watched.stop_sending(&mut client);
        let back = server.watched.receive_to_end(&mut client);
        support::expect_bytes(
            &back,
            message,
            &format!("what client {i} got back from serve_one_at_a_time()"),
            ONE_AT_A_TIME,
        );
    }
    expect_eq(
        server.watched.finish().map_err(|e| e.kind()),
        Ok(vec![5, 7, 0]),
        "what serve_one_at_a_time(listener, 3) returned: bytes echoed per client",
        ONE_AT_A_TIME,
    );
}

// ANCHOR: thread_per_client_test
#[test]
fn thread_per_client_answers_the_second_client_at_once() {
    let wait = Duration::from_secs(2); // a reply ends the wait at once
    let (timeline, b_answered_early) = a_is_served_when_b_arrives(
        "serve_thread_per_client()",
        serve_thread_per_client,
        wait,
        THREAD_PER_CLIENT,
    );
    expect_that(
        b_answered_early,
        "what client B gets while client A is still connected",
        "its reply at once: B has a thread of its own",
        "no reply within 2 s: is this server serving one client at a time?",
        THREAD_PER_CLIENT,
    );
    support::assert_snapshot!(THREAD_PER_CLIENT, timeline);
}
// ANCHOR_END: thread_per_client_test

#[test]
fn thread_per_client_gives_each_client_its_own_bytes() {
    const CLIENTS: usize = 4;
    let mut server = Server::start(
        "serve_thread_per_client()",
        serve_thread_per_client,
        CLIENTS,
        THREAD_PER_CLIENT,
    );
    let mut clients: Vec<TcpStream> =
        (0..CLIENTS).map(|_| server.connect()).collect();
    // Every client sends and reads in turn while all of them stay connected.
    for round in 0..3 {
        for (i, client) in clients.iter_mut().enumerate() {
            let message = format!("client {i}, round {round}\n");
            server.watched.send(client, message.as_bytes());
        }
        for (i, client) in clients.iter_mut().enumerate() {
            let message = format!("client {i}, round {round}\n");
            let wait = Duration::from_secs(2); // a reply ends the wait at once
            let Some(back) =
                server.watched.echo_within(client, message.as_bytes(), wait)
            else {
                Failure {
                    what: format!("what client {i} got back in round {round}, all 4 connected"),
                    expected: format!("the echo of {}", quoted(message.as_bytes())),
                    found: "no reply within 2 s: is this server serving one client at a time?"
                        .to_string(),
                    read: THREAD_PER_CLIENT,
                }
                .fail()
            };
            support::expect_bytes(
                &back,
                message.as_bytes(),
                &format!("what client {i} got back in round {round}"),
                THREAD_PER_CLIENT,
            );
        }
    }
    for client in &mut clients {
        server.watched.stop_sending(client);
        server.watched.receive_to_end(client);
    }
    expect_eq(
        server.watched.finish().map_err(|e| e.kind()),
        Ok(vec![54; CLIENTS]),
        "what serve_thread_per_client(listener, 4) returned: bytes echoed per client",
        THREAD_PER_CLIENT,
    );
}
