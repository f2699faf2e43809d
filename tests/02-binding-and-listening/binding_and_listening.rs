//! Checks for chapter 2: binding and listening. Run them with `cargo test -p
//! chapter-2`.

use std::io;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use chapter_2::{
    Probe, bind_loopback, ipv6_socket, is_port_taken, listen_on, local_port,
    probe,
};
use socket2::{Domain, SockRef, Socket, Type};
use support::net::{self, IO_TIMEOUT};
use support::{Book, Section, deadline, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch02-binding-and-listening.md");
const BINDING: Section = BOOK.section("2.1 Binding to an address");
const WHICH_PORT: Section = BOOK.section("2.2 Which port did I get?");
const ADDR_IN_USE: Section = BOOK.section("2.3 Address already in use");
const LISTENING: Section = BOOK.section("2.4 Listening");
const DUAL_STACK: Section = BOOK.section("2.5 IPv6 and dual stack");
const WHAT_A_CLIENT_SEES: Section = BOOK.section("2.6 What a client sees");

/// A socket the test binds itself, so no exercise is trusted to check another.
fn bound_by_test() -> (Socket, SocketAddr) {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.bind(&net::loopback_v4().into()).unwrap();
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    (socket, address)
}

#[test]
fn bind_loopback_with_port_0_gets_a_port_from_the_kernel() {
    let socket = expect_ok(
        bind_loopback(0),
        "bind_loopback(0)",
        "a socket bound to 127.0.0.1",
        BINDING,
    );
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    expect_eq(
        address.ip(),
        Ipv4Addr::LOCALHOST.into(),
        "the address bind_loopback(0) is bound to",
        BINDING,
    );
    expect_that(
        address.port() != 0,
        "the port after bind_loopback(0)",
        "a port the kernel chose, never 0",
        "port 0",
        BINDING,
    );
}

#[test]
fn bind_loopback_does_not_listen_yet() {
    let socket = expect_ok(
        bind_loopback(0),
        "bind_loopback(0)",
        "a socket bound to 127.0.0.1",
        BINDING,
    );
    let address = socket.local_addr().unwrap().as_socket().unwrap();
    let attempt = TcpStream::connect_timeout(&address, IO_TIMEOUT).map(|_| ());
    expect_eq(
        attempt.map_err(|e| e.kind()),
        Err(io::ErrorKind::ConnectionRefused),
        "connecting to a socket that is bound but not listening",
        BINDING,
    );
}

#[test]
fn bind_loopback_to_a_taken_port_is_addr_in_use() {
    let holder = net::listener();
    let port = holder.local_addr().unwrap().port();
    expect_eq(
        bind_loopback(port).map(|_| ()).map_err(|e| e.kind()),
        Err(io::ErrorKind::AddrInUse),
        "bind_loopback() on a port another socket listens on",
        ADDR_IN_USE,
    );
}

#[test]
fn local_port_of_a_bound_socket() {
    let (socket, address) = bound_by_test();
    let port =
        expect_ok(local_port(&socket), "local_port()", "the port", WHICH_PORT);
    expect_eq(
        port,
        address.port(),
        "local_port() of a socket bound to port 0",
        WHICH_PORT,
    );
}

#[test]
fn local_port_of_an_unbound_socket_is_0() {
    let socket = Socket::new(Domain::IPV6, Type::STREAM, None).unwrap();
    let port =
        expect_ok(local_port(&socket), "local_port()", "the port", WHICH_PORT);
    expect_eq(
        port,
        0,
        "local_port() of a socket that was never bound",
        WHICH_PORT,
    );
}

#[test]
fn is_port_taken_while_a_socket_holds_it() {
    let (_bound, address) = bound_by_test();
    expect_eq(
        is_port_taken(address).unwrap(),
        true,
        "is_port_taken() on a port a bound socket holds",
        ADDR_IN_USE,
    );
    let listening = TcpListener::bind(net::loopback_v6()).unwrap();
    let address = listening.local_addr().unwrap();
    expect_eq(
        is_port_taken(address).unwrap(),
        true,
        "is_port_taken() on an IPv6 port a listener holds",
        ADDR_IN_USE,
    );
}

#[test]
fn is_port_taken_is_false_for_port_0() {
    expect_eq(
        expect_ok(
            is_port_taken(net::loopback_v4()),
            "is_port_taken()",
            "true or false",
            ADDR_IN_USE,
        ),
        false,
        "is_port_taken(127.0.0.1:0): port 0 means any free port",
        ADDR_IN_USE,
    );
}

/// Accepts one connection on `listener` and checks bytes flow both ways.
fn exchange_one_message(listener: &TcpListener) {
    let mut client = net::connect(listener.local_addr().unwrap())
        .expect("connect to the listener");
    let (mut server, _) =
        net::accept(listener).expect("accept on the listener");
    client.write_all(b"ping").unwrap();
    let mut buffer = [0; 4];
    server.read_exact(&mut buffer).unwrap();
    assert_eq!(&buffer, b"ping");
}

#[test]
fn listen_on_accepts_connections() {
    let listener = expect_ok(
        listen_on(net::loopback_v4(), 16),
        "listen_on(127.0.0.1:0)",
        "a listening socket",
        LISTENING,
    );
    expect_that(
        listener.local_addr().unwrap().port() != 0,
        "the port of listen_on(127.0.0.1:0)",
        "a port the kernel chose",
        "port 0",
        LISTENING,
    );
    exchange_one_message(&listener);
}

#[test]
fn listen_on_ipv6_loopback() {
    let listener = expect_ok(
        listen_on(net::loopback_v6(), 16),
        "listen_on([::1]:0)",
        "a listening socket",
        LISTENING,
    );
    expect_that(
        listener.local_addr().unwrap().is_ipv6(),
        "the address of listen_on([::1]:0)",
        "an IPv6 address",
        listener.local_addr().unwrap(),
        LISTENING,
    );
    exchange_one_message(&listener);
}

#[cfg(unix)]
#[test]
fn listen_on_sets_reuse_address() {
    let listener = expect_ok(
        listen_on(net::loopback_v4(), 16),
        "listen_on()",
        "a listening socket",
        LISTENING,
    );
    expect_eq(
        SockRef::from(&listener).reuse_address().unwrap(),
        true,
        "SO_REUSEADDR on the listener listen_on() returns",
        LISTENING,
    );
}

// ANCHOR: time_wait_test
/// The server closes first, so its end of the connection waits in TIME_WAIT. A
/// restart on the same port must still work: that is what SO_REUSEADDR is for.
#[cfg(unix)]
#[test]
fn listen_on_restarts_while_the_last_connection_is_in_time_wait() {
    let first = expect_ok(
        listen_on(net::loopback_v4(), 16),
        "listen_on()",
        "a listening socket",
        LISTENING,
    );
    let address = first.local_addr().unwrap();
    let mut client = net::connect(address).unwrap();
    let (server, _) = net::accept(&first).unwrap();
    drop(server); // the server closes first: its side enters TIME_WAIT
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).unwrap(); // end-of-file: the close arrived
    drop(client);
    drop(first);

    let again = listen_on(address, 16);
    expect_eq(
        again.map(|_| ()).map_err(|e| e.kind()),
        Ok(()),
        "listen_on() on the port of a server that just closed a connection",
        LISTENING,
    );
}
// ANCHOR_END: time_wait_test

