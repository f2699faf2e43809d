//! Checks for chapter 6: UDP datagrams. Run them with `cargo test -p
//! chapter-6`.
//!
//! The peers (an echo server, a relay that loses datagrams, a closed port) are
//! in `peers.rs`, written with std only: no test trusts one exercise to check
//! another.

mod peers;

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use chapter_6::{
    Datagram, Retry, call, connect_to, decode, encode, exchange, receive,
    send_each,
};
use peers::{Echo, Loss, Relay, closed_port, numbered};
use support::hex::{Annotated, hex_bytes};
use support::net;
use support::redact::Names;
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch06-udp-datagrams.md");
const SENDING: Section = BOOK.section("6.1 Sending datagrams");
const BOUNDARIES: Section = BOOK.section("6.2 Boundaries and truncation");
const CONNECTED_UDP: Section = BOOK.section("6.3 Connected UDP");
const REQUEST_REPLY: Section = BOOK.section("6.4 One request, one reply");
const NUMBERING: Section = BOOK.section("6.5 Numbering requests");
const RETRY: Section = BOOK.section("6.6 Timeout and retry");

/// A UDP socket of the test's own, connected to `to`, with the test read
/// timeout.
fn connected(to: SocketAddr) -> UdpSocket {
    let socket = net::udp();
    socket.connect(to).unwrap();
    socket
}

/// Receives one datagram with the test's own code, in a buffer large enough for
/// any.
fn receive_whole(socket: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let mut buffer = vec![0; 65_536];
    let (len, from) = socket
        .recv_from(&mut buffer)
        .expect("the test's socket received nothing");
    buffer.truncate(len);
    (buffer, from)
}

/// Bytes as text, so a failure shows "PING 7" rather than a list of numbers.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What `decode` made of a datagram, in a form a failure message shows well.
#[derive(Debug, PartialEq)]
enum Decoded {
    /// The id, and the payload in hex.
    Ok(u32, String),
    Err(io::ErrorKind),
    /// `decode` panicked, with this message.
    Panicked(String),
}

