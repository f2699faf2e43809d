//! Checks for chapter 3: connecting and accepting. Run them with `cargo test -p chapter-3`.
//!
//! The test never trusts one exercise to check another: it connects, accepts and reads
//! addresses itself with std and socket2. The servers under test run on their own thread
//! and are told how many clients to expect, so a passing test ends every thread it started.

use std::fmt::{self, Debug, Write as _};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use chapter_3::{
    ConnectStart, Ends, connect_any, echo, ends, finish_connect, is_in_progress,
    serve_one_at_a_time, serve_thread_per_client, start_connect,
};
use socket2::{Domain, SockRef, Socket, Type};
use support::net::{self, IO_TIMEOUT};
use support::redact::Names;
use support::report::Failure;
use support::{Book, Section, deadline, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch03-connecting-and-accepting.md");
const CONNECTING: Section = BOOK.section("3.1 Connecting, or why not");
const BOTH_ENDS: Section = BOOK.section("3.2 Both ends of a connection");
const ECHO: Section = BOOK.section("3.3 Echo");
const ONE_AT_A_TIME: Section = BOOK.section("3.4 One client at a time");
const THREAD_PER_CLIENT: Section = BOOK.section("3.5 A thread per client");
const NONBLOCKING_CONNECT: Section = BOOK.section("3.6 Connecting without waiting");
const HANDSHAKE_WAIT: Section = BOOK.section("3.7 Waiting for the handshake");

/// A port that refuses connections: bound by the test, so no other program can take it,
/// but not listening, so the kernel answers every connection request with a reset.
fn closed_port() -> (Socket, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.bind(&net::loopback_v4().into()).unwrap();
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    (socket, address)
}

/// How a call ended: the kind of its error, or what it returned instead, so that a failure
/// shows the value (`Ok(TcpStream { .. })`) where an error was expected.
fn kind<T: Debug>(result: io::Result<T>) -> Result<Returned, io::ErrorKind> {
    result
        .map(|value| Returned(format!("{value:?}")))
        .map_err(|e| e.kind())
}

/// A value an exercise returned, shown as its `Debug` text.
#[derive(PartialEq)]
struct Returned(String);

impl Debug for Returned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---------------------------------------------------------------- 3.1 connect_any

#[test]
fn connect_any_reaches_a_listener() {
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let stream = expect_ok(
        deadline::within(deadline::DEFAULT, "connect_any()", CONNECTING, move || {
            connect_any(&[address], IO_TIMEOUT)
        }),
        "connect_any([listening])",
        "a stream connected to the listener",
        CONNECTING,
    );
    expect_eq(
        stream.peer_addr().unwrap(),
        address,
        "the peer address of the stream connect_any() returned",
        CONNECTING,
    );
}

#[test]
fn connect_any_on_a_closed_port_is_refused() {
    let (_closed, address) = closed_port();
    let result = deadline::within(deadline::DEFAULT, "connect_any()", CONNECTING, move || {
        kind(connect_any(&[address], IO_TIMEOUT))
    });
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionRefused),
        "connect_any() to a port that is bound but not listening",
        CONNECTING,
    );
}

#[test]
fn connect_any_tries_the_next_address_after_a_refusal() {
    let (_closed, refusing) = closed_port();
    let listener = net::listener();
    let listening = listener.local_addr().unwrap();
    let stream = expect_ok(
        deadline::within(deadline::DEFAULT, "connect_any()", CONNECTING, move || {
            connect_any(&[refusing, listening], IO_TIMEOUT)
        }),
        "connect_any([refusing, listening])",
        "a stream connected to the second address",
        CONNECTING,
    );
    expect_eq(
        stream.peer_addr().unwrap(),
        listening,
        "the peer of connect_any([refusing, listening]): the second address",
        CONNECTING,
    );
}

#[test]
fn connect_any_without_addresses_is_invalid_input() {
    let result = deadline::within(deadline::DEFAULT, "connect_any(&[])", CONNECTING, || {
        kind(connect_any(&[], IO_TIMEOUT))
    });
    expect_eq(
        result,
        Err(io::ErrorKind::InvalidInput),
        "connect_any() with an empty list of addresses",
        CONNECTING,
    );
}