#[test]
fn ipv6_socket_sets_v6_only_both_ways() {
    for v6_only in [true, false] {
        let socket = expect_ok(
            ipv6_socket(v6_only),
            "ipv6_socket()",
            "an IPv6 socket",
            DUAL_STACK,
        );
        expect_eq(
            socket.only_v6().unwrap(),
            v6_only,
            &format!("IPV6_V6ONLY of ipv6_socket({v6_only}), before any bind"),
            DUAL_STACK,
        );
    }
}

#[test]
fn ipv6_socket_takes_ipv6_connections_on_loopback() {
    let socket = expect_ok(
        ipv6_socket(false),
        "ipv6_socket()",
        "an IPv6 socket",
        DUAL_STACK,
    );
    socket.bind(&net::loopback_v6().into()).unwrap();
    socket.listen(16).unwrap();
    // Linux marks a socket bound to one IPv6 address (not [::]) as IPv6-only
    // whatever was asked: an IPv4 client could never reach [::1] anyway.
    #[cfg(target_os = "linux")]
    expect_eq(
        socket.only_v6().unwrap(),
        true,
        "IPV6_V6ONLY after binding [::1] on Linux",
        DUAL_STACK,
    );
    exchange_one_message(&socket.into());
}

// ANCHOR: probe_test
#[test]
fn probe_tells_listening_from_refused() {
    // A listener nobody ever accepts on: the kernel completes the handshake
    // anyway and parks the connection in the listen backlog.
    let listening = net::listener();
    let (_bound, bound_only) = bound_by_test();
    let cases = [
        (
            "listening, never accepting",
            listening.local_addr().unwrap(),
        ),
        ("bound, not listening", bound_only),
    ];
    let table = deadline::within(
        deadline::DEFAULT,
        "probe()",
        WHAT_A_CLIENT_SEES,
        move || {
            cases
                .iter()
                .map(|(what, address)| {
                    let found = expect_ok(
                        probe(*address, Duration::from_secs(2)),
                        "probe()",
                        "Accepted, Refused or NoAnswer",
                        WHAT_A_CLIENT_SEES,
                    );
                    format!("{what:<28} -> {found:?}\n")
                })
                .collect::<String>()
        },
    );
    support::assert_snapshot!(WHAT_A_CLIENT_SEES, table);
}
// ANCHOR_END: probe_test