fn decoded(datagram: &[u8]) -> Decoded {
    match panic::catch_unwind(AssertUnwindSafe(|| decode(datagram))) {
        Ok(Ok((id, payload))) => Decoded::Ok(id, hex_bytes(payload)),
        Ok(Err(e)) => Decoded::Err(e.kind()),
        Err(panic) => Decoded::Panicked(
            panic
                .downcast_ref::<&str>()
                .map(|m| m.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default(),
        ),
    }
}

// ---------------------------------------------------------------- 6.1

#[test]
fn send_each_sends_one_datagram_per_message() {
    let sender = net::udp();
    let receiver = net::udp();
    let messages: [&[u8]; 3] = [b"one", b"two, a longer one", b"3"];
    expect_ok(
        send_each(&sender, receiver.local_addr().unwrap(), &messages),
        "send_each() of three messages",
        "the three messages sent",
        SENDING,
    );
    for message in messages {
        let (bytes, from) = receive_whole(&receiver);
        expect_eq(
            (text(&bytes), from),
            (text(message), sender.local_addr().unwrap()),
            "the next datagram (bytes, sender) after send_each() of three messages",
            SENDING,
        );
    }
}

// ---------------------------------------------------------------- 6.2

// ANCHOR: receive_test
/// Three datagrams sent, three received: each receive returns exactly one, even
/// an empty one (a UDP read of 0 bytes is an empty datagram, not an
/// end-of-file), and one that is longer than the 10 bytes asked for comes cut
/// short, and says so.
#[test]
fn receive_returns_one_datagram_per_call() {
    let sender = net::udp();
    let receiver = net::udp();
    let to = receiver.local_addr().unwrap();
    for message in [&b"first"[..], b"", b"third and last"] {
        sender.send_to(message, to).unwrap();
    }
    let mut table = String::new();
    for _ in 0..3 {
        let Datagram {
            from,
            bytes,
            truncated,
        } = expect_ok(
            receive(&receiver, 10),
            "receive(capacity 10)",
            "the next datagram, cut to 10 bytes if longer",
            BOUNDARIES,
        );
        expect_eq(
            from,
            sender.local_addr().unwrap(),
            "the sender receive() reported",
            BOUNDARIES,
        );
        let shown = format!("{:?}", String::from_utf8_lossy(&bytes));
        table.push_str(&format!(
            "{:>2} bytes {shown:<14} truncated: {truncated}\n",
            bytes.len()
        ));
    }
    support::assert_snapshot!(BOUNDARIES, table);
}
// ANCHOR_END: receive_test

#[test]
fn receive_reports_a_truncated_datagram() {
    let sender = net::udp();
    let receiver = net::udp();
    let to = receiver.local_addr().unwrap();
    let long: Vec<u8> = (b'a'..=b'z').cycle().take(100).collect();
    sender.send_to(&long, to).unwrap();
    sender.send_to(b"0123456789", to).unwrap();
    sender.send_to(b"after", to).unwrap();

    let first = expect_ok(
        receive(&receiver, 10),
        "receive(capacity 10) of a 100-byte datagram",
        "its first 10 bytes, marked truncated",
        BOUNDARIES,
    );
    expect_eq(
        (text(&first.bytes), first.truncated),
        (text(&long[..10]), true),
        "receive(capacity 10) of a 100-byte datagram: (bytes, truncated)",
        BOUNDARIES,
    );
    let second = expect_ok(
        receive(&receiver, 10),
        "receive(capacity 10) of a 10-byte datagram",
        "all 10 bytes, not truncated",
        BOUNDARIES,
    );
    expect_eq(
        (text(&second.bytes), second.truncated),
        ("0123456789".to_string(), false),
        "receive(capacity 10) of the next datagram, exactly 10 bytes: the rest of the first is gone",
        BOUNDARIES,
    );
    let third = expect_ok(
        receive(&receiver, 10),
        "receive(capacity 10) of a 5-byte datagram",
        "all 5 bytes, not truncated",
        BOUNDARIES,
    );
    expect_eq(
        (text(&third.bytes), third.truncated),
        ("after".to_string(), false),
        "receive(capacity 10) of a 5-byte datagram",
        BOUNDARIES,
    );
}

// ---------------------------------------------------------------- 6.3

#[test]
fn connect_to_takes_datagrams_from_the_server_only() {
    let server = net::udp();
    let stranger = net::udp();
    let socket = expect_ok(
        connect_to(server.local_addr().unwrap()),
        "connect_to(the server)",
        "a UDP socket connected to the server",
        CONNECTED_UDP,
    );
    expect_eq(
        socket.peer_addr().map_err(|e| e.kind()),
        Ok(server.local_addr().unwrap()),
        "peer_addr() of the socket connect_to() returned",
        CONNECTED_UDP,
    );
    socket.send(b"hello").unwrap();
    let (hello, client) = receive_whole(&server);
    expect_eq(
        text(&hello),
        text(b"hello"),
        "what the server received",
        CONNECTED_UDP,
    );
    // The stranger's datagram comes first, but the kernel drops it: not from
    // the peer.
    stranger.send_to(b"from a stranger", client).unwrap();
    server.send_to(b"from the server", client).unwrap();
    socket.set_read_timeout(Some(net::IO_TIMEOUT)).unwrap();
    let mut buffer = [0; 64];
    let len = socket.recv(&mut buffer).unwrap();
    expect_eq(
        text(&buffer[..len]),
        text(b"from the server"),
        "the first datagram a connected socket receives when a stranger sent one first",
        CONNECTED_UDP,
    );
}

#[test]
fn connect_to_an_ipv6_server_binds_an_ipv6_socket() {
    let server = UdpSocket::bind(net::loopback_v6()).unwrap();
    server.set_read_timeout(Some(net::IO_TIMEOUT)).unwrap();
    let address = server.local_addr().unwrap();
    let socket = expect_ok(
        connect_to(address),
        "connect_to([::1]:port)",
        "a socket bound to [::]:0, the server's family, and connected to it",
        CONNECTED_UDP,
    );
    expect_eq(
        socket.peer_addr().map_err(|e| e.kind()),
        Ok(address),
        "peer_addr() of the socket connect_to([::1]:port) returned",
        CONNECTED_UDP,
    );
    socket.send(b"hello over IPv6").unwrap();
    let (hello, _) = receive_whole(&server);
    expect_eq(
        text(&hello),
        text(b"hello over IPv6"),
        "what the IPv6 server received",
        CONNECTED_UDP,
    );
}

// ANCHOR: refused_test
#[test]
fn connect_to_a_closed_port_reports_refused() {
    let (_holder, closed) = closed_port();
    let socket = expect_ok(
        connect_to(closed),
        "connect_to(a closed port)",
        "a connected UDP socket: connecting sends nothing, so nothing is \
         refused yet",
        CONNECTED_UDP,
    );
    socket.set_read_timeout(Some(net::IO_TIMEOUT)).unwrap();
    socket.send(b"anyone?").unwrap();
    // The ICMP "port unreachable" that answered the datagram comes back as an
    // error on the next call on the connected socket.
    let mut buffer = [0; 64];
    expect_eq(
        socket.recv(&mut buffer).map_err(|e| e.kind()),
        Err(io::ErrorKind::ConnectionRefused),
        "recv() on a socket from connect_to(a closed port), after a send",
        CONNECTED_UDP,
    );
}
// ANCHOR_END: refused_test

// ---------------------------------------------------------------- 6.4

#[test]
fn exchange_returns_the_reply() {
    let echo = Echo::start();
    let socket = connected(echo.address);
    let reply = deadline::within(
        deadline::DEFAULT,
        "exchange()",
        REQUEST_REPLY,
        move || {
            exchange(&socket, &numbered(1, b"hello"), Duration::from_secs(2))
        },
    );
    expect_eq(
        reply.map(|r| text(&r)).map_err(|e| e.kind()),
        Ok(text(&numbered(1, b"HELLO"))),
        "exchange() with a server that answers",
        REQUEST_REPLY,
    );
}

#[test]
fn exchange_returns_a_reply_of_tens_of_kilobytes() {
    // Far more than a small receive buffer holds, well within MAX_DATAGRAM.
    let payload = [b'x'; 40_000];
    let echo = Echo::start();
    let socket = connected(echo.address);
    let request = numbered(1, &payload);
    let reply = deadline::within(
        deadline::DEFAULT,
        "exchange()",
        REQUEST_REPLY,
        move || exchange(&socket, &request, Duration::from_secs(2)),
    );
    let expected = numbered(1, &payload.to_ascii_uppercase());
    let reply = expect_ok(
        reply,
        "exchange() with a 40 004-byte request",
        "the 40 004-byte reply",
        REQUEST_REPLY,
    );
    expect_eq(
        reply.len(),
        expected.len(),
        "the length of the reply exchange() returned (it receives up to \
         MAX_DATAGRAM bytes: a reply is never cut short)",
        REQUEST_REPLY,
    );
    expect_bytes(
        &reply,
        &expected,
        "the reply exchange() returned",
        REQUEST_REPLY,
    );
}

#[test]
fn exchange_times_out_when_nobody_answers() {
    let silent = net::udp(); // receives, never answers
    let socket = connected(silent.local_addr().unwrap());
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "exchange()",
        REQUEST_REPLY,
        move || {
            exchange(&socket, b"hello?", Duration::from_millis(100))
                .map_err(|e| e.kind())
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "exchange(100 ms) when the server never answers",
        REQUEST_REPLY,
    );
    expect_that(
        waited >= Duration::from_millis(90),
        "how long exchange(100 ms) waited",
        "about 100 ms",
        format!("{waited:?}"),
        REQUEST_REPLY,
    );
    expect_eq(
        text(&receive_whole(&silent).0),
        text(b"hello?"),
        "what the silent server received",
        REQUEST_REPLY,
    );
}

#[test]
fn exchange_passes_refused_on() {
    let (_holder, closed) = closed_port();
    let socket = connected(closed);
    let result = deadline::within(
        deadline::DEFAULT,
        "exchange()",
        REQUEST_REPLY,
        move || {
            exchange(&socket, b"anyone?", Duration::from_secs(2))
                .map_err(|e| e.kind())
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionRefused),
        "exchange() with a closed port",
        REQUEST_REPLY,
    );
}

// ---------------------------------------------------------------- 6.5

// ANCHOR: encode_test
#[test]
fn encode_puts_the_id_first_in_network_byte_order() {
    let datagram = encode(0x0102_0304, b"ping");
    expect_bytes(
        &datagram,
        &[1, 2, 3, 4, b'p', b'i', b'n', b'g'],
        "encode(0x01020304, \"ping\")",
        NUMBERING,
    );
    let request = encode(7, b"ping 7");
    let dump = Annotated::new(&request)
        .field(4, "request id 7, big-endian u32")
        .rest("payload \"ping 7\"")
        .render();
    support::assert_snapshot!(NUMBERING, dump);
}
// ANCHOR_END: encode_test

#[test]
fn decode_reads_what_encode_wrote() {
    for (id, payload) in
        [(0, &b""[..]), (7, b"ping 7"), (u32::MAX, b"\x00\xff")]
    {
        let datagram = numbered(id, payload);
        expect_eq(
            decoded(&datagram),
            Decoded::Ok(id, hex_bytes(payload)),
            &format!(
                "decode() of the test's own encoding of id {id} and payload {:?}: \
                 (id, payload in hex)",
                text(payload)
            ),
            NUMBERING,
        );
    }
}

#[test]
fn decode_rejects_a_datagram_too_short_for_an_id() {
    for short in [&b""[..], b"\x01", b"\x01\x02\x03"] {
        expect_eq(
            decoded(short),
            Decoded::Err(io::ErrorKind::InvalidData),
            &format!(
                "decode() of {} bytes [{}]: a datagram too short for an id is an error, \
                 not a panic",
                short.len(),
                hex_bytes(short)
            ),
            NUMBERING,
        );
    }
}

// ---------------------------------------------------------------- 6.6

const FAST: Retry = Retry {
    attempts: 4,
    timeout: Duration::from_millis(40),
};

#[test]
fn call_completes_every_request_through_a_lossy_relay() {
    let echo = Echo::start();
    // A third of the requests and a third of the replies are lost.
    let relay = Relay::start(
        echo.address,
        Loss {
            every_nth_request: 3,
            every_nth_reply: 3,
        },
    );
    let socket = connected(relay.address);
    let replies = deadline::within(
        deadline::DEFAULT,
        "call() 20 times",
        RETRY,
        move || {
            (1..=20)
                .map(|id| {
                    call(&socket, id, format!("ping {id}").as_bytes(), FAST)
                        .map_err(|e| e.to_string())
                })
                .collect::<Vec<_>>()
        },
    );
    let counts = relay.finish();
    for (id, reply) in (1..=20).zip(replies) {
        expect_eq(
            reply.map(|r| text(&r)),
            Ok(format!("PING {id}")),
            &format!(
                "call({id}, \"ping {id}\") through a relay that loses a third"
            ),
            RETRY,
        );
    }
    expect_that(
        counts.requests_dropped > 0 && counts.replies_dropped > 0,
        "datagrams the relay dropped",
        "some requests and some replies",
        format!("{counts:?}"),
        RETRY,
    );
}

#[test]
fn call_gives_up_after_its_retry_budget() {
    let echo = Echo::start();
    let relay = Relay::start(
        echo.address,
        Loss {
            every_nth_request: 1, // every request is lost
            every_nth_reply: 0,
        },
    );
    let socket = connected(relay.address);
    let budget = Retry {
        attempts: 3,
        timeout: Duration::from_millis(40),
    };
    let started = Instant::now();
    let result =
        deadline::within(deadline::DEFAULT, "call()", RETRY, move || {
            call(&socket, 9, b"ping 9", budget)
        });
    let waited = started.elapsed();
    let counts = relay.finish();
    let error = result.expect_err("call() returned a reply no server sent");
    expect_eq(
        error.kind(),
        io::ErrorKind::TimedOut,
        "the kind of error call() gives up with",
        RETRY,
    );
    expect_that(
        error.to_string().contains("3 attempts"),
        "the message of the error call() gives up with",
        "a message that says how many attempts were made (made by no_reply())",
        error.to_string(),
        RETRY,
    );
    expect_eq(
        counts.requests,
        3,
        "copies of the request the relay received from call() with 3 attempts",
        RETRY,
    );
    expect_that(
        waited >= Duration::from_millis(110),
        "how long call() tried: 3 attempts of 40 ms",
        "about 120 ms",
        format!("{waited:?}"),
        RETRY,
    );
}

#[test]
fn call_skips_stale_and_malformed_replies() {
    let server = net::udp();
    let socket = connected(server.local_addr().unwrap());
    let patient = Retry {
        attempts: 1,
        timeout: Duration::from_secs(2),
    };
    // The server answers with two datagrams that are not the reply before the
    // reply.
    let answering = std::thread::spawn(move || {
        let (request, client) = receive_whole(&server);
        server.send_to(&numbered(6, b"PING 6"), client).unwrap(); // late reply to request 6
        server.send_to(b"\x07", client).unwrap(); // too short to carry an id
        server.send_to(&numbered(7, b"PING 7"), client).unwrap();
        request
    });
    let reply =
        deadline::within(deadline::DEFAULT, "call()", RETRY, move || {
            call(&socket, 7, b"ping 7", patient)
        });
    let request = answering
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
    expect_bytes(
        &request,
        &numbered(7, b"ping 7"),
        "the request call(7, \"ping 7\") sent",
        RETRY,
    );
    expect_eq(
        reply.map(|r| text(&r)).map_err(|e| e.kind()),
        Ok("PING 7".to_string()),
        "call(7) when a reply to request 6 and a 1-byte datagram arrive first",
        RETRY,
    );
}

#[test]
fn call_keeps_its_deadline_while_junk_arrives() {
    let server = net::udp();
    let socket = connected(server.local_addr().unwrap());
    let budget = Retry {
        attempts: 2,
        timeout: Duration::from_millis(250),
    };
    // The server never answers request 3. Every 20 ms, for 2 s or until the
    // test is over, it sends a late reply to request 2 or a 1-byte datagram:
    // never a silence of 250 ms.
    let (stop, stopped) = mpsc::channel::<()>();
    thread::spawn(move || {
        let Ok((_, client)) = server.recv_from(&mut [0; 64]) else {
            return;
        };
        let give_up = Instant::now() + Duration::from_secs(2);
        for turn in 0.. {
            let junk = if turn % 2 == 0 {
                numbered(2, b"PING 2")
            } else {
                vec![0x07]
            };
            let _ = server.send_to(&junk, client);
            let over = stopped.recv_timeout(Duration::from_millis(20))
                != Err(mpsc::RecvTimeoutError::Timeout);
            if over || Instant::now() >= give_up {
                return;
            }
        }
    });
    let started = Instant::now();
    let result =
        deadline::within(deadline::DEFAULT, "call()", RETRY, move || {
            call(&socket, 3, b"ping 3", budget)
                .map(|r| text(&r))
                .map_err(|e| e.kind())
        });
    let waited = started.elapsed();
    drop(stop);
    expect_that(
        waited < Duration::from_millis(1500),
        "how long call() with 2 attempts of 250 ms took while a datagram that is not its \
         reply arrived every 20 ms for 2 s",
        "about 500 ms: a skipped datagram leaves the attempt's deadline where it was",
        format!("{waited:?}: did each skipped datagram start a fresh timeout?"),
        RETRY,
    );
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "call(3) when only late replies to request 2 and 1-byte datagrams arrive",
        RETRY,
    );
}