#[cfg(target_os = "linux")]
#[test]
fn connect_any_returns_the_error_of_the_last_address() {
    let silent = unanswered_port();
    let (_closed, refusing) = closed_port();
    let addresses = [silent.address, refusing];
    let result = deadline::within(deadline::DEFAULT, "connect_any()", CONNECTING, move || {
        kind(connect_any(&addresses, Duration::from_millis(300)))
    });
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionRefused),
        "connect_any([a port that never answers, a refusing port], 300 ms): the error of the \
         last attempt (TimedOut here would be the first attempt's error)",
        CONNECTING,
    );
}

#[cfg(target_os = "linux")]
#[test]
fn connect_any_gives_each_address_its_own_timeout() {
    let silent = unanswered_port();
    let listener = net::listener();
    let listening = listener.local_addr().unwrap();
    let addresses = [silent.address, listening];
    // A connect without a limit waits about two minutes for a port that never answers.
    let stream = expect_ok(
        deadline::within(
            Duration::from_secs(3),
            "connect_any([a port that never answers, a listener], 300 ms): at most 300 ms \
             for the first address, then the second",
            CONNECTING,
            move || connect_any(&addresses, Duration::from_millis(300)),
        ),
        "connect_any([a port that never answers, a listener], 300 ms)",
        "a stream connected to the second address, once the first timed out",
        CONNECTING,
    );
    expect_eq(
        stream.peer_addr().unwrap(),
        listening,
        "the peer of connect_any([a port that never answers, a listener]): the second address",
        CONNECTING,
    );
}

// ---------------------------------------------------------------- 3.2 ends

// ANCHOR: ends_test
#[test]
fn ends_of_both_sides_mirror_each_other() {
    let listener = net::listener();
    let server_address = listener.local_addr().unwrap();
    let client = net::connect(server_address).unwrap();
    let (server, client_address) = net::accept(&listener).unwrap();

    let seen_by_client = expect_ok(
        ends(&client),
        "ends() of the client's stream",
        "its local and peer addresses",
        BOTH_ENDS,
    );
    let seen_by_server = expect_ok(
        ends(&server),
        "ends() of the server's stream",
        "its local and peer addresses",
        BOTH_ENDS,
    );
    expect_eq(
        seen_by_client,
        Ends {
            local: client_address,
            peer: server_address,
        },
        "ends() of the client's stream",
        BOTH_ENDS,
    );
    expect_eq(
        seen_by_server,
        Ends {
            local: server_address,
            peer: client_address,
        },
        "ends() of the server's stream",
        BOTH_ENDS,
    );
    let names = Names::new()
        .name(server_address, "server")
        .name(client_address, "client");
    let both_views = format!(
        "client sees: {seen_by_client}\nserver sees: {seen_by_server}\nmirrored:    {}\n",
        seen_by_client.mirrors(&seen_by_server)
    );
    support::assert_snapshot!(BOTH_ENDS, names.apply(&both_views));
}
// ANCHOR_END: ends_test

#[test]
fn ends_tell_two_clients_of_one_listener_apart() {
    let listener = net::listener();
    let server_address = listener.local_addr().unwrap();
    let _first = net::connect(server_address).unwrap();
    let _second = net::connect(server_address).unwrap();
    let (first, _) = net::accept(&listener).unwrap();
    let (second, _) = net::accept(&listener).unwrap();
    let first = expect_ok(
        ends(&first),
        "ends() of the first accepted stream",
        "its local and peer addresses",
        BOTH_ENDS,
    );
    let second = expect_ok(
        ends(&second),
        "ends() of the second accepted stream",
        "its local and peer addresses",
        BOTH_ENDS,
    );
    expect_eq(
        (first.local, second.local),
        (server_address, server_address),
        "the local address of two accepted streams: both are the listener's",
        BOTH_ENDS,
    );
    expect_that(
        first.peer != second.peer,
        "the peer addresses of two accepted streams",
        "two different client ports: the peer is what tells connections apart",
        format!("{} twice", first.peer),
        BOTH_ENDS,
    );
}

#[test]
fn ends_of_a_socket_that_never_connected_is_an_error() {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let stream: TcpStream = socket.into();
    expect_eq(
        kind(ends(&stream)),
        Err(io::ErrorKind::NotConnected),
        "ends() of a TCP socket that was never connected (it has no peer)",
        BOTH_ENDS,
    );
}

// ---------------------------------------------------------------- code under test on a thread

