//! Checks for chapter 1: creating a socket. Run them with `cargo test -p
//! chapter-1`.
//!
//! The tests never trust one exercise to check another: where a test needs a
//! socket of a known kind, it makes one itself with socket2.

use chapter_1::{
    Family, Kind, Options, SocketKind, describe, options,
    prepare_server_socket, request_receive_buffer, tcp_socket, udp_socket_v6,
};
use socket2::{Domain, Socket, Type};
use support::{Book, Section, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch01-creating-sockets.md");
const TCP_SOCKET: Section = BOOK.section("1.1 A TCP socket");
const UDP_SOCKET_V6: Section = BOOK.section("1.2 A UDP socket over IPv6");
const SOCKET_KIND: Section = BOOK.section("1.3 What kind of socket is this?");
const OPTIONS: Section = BOOK.section("1.4 Reading options back");
const SERVER_OPTIONS: Section = BOOK.section("1.5 Options a server sets");
const BUFFER_SIZES: Section = BOOK.section("1.6 Buffer sizes are a request");

fn fresh(domain: Domain, ty: Type) -> Socket {
    Socket::new(domain, ty, None)
        .expect("the test could not create its own socket")
}

// ANCHOR: tcp_socket_test
#[test]
fn tcp_socket_is_an_ipv4_stream() {
    let socket = expect_ok(
        tcp_socket(),
        "tcp_socket()",
        "an IPv4 TCP socket",
        TCP_SOCKET,
    );
    expect_eq(
        socket.r#type().unwrap(),
        Type::STREAM,
        "SO_TYPE of tcp_socket()",
        TCP_SOCKET,
    );
    let local = socket.local_addr().unwrap();
    expect_that(
        local.is_ipv4(),
        "the family of tcp_socket()",
        "AF_INET (IPv4)",
        format!("{:?}", local.domain()),
        TCP_SOCKET,
    );
}
// ANCHOR_END: tcp_socket_test

#[cfg(target_os = "linux")]
#[test]
fn tcp_socket_speaks_tcp() {
    let socket = expect_ok(
        tcp_socket(),
        "tcp_socket()",
        "an IPv4 TCP socket",
        TCP_SOCKET,
    );
    expect_eq(
        socket.protocol().unwrap(),
        Some(socket2::Protocol::TCP),
        "SO_PROTOCOL of tcp_socket()",
        TCP_SOCKET,
    );
}

#[test]
fn udp_socket_v6_is_an_ipv6_datagram_socket() {
    let socket = expect_ok(
        udp_socket_v6(),
        "udp_socket_v6()",
        "an IPv6 UDP socket",
        UDP_SOCKET_V6,
    );
    expect_eq(
        socket.r#type().unwrap(),
        Type::DGRAM,
        "SO_TYPE of udp_socket_v6()",
        UDP_SOCKET_V6,
    );
    let local = socket.local_addr().unwrap();
    expect_that(
        local.is_ipv6(),
        "the family of udp_socket_v6()",
        "AF_INET6 (IPv6)",
        format!("{:?}", local.domain()),
        UDP_SOCKET_V6,
    );
}

#[test]
fn describe_tells_every_family_and_kind_apart() {
    let mut table = String::new();
    for domain in [Domain::IPV4, Domain::IPV6] {
        for ty in [Type::STREAM, Type::DGRAM] {
            let kind = expect_ok(
                describe(&fresh(domain, ty)),
                "describe()",
                "the family and kind of the socket",
                SOCKET_KIND,
            );
            table.push_str(&format!("{domain:?} {ty:?} -> {kind}\n"));
        }
    }
    support::assert_snapshot!(SOCKET_KIND, table);
}

#[test]
fn describe_returns_the_fields_not_just_the_text() {
    let kind = expect_ok(
        describe(&fresh(Domain::IPV6, Type::STREAM)),
        "describe()",
        "the family and kind of the socket",
        SOCKET_KIND,
    );
    expect_eq(
        kind,
        SocketKind {
            family: Family::V6,
            kind: Kind::Stream,
        },
        "describe() of an IPv6 stream socket",
        SOCKET_KIND,
    );
}

#[test]
fn options_of_a_fresh_socket_are_all_off() {
    let fresh = fresh(Domain::IPV4, Type::STREAM);
    support::assert_debug_snapshot!(
        OPTIONS,
        expect_ok(options(&fresh), "options()", "the three options", OPTIONS)
    );
}

#[test]
fn options_reads_each_flag_on_its_own() {
    let off = Options {
        reuse_address: false,
        nodelay: false,
        nonblocking: false,
    };

    let socket = fresh(Domain::IPV4, Type::STREAM);
    socket.set_reuse_address(true).unwrap();
    expect_eq(
        options(&socket).unwrap(),
        Options {
            reuse_address: true,
            ..off
        },
        "options() after SO_REUSEADDR",
        OPTIONS,
    );

    let socket = fresh(Domain::IPV4, Type::STREAM);
    socket.set_tcp_nodelay(true).unwrap();
    expect_eq(
        options(&socket).unwrap(),
        Options {
            nodelay: true,
            ..off
        },
        "options() after TCP_NODELAY",
        OPTIONS,
    );

    let socket = fresh(Domain::IPV4, Type::STREAM);
    socket.set_nonblocking(true).unwrap();
    expect_eq(
        options(&socket).unwrap(),
        Options {
            nonblocking: true,
            ..off
        },
        "options() after O_NONBLOCK",
        OPTIONS,
    );
}

#[test]
fn prepare_server_socket_switches_all_three_on() {
    let socket = fresh(Domain::IPV4, Type::STREAM);
    expect_ok(
        prepare_server_socket(&socket),
        "prepare_server_socket()",
        "the options switched on",
        SERVER_OPTIONS,
    );
    expect_eq(
        socket.reuse_address().unwrap(),
        true,
        "SO_REUSEADDR after prepare_server_socket()",
        SERVER_OPTIONS,
    );
    expect_eq(
        socket.tcp_nodelay().unwrap(),
        true,
        "TCP_NODELAY after prepare_server_socket()",
        SERVER_OPTIONS,
    );
    expect_eq(
        socket.nonblocking().unwrap(),
        true,
        "O_NONBLOCK after prepare_server_socket()",
        SERVER_OPTIONS,
    );
}

// ANCHOR: receive_buffer_test
#[test]
fn request_receive_buffer_reports_what_the_kernel_granted() {
    const ASKED: usize = 32 * 1024;
    let socket = fresh(Domain::IPV4, Type::STREAM);
    let granted = expect_ok(
        request_receive_buffer(&socket, ASKED),
        "request_receive_buffer()",
        "the size the kernel granted",
        BUFFER_SIZES,
    );
    // The granted size differs by system (Linux doubles the request for its own
    // bookkeeping), so the test checks the rules that hold everywhere, not a
    // number.
    expect_eq(
        granted,
        socket.recv_buffer_size().unwrap(),
        "the size returned vs SO_RCVBUF read back",
        BUFFER_SIZES,
    );
    expect_that(
        granted >= ASKED,
        "the receive buffer granted for a 32 KiB request",
        "at least the 32 KiB asked for",
        format!("{granted} bytes"),
        BUFFER_SIZES,
    );
}
// ANCHOR_END: receive_buffer_test