#[test]
fn probe_reports_accepted_as_a_value() {
    let listening = net::listener();
    let address = listening.local_addr().unwrap();
    let found = deadline::within(
        deadline::DEFAULT,
        "probe()",
        WHAT_A_CLIENT_SEES,
        move || {
            expect_ok(
                probe(address, Duration::from_secs(2)),
                "probe()",
                "Accepted, Refused or NoAnswer",
                WHAT_A_CLIENT_SEES,
            )
        },
    );
    expect_eq(
        found,
        Probe::Accepted,
        "probe() of a listening socket",
        WHAT_A_CLIENT_SEES,
    );
}

/// A listener with backlog 0 takes one connection into its queue. While nobody
/// accepts, Linux drops the SYN of every further one: that connect neither
/// succeeds nor fails. Returns the address, the listener and the queued
/// connections, which keep the queue full while they live.
#[cfg(target_os = "linux")]
fn unanswered_port() -> (SocketAddr, Socket, Vec<TcpStream>) {
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
    (address, listener, queued)
}

#[cfg(target_os = "linux")]
#[test]
fn probe_reports_no_answer_as_a_value() {
    let (address, _listener, _queued) = unanswered_port();
    let found = deadline::within(
        deadline::DEFAULT,
        "probe()",
        WHAT_A_CLIENT_SEES,
        move || {
            probe(address, Duration::from_millis(200)).map_err(|e| e.kind())
        },
    );
    expect_eq(
        found,
        Ok(Probe::NoAnswer),
        "probe(.., 200 ms) of a port whose listen queue is full (Linux drops \
         the connection request: no answer, a timeout is a value)",
        WHAT_A_CLIENT_SEES,
    );
}

#[cfg(target_os = "linux")]
#[test]
fn probe_passes_other_errors_on() {
    // TCP cannot connect to a broadcast address, and the loopback network has
    // one: Linux refuses at once, before sending anything (ENETUNREACH).
    let port = net::listener().local_addr().unwrap().port();
    let address = SocketAddr::from(([127, 255, 255, 255], port));
    let found = deadline::within(
        deadline::DEFAULT,
        "probe()",
        WHAT_A_CLIENT_SEES,
        move || probe(address, Duration::from_secs(2)).map_err(|e| e.kind()),
    );
    expect_eq(
        found,
        Err(io::ErrorKind::NetworkUnreachable),
        "probe() of the loopback broadcast address, which Linux refuses at \
         once: neither refused nor unanswered, an error to return",
        WHAT_A_CLIENT_SEES,
    );
}