/// Code under test running on its own thread, as a server does, watched by the test: when
/// it panics (a `todo!()`, say), the test passes the panic on at once instead of waiting
/// for replies that never come.
struct Watched<T> {
    thread: Option<JoinHandle<T>>,
    /// What the code returned, once it has.
    returned: Option<T>,
    what: &'static str,
    read: Section,
}

impl<T: std::fmt::Debug + Send + 'static> Watched<T> {
    fn start(what: &'static str, read: Section, work: impl FnOnce() -> T + Send + 'static) -> Self {
        Watched {
            thread: Some(thread::spawn(work)),
            returned: None,
            what,
            read,
        }
    }

    /// Waits up to `grace` for the code to end. A panic is passed on; a returned value is
    /// kept for [`Watched::finish`] and for failure messages.
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
            let joined = deadline::within(deadline::DEFAULT, self.what, self.read, move || {
                thread.join()
            });
            self.returned = Some(joined.unwrap_or_else(|panic| panic::resume_unwind(panic)));
        }
        self.returned.take().expect("finish() is called once")
    }

    /// `" (it had returned ...)"` when the code under test has returned already.
    fn returned_note(&self) -> String {
        match &self.returned {
            Some(value) => format!(" ({} had returned {value:?})", self.what),
            None => String::new(),
        }
    }

    /// One read of at most `max` bytes (none: end of file), waiting at most the test
    /// timeout, and checking every 20 ms that the code under test still runs.
    fn read_once(&mut self, stream: &mut TcpStream, max: usize) -> io::Result<Vec<u8>> {
        stream.set_read_timeout(Some(Duration::from_millis(20)))?;
        let give_up = Instant::now() + IO_TIMEOUT;
        let mut buffer = vec![0; max];
        loop {
            match stream.read(&mut buffer) {
                Ok(n) => {
                    buffer.truncate(n);
                    return Ok(buffer);
                }
                Err(e) if is_timeout(&e) && Instant::now() < give_up => self.check(Duration::ZERO),
                Err(e) if is_timeout(&e) => {
                    let waited = format!("nothing arrived within {IO_TIMEOUT:?}");
                    return Err(io::Error::new(io::ErrorKind::TimedOut, waited));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the echo of `sent`: as many bytes as were sent.
    fn receive_echo(&mut self, stream: &mut TcpStream, sent: &[u8]) -> Vec<u8> {
        let expected = format!("{} bytes: the echo of {}", sent.len(), quoted(sent));
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
                Err(e) => self.cut_short(&received, "bytes, then end of file", &e.to_string()),
            }
        }
    }

    /// Waits up to `wait` for the echo of `sent` to start; reads all of it if it does.
    fn echo_within(
        &mut self,
        stream: &mut TcpStream,
        sent: &[u8],
        wait: Duration,
    ) -> Option<Vec<u8>> {
        let expected = format!("{} bytes: the echo of {}", sent.len(), quoted(sent));
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

    /// Tells the code under test that this client sends nothing more (chapter 5).
    fn stop_sending(&mut self, stream: &mut TcpStream) {
        let done = stream.shutdown(Shutdown::Write);
        self.or_explain(done, "shut down the client's write side");
    }

    /// A failed step of the test itself is most often caused by the code under test
    /// having stopped: say that first, if it did.
    fn or_explain<U>(&mut self, result: io::Result<U>, doing: &str) -> U {
        result.unwrap_or_else(|e| {
            self.check(Duration::from_secs(1));
            panic!("the test could not {doing}: {e}{}", self.returned_note())
        })
    }

    fn cut_short(&mut self, received: &[u8], expected: &str, then: &str) -> ! {
        // The code under test may be panicking right now: its message explains more.
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

/// What a client read after it stopped sending: normally nothing more, then end of file.
fn to_the_end(rest: &[u8]) -> String {
    match rest.len() {
        0 => "end of file".into(),
        n => format!("{n} more bytes, then end of file"),
    }
}

fn quoted(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// `0 bytes`, `2 bytes ("a1")`: a count, and the bytes as text when there are few.
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

    let mut echoing = Watched::start("echo()", ECHO, move || echo(server).map_err(|e| e.kind()));
    for message in [&b"hello"[..], b", sockets!"] {
        echoing.send(&mut client, message);
        events.push(format!("client  send      {}", quoted(message)));
        let back = echoing.receive_echo(&mut client, message);
        events.push(format!("client  receive   {}", quoted(&back)));
    }
    echoing.stop_sending(&mut client);
    events.push("client  shutdown  its write side: the server reads end of file".into());
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
    let mut echoing = Watched::start("echo()", ECHO, move || echo(server).map_err(|e| e.kind()));
    // 256 KiB is more than the socket buffers start out with: a client that writes and
    // reads at the same time never depends on how far the kernel grows them.
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

// ---------------------------------------------------------------- 3.4 and 3.5 servers

type Serve = fn(&TcpListener, usize) -> io::Result<Vec<u64>>;

/// A server under test, on a listener of the test's own, told to serve `clients` clients.
struct Server {
    watched: Watched<io::Result<Vec<u64>>>,
    address: SocketAddr,
    clients: usize,
}

impl Server {
    fn start(what: &'static str, serve: Serve, clients: usize, read: Section) -> Server {
        let listener = net::listener();
        let address = listener.local_addr().unwrap();
        Server {
            watched: Watched::start(what, read, move || serve(&listener, clients)),
            address,
            clients,
        }
    }

    /// A new client. The listener closes when the server ends, so a refused connect
    /// usually means the server has stopped: say why, if it did.
    fn connect(&mut self) -> TcpStream {
        let connected = net::connect(self.address);
        self.watched.or_explain(connected, "connect to the server")
    }
}

impl Drop for Server {
    /// A failed check may leave the server waiting in accept() for clients that never
    /// come. Connecting and closing that many lets it return, so no thread stays blocked.
    fn drop(&mut self) {
        if self
            .watched
            .thread
            .as_ref()
            .is_some_and(|t| !t.is_finished())
        {
            for _ in 0..self.clients {
                let _ = TcpStream::connect_timeout(&self.address, Duration::from_millis(200));
            }
        }
    }
}

/// Client A is being served when client B arrives: does B get a reply within `wait`?
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
    let wait = Duration::from_millis(200); // no reply is expected: any wait shows that
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
    let mut clients: Vec<TcpStream> = (0..CLIENTS).map(|_| server.connect()).collect();
    // Every client sends and reads in turn while all of them stay connected.
    for round in 0..3 {
        for (i, client) in clients.iter_mut().enumerate() {
            let message = format!("client {i}, round {round}\n");
            server.watched.send(client, message.as_bytes());
        }
        for (i, client) in clients.iter_mut().enumerate() {
            let message = format!("client {i}, round {round}\n");
            let wait = Duration::from_secs(2); // a reply ends the wait at once
            let Some(back) = server.watched.echo_within(client, message.as_bytes(), wait) else {
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

// ---------------------------------------------------------------- 3.6 and 3.7 non-blocking

// ANCHOR: start_connect_test
#[test]
fn start_connect_returns_before_the_handshake_ends() {
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let (socket, start) = expect_ok(
        deadline::within(
            deadline::DEFAULT,
            "start_connect()",
            NONBLOCKING_CONNECT,
            move || start_connect(address),
        ),
        "start_connect()",
        "a non-blocking socket and how its connect started",
        NONBLOCKING_CONNECT,
    );
    expect_eq(
        socket.nonblocking().unwrap(),
        true,
        "O_NONBLOCK on the socket start_connect() returned",
        NONBLOCKING_CONNECT,
    );
    // Linux always answers a non-blocking connect over TCP with EINPROGRESS, even on
    // loopback; other systems may finish the handshake at once.
    #[cfg(target_os = "linux")]
    expect_that(
        start == ConnectStart::InProgress,
        "what start_connect() said about its connect",
        "InProgress: on Linux a non-blocking connect returns EINPROGRESS at once",
        format!(
            "{start:?}: the connect waited for the handshake. Was O_NONBLOCK set \
             (set_nonblocking(true)) before connect, not after?"
        ),
        NONBLOCKING_CONNECT,
    );
    #[cfg(not(target_os = "linux"))]
    let _ = start;
}
// ANCHOR_END: start_connect_test

#[test]
fn start_connect_takes_the_family_of_the_address() {
    let listener = TcpListener::bind(net::loopback_v6()).unwrap();
    let address = listener.local_addr().unwrap();
    let started = deadline::within(
        deadline::DEFAULT,
        "start_connect()",
        NONBLOCKING_CONNECT,
        move || start_connect(address),
    );
    let (socket, _) = expect_ok(
        started,
        "start_connect([::1]:port)",
        "an IPv6 socket and how its connect started",
        NONBLOCKING_CONNECT,
    );
    expect_that(
        socket.local_addr().unwrap().is_ipv6(),
        "the family of the socket start_connect([::1]:port) made",
        "IPv6",
        format!("{:?}", socket.local_addr().unwrap().domain()),
        NONBLOCKING_CONNECT,
    );
}

/// A non-blocking connect the test starts itself, so 3.7 does not depend on 3.6.
fn started_by_test(address: SocketAddr) -> Socket {
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None).unwrap();
    socket.set_nonblocking(true).unwrap();
    match socket.connect(&address.into()) {
        Ok(()) => {}
        Err(e) if is_in_progress(&e) => {}
        Err(e) => panic!("the test could not start its own connect: {e}"),
    }
    socket
}

#[test]
fn finish_connect_completes_to_a_listener() {
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let socket = started_by_test(address);
    let mut stream = expect_ok(
        deadline::within(
            deadline::DEFAULT,
            "finish_connect()",
            HANDSHAKE_WAIT,
            move || finish_connect(socket, IO_TIMEOUT),
        ),
        "finish_connect()",
        "a blocking stream connected to the listener",
        HANDSHAKE_WAIT,
    );
    expect_eq(
        stream.peer_addr().unwrap(),
        address,
        "the peer of the stream finish_connect() returned",
        HANDSHAKE_WAIT,
    );
    expect_eq(
        SockRef::from(&stream).nonblocking().unwrap(),
        false,
        "O_NONBLOCK on the stream finish_connect() returned (it should block again)",
        HANDSHAKE_WAIT,
    );
    let (mut accepted, _) = net::accept(&listener).unwrap();
    stream.write_all(b"hi").unwrap();
    let mut buffer = [0; 2];
    accepted.read_exact(&mut buffer).unwrap();
    support::expect_bytes(
        &buffer,
        b"hi",
        "bytes sent over the finished connection",
        HANDSHAKE_WAIT,
    );
}

#[test]
fn finish_connect_reports_a_refusal() {
    let (_closed, address) = closed_port();
    let socket = started_by_test(address);
    let result = deadline::within(
        deadline::DEFAULT,
        "finish_connect()",
        HANDSHAKE_WAIT,
        move || kind(finish_connect(socket, IO_TIMEOUT)),
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionRefused),
        "finish_connect() of a connect to a port that is bound but not listening",
        HANDSHAKE_WAIT,
    );
}

// ANCHOR: timeout_test
/// A port where a connect neither succeeds nor fails, for as long as this value lives.
#[cfg(target_os = "linux")]
struct Unanswered {
    address: SocketAddr,
    _listener: Socket,
    _queued: Vec<TcpStream>,
}

/// A listener with backlog 0 takes one connection into its queue. While nobody accepts,
/// Linux drops the SYN of every further one: that connect neither succeeds nor fails.
#[cfg(target_os = "linux")]
fn unanswered_port() -> Unanswered {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(&net::loopback_v4().into()).unwrap();
    listener.listen(0).unwrap();
    let address = listener.local_addr().unwrap().as_socket().unwrap();
    let mut queued = Vec::new();
    while let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_millis(100)) {
        queued.push(stream); // fills the queue; the first connect that times out proves it full
        assert!(
            queued.len() < 8,
            "the listen queue of backlog 0 never filled"
        );
    }
    Unanswered {
        address,
        _listener: listener,
        _queued: queued,
    }
}

#[cfg(target_os = "linux")]
#[test]
fn finish_connect_gives_up_at_its_timeout() {
    let silent = unanswered_port();
    let socket = started_by_test(silent.address);
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "finish_connect()",
        HANDSHAKE_WAIT,
        move || kind(finish_connect(socket, limit)),
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "finish_connect(.., 300 ms) of a connect the listener never answers",
        HANDSHAKE_WAIT,
    );
    expect_that(
        waited >= limit && waited < Duration::from_secs(3),
        "how long finish_connect(.., 300 ms) waited",
        "the 300 ms asked for, and not much more",
        format!("{waited:?}"),
        HANDSHAKE_WAIT,
    );
}
// ANCHOR_END: timeout_test
