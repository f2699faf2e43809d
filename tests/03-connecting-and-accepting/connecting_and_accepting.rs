//! Checks for chapter 3, sections 3.1, 3.2, 3.6 and 3.7: connecting, both ends
//! of a connection, and connecting without waiting. Run them with `cargo test
//! -p chapter-3`. The servers of 3.3 to 3.5 are checked in `servers.rs`.
//!
//! The test never trusts one exercise to check another: it connects, accepts
//! and reads addresses itself with std and socket2.

use std::fmt::{self, Debug};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic;
use std::time::{Duration, Instant};

use chapter_3::{
    ConnectStart, Ends, connect_any, ends, finish_connect, is_in_progress,
    start_connect,
};
use socket2::{Domain, SockRef, Socket, Type};
use support::net::{self, IO_TIMEOUT};
use support::redact::Names;
use support::{Book, Section, deadline, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch03-connecting-and-accepting.md");
const CONNECTING: Section = BOOK.section("3.1 Connecting, or why not");
const BOTH_ENDS: Section = BOOK.section("3.2 Both ends of a connection");
const NONBLOCKING_CONNECT: Section =
    BOOK.section("3.6 Connecting without waiting");
const HANDSHAKE_WAIT: Section = BOOK.section("3.7 Waiting for the handshake");

/// A port that refuses connections: bound by the test, so no other program can
/// take it, but not listening, so the kernel answers every connection request
/// with a reset.
fn closed_port() -> (Socket, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.bind(&net::loopback_v4().into()).unwrap();
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    (socket, address)
}

/// How a call ended: the kind of its error, or what it returned instead, so
/// that a failure shows the value (`Ok(TcpStream { .. })`) where an error was
/// expected.
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
        deadline::within(
            deadline::DEFAULT,
            "connect_any()",
            CONNECTING,
            move || connect_any(&[address], IO_TIMEOUT),
        ),
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
    let result = deadline::within(
        deadline::DEFAULT,
        "connect_any()",
        CONNECTING,
        move || kind(connect_any(&[address], IO_TIMEOUT)),
    );
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
        deadline::within(
            deadline::DEFAULT,
            "connect_any()",
            CONNECTING,
            move || connect_any(&[refusing, listening], IO_TIMEOUT),
        ),
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
    let result = deadline::within(
        deadline::DEFAULT,
        "connect_any(&[])",
        CONNECTING,
        || kind(connect_any(&[], IO_TIMEOUT)),
    );
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
    let result = deadline::within(
        deadline::DEFAULT,
        "connect_any()",
        CONNECTING,
        move || kind(connect_any(&addresses, Duration::from_millis(300))),
    );
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
    // A connect without a limit waits about two minutes for a port that never
    // answers.
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
        "client sees: {seen_by_client}\n\
         server sees: {seen_by_server}\n\
         mirrored:    {}\n",
        seen_by_client.mirrors(&seen_by_server)
    );
    support::assert_snapshot!(BOTH_ENDS, names.apply(&both_views));
}
// ANCHOR_END: ends_test

#[test]
fn ends_tell_two_clients_of_one_listener_apart() {
    let listener = net::listener();
    let server_address = listener.local_addr().unwrap();
    let first_client = net::connect(server_address).unwrap();
    let _second_client = net::connect(server_address).unwrap();
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
    // The first client's own view shares the server's address with the
    // second connection, but not its client port: not the same connection.
    let first_client = Ends {
        local: first_client.local_addr().unwrap(),
        peer: server_address,
    };
    expect_that(
        !first_client.mirrors(&second),
        "Ends::mirrors() of the first client and the second accepted stream",
        "false: both ends must match, and the client ports differ",
        format!("true for {first_client} and {second}"),
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
    // Linux always answers a non-blocking connect over TCP with EINPROGRESS,
    // even on loopback; other systems may finish the handshake at once.
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

#[cfg(target_os = "linux")]
#[test]
fn start_connect_returns_an_error_it_gets_at_once() {
    // TCP cannot connect to a broadcast address, and the loopback network has
    // one. Linux refuses such a connect at once, before sending anything
    // (ENETUNREACH): an error that does not mean "in progress".
    let port = net::listener().local_addr().unwrap().port();
    let address = SocketAddr::from(([127, 255, 255, 255], port));
    let started = deadline::within(
        deadline::DEFAULT,
        "start_connect()",
        NONBLOCKING_CONNECT,
        move || start_connect(address),
    );
    expect_eq(
        kind(started.map(|(_, start)| start)),
        Err(io::ErrorKind::NetworkUnreachable),
        &format!(
            "start_connect({address}), the loopback broadcast address, which \
             Linux refuses at once (only EINPROGRESS means InProgress; return \
             any other error)"
        ),
        NONBLOCKING_CONNECT,
    );
}

/// A non-blocking connect the test starts itself, so 3.7 does not depend on
/// 3.6.
fn started_by_test(address: SocketAddr) -> Socket {
    let socket =
        Socket::new(Domain::for_address(address), Type::STREAM, None).unwrap();
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
/// A port where a connect neither succeeds nor fails, for as long as this value
/// lives.
#[cfg(target_os = "linux")]
struct Unanswered {
    address: SocketAddr,
    _listener: Socket,
    _queued: Vec<TcpStream>,
}

/// A listener with backlog 0 takes one connection into its queue. While nobody
/// accepts, Linux drops the SYN of every further one: that connect neither
/// succeeds nor fails.
#[cfg(target_os = "linux")]
fn unanswered_port() -> Unanswered {
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.bind(&net::loopback_v4().into()).unwrap();
    listener.listen(0).unwrap();
    let address = listener.local_addr().unwrap().as_socket().unwrap();
    let mut queued = Vec::new();
    while let Ok(stream) =
        TcpStream::connect_timeout(&address, Duration::from_millis(100))
    {
        // Fills the queue; the first connect that times out proves it full.
        queued.push(stream);
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