#[test]
fn call_stops_at_a_refused_port() {
    let (_holder, closed) = closed_port();
    let socket = connected(closed);
    let slow = Retry {
        attempts: 3,
        timeout: Duration::from_secs(1),
    };
    let started = Instant::now();
    let result =
        deadline::within(deadline::DEFAULT, "call()", RETRY, move || {
            call(&socket, 1, b"ping 1", slow).map_err(|e| e.kind())
        });
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionRefused),
        "call() to a closed port",
        RETRY,
    );
    expect_that(
        started.elapsed() < Duration::from_secs(1),
        "how long call() to a closed port took",
        "less than one attempt's timeout: refused is an answer, not a loss",
        format!("{:?}", started.elapsed()),
        RETRY,
    );
}

// ANCHOR: relay_test
/// Five requests through a relay that loses every third request and every third
/// reply, with a timeout long enough that only a loss makes the client send
/// again.
#[test]
fn call_exchange_through_the_lossy_relay() {
    let echo = Echo::start();
    let relay = Relay::start(
        echo.address,
        Loss {
            every_nth_request: 3,
            every_nth_reply: 3,
        },
    );
    let socket = connected(relay.address);
    let client = socket.local_addr().unwrap();
    let log = relay.log.clone();
    let patient = Retry {
        attempts: 4,
        timeout: Duration::from_millis(250),
    };
    deadline::within(deadline::DEFAULT, "call() 5 times", RETRY, move || {
        for id in 1..=5 {
            let reply =
                call(&socket, id, format!("ping {id}").as_bytes(), patient)
                    .map(|r| String::from_utf8_lossy(&r).into_owned());
            log.lock()
                .unwrap()
                .push(format!("client: call({id}) returned {reply:?}"));
        }
    });
    let names = Names::new()
        .name(client, "client")
        .name(relay.address, "relay")
        .name(echo.address, "server");
    let log = relay.log.clone();
    relay.finish();
    let exchange = names.apply(&log.lock().unwrap().join("\n"));
    support::assert_snapshot!(RETRY, exchange);
}
// ANCHOR_END: relay_test
