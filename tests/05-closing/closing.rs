//! Checks for chapter 5: closing. Run them with `cargo test -p chapter-5`.
//!
//! The tests never trust one exercise to check another: the peer at the other
//! end of each connection is written here with std and socket2 only.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::panic;
use std::thread;
use std::time::{Duration, Instant};

use chapter_5::{
    Delivery, abort, close_gracefully, finish_sending, read_to_eof,
    request_reply, write_to_peer,
};
use socket2::{Domain, SockRef, Socket, Type};
use support::net::{self, IO_TIMEOUT};
use support::redact::Names;
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch05-closing.md");
const HALF_CLOSE: Section = BOOK.section("5.1 Half-close");
const END_OF_FILE: Section = BOOK.section("5.2 End-of-file");
const REQUEST_EOF_REPLY: Section =
    BOOK.section("5.3 Request, end-of-file, reply");
const RESET: Section = BOOK.section("5.4 Abort with a reset");
const PEER_GONE: Section = BOOK.section("5.5 Writing to a peer that is gone");
const GRACEFUL_CLOSE: Section = BOOK.section("5.6 Closing gracefully");

/// How one read on a stream ended, in words: what the reader of the book will
/// compare.
fn one_read(stream: &TcpStream) -> String {
    let mut buffer = [0; 64];
    match (&*stream).read(&mut buffer) {
        Ok(0) => "Ok(0): end-of-file".to_string(),
        Ok(n) => {
            format!("Ok({n}): {:?}", String::from_utf8_lossy(&buffer[..n]))
        }
        Err(e) => format!("Err({:?})", e.kind()),
    }
}

/// Reads until end-of-file or an error; returns the bytes and how the stream
/// ended.
fn read_all(stream: &TcpStream) -> (Vec<u8>, String) {
    let mut received = Vec::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match (&*stream).read(&mut buffer) {
            Ok(0) => return (received, "end-of-file".to_string()),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (received, format!("{:?}", e.kind())),
        }
    }
}

/// Joins a peer thread; a panic there (a `todo!()` reached on that thread) is
/// passed on unchanged so the reader sees its message.
fn join<T>(peer: thread::JoinHandle<T>) -> T {
    peer.join().unwrap_or_else(|p| panic::resume_unwind(p))
}

// ---------------------------------------------------------------- 5.1

// ANCHOR: finish_sending_test
#[test]
fn finish_sending_lets_the_peer_read_eof_and_still_reply() {
    let (client, server) = net::connected_pair();
    (&client).write_all(b"question").unwrap();
    expect_ok(
        finish_sending(&client),
        "finish_sending()",
        "the write side shut down",
        HALF_CLOSE,
    );

    // The server reads the question, then end-of-file: the client finished
    // sending...
    let mut question = Vec::new();
    (&server).read_to_end(&mut question).unwrap();
    expect_eq(
        String::from_utf8_lossy(&question),
        "question".into(),
        "what the server read before end-of-file",
        HALF_CLOSE,
    );
    // ...but the connection is still open the other way: the answer gets
    // through.
    (&server).write_all(b"answer").unwrap();
    drop(server);
    let (answer, ended) = read_all(&client);
    expect_eq(
        (String::from_utf8_lossy(&answer), ended.as_str()),
        ("answer".into(), "end-of-file"),
        "what the client read after finish_sending(), and how its stream ended",
        HALF_CLOSE,
    );
}
// ANCHOR_END: finish_sending_test

#[test]
fn finish_sending_forbids_further_writes() {
    let (client, _server) = net::connected_pair();
    expect_ok(
        finish_sending(&client),
        "finish_sending()",
        "the write side shut down",
        HALF_CLOSE,
    );
    expect_eq(
        (&client).write(b"one more").map_err(|e| e.kind()),
        Err(io::ErrorKind::BrokenPipe),
        "a write after finish_sending() on the same stream",
        HALF_CLOSE,
    );
}

// ---------------------------------------------------------------- 5.2

#[test]
fn read_to_eof_collects_every_write_until_eof() {
    let (client, server) = net::connected_pair();
    let peer = thread::spawn(move || {
        for part in [&b"three "[..], b"separate ", b"writes"] {
            (&client).write_all(part).unwrap();
            thread::sleep(Duration::from_millis(20));
        }
        client.shutdown(Shutdown::Write).unwrap();
        client // kept open: end-of-file must come from the shutdown alone
    });
    let received = deadline::within(
        deadline::DEFAULT,
        "read_to_eof()",
        END_OF_FILE,
        move || read_to_eof(&server, 1024),
    );
    let _client = join(peer);
    expect_eq(
        received
            .map(|r| String::from_utf8_lossy(&r).into_owned())
            .map_err(|e| e.kind()),
        Ok("three separate writes".to_string()),
        "read_to_eof() of three writes and a shutdown(Write)",
        END_OF_FILE,
    );
}

#[test]
fn read_to_eof_stops_at_the_limit() {
    let (client, server) = net::connected_pair();
    // 4 KiB sent and the connection left open: waiting for end-of-file would
    // time out.
    (&client).write_all(&[b'x'; 4096]).unwrap();
    let result = deadline::within(
        Duration::from_secs(2),
        "read_to_eof() with a limit of 100 bytes",
        END_OF_FILE,
        move || read_to_eof(&server, 100).map_err(|e| e.kind()),
    );
    expect_eq(
        result.map(|bytes| bytes.len()),
        Err(io::ErrorKind::InvalidData),
        "read_to_eof(limit 100) when the peer sends 4096 bytes and keeps the connection open",
        END_OF_FILE,
    );
}

#[test]
fn read_to_eof_accepts_exactly_the_limit() {
    let (client, server) = net::connected_pair();
    (&client).write_all(&[b'x'; 100]).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "read_to_eof() with a limit of 100 bytes",
        END_OF_FILE,
        move || read_to_eof(&server, 100).map_err(|e| e.kind()),
    );
    expect_eq(
        result.map(|bytes| bytes.len()),
        Ok(100),
        "read_to_eof(limit 100) when the peer sends 100 bytes and its \
         end-of-file (only more than the limit is too much)",
        END_OF_FILE,
    );
}

#[test]
fn read_to_eof_reports_a_reset_as_an_error() {
    let (client, server) = net::connected_pair();
    (&client).write_all(b"half a mess").unwrap();
    // The test's own abort: SO_LINGER 0, then close.
    SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(client);
    let result = deadline::within(
        deadline::DEFAULT,
        "read_to_eof()",
        END_OF_FILE,
        move || read_to_eof(&server, 1024).map_err(|e| e.kind()),
    );
    expect_eq(
        result.map(|r| String::from_utf8_lossy(&r).into_owned()),
        Err(io::ErrorKind::ConnectionReset),
        "read_to_eof() when the peer resets the connection: a reset is not an end-of-file",
        END_OF_FILE,
    );
}

// ---------------------------------------------------------------- 5.3

// ANCHOR: request_reply_test
/// A server for a protocol where end-of-file ends each message: it reads the
/// request to its end, answers in capitals and closes. It writes down what it
/// sees as it happens.
#[test]
fn request_reply_close_sequence() {
    let listener = net::listener();
    let server_address = listener.local_addr().unwrap();
    let client = net::connect(server_address).unwrap();
    let client_address = client.local_addr().unwrap();

    let server = thread::spawn(move || {
        let (stream, peer) = net::accept(&listener).unwrap();
        let mut log =
            vec![format!("server: accepted a connection from {peer}")];
        let mut request = Vec::new();
        (&stream).read_to_end(&mut request).unwrap();
        let request = String::from_utf8_lossy(&request).into_owned();
        log.push(format!("server: read {request:?}"));
        log.push(
            "server: read end-of-file: the client's FIN arrived".to_string(),
        );
        let reply = request.to_uppercase();
        (&stream).write_all(reply.as_bytes()).unwrap();
        log.push(format!(
            "server: wrote {reply:?}: the way back is still open"
        ));
        drop(stream);
        log.push(
            "server: closed its end: its FIN follows the reply".to_string(),
        );
        log
    });
    let reply = deadline::within(
        deadline::DEFAULT,
        "request_reply()",
        REQUEST_EOF_REPLY,
        move || request_reply(client, b"half-closed, not closed", 1024),
    );
    let mut log = vec![format!(
        "client: connected to {server_address} from {client_address}"
    )];
    log.extend(join(server));
    let reply = expect_ok(
        reply,
        "request_reply()",
        "the server's reply, read to its end-of-file",
        REQUEST_EOF_REPLY,
    );
    log.push(format!(
        "client: request_reply() returned {:?},\n\
         client: then saw the server's end-of-file",
        String::from_utf8_lossy(&reply)
    ));
    expect_eq(
        String::from_utf8_lossy(&reply),
        "HALF-CLOSED, NOT CLOSED".into(),
        "the reply request_reply() returned",
        REQUEST_EOF_REPLY,
    );
    let names = Names::new()
        .name(server_address, "server")
        .name(client_address, "client");
    let events = names.apply(&log.join("\n"));
    support::assert_snapshot!(REQUEST_EOF_REPLY, events);
}
// ANCHOR_END: request_reply_test

// ---------------------------------------------------------------- 5.4

// ANCHOR: abort_test
/// Three ways for a peer to close, and what the other end's next read returns.
#[test]
fn abort_is_seen_as_a_reset_not_an_end_of_file() {
    let (aborted, other_end) = net::connected_pair();
    expect_ok(
        abort(aborted),
        "abort()",
        "the connection reset and the stream closed",
        RESET,
    );
    let after_abort = one_read(&other_end);
    expect_eq(
        after_abort.as_str(),
        "Err(ConnectionReset)",
        "the peer's read after abort()",
        RESET,
    );

    let (dropped, other_end) = net::connected_pair();
    drop(dropped);
    let after_drop = one_read(&other_end);

    let (half_closed, other_end) = net::connected_pair();
    half_closed.shutdown(Shutdown::Write).unwrap();
    let after_shutdown = one_read(&other_end);
    // After a half-close the other direction still works: prove it.
    (&other_end).write_all(b"still open").unwrap();
    let back = one_read(&half_closed);

    let table = format!(
        "how the peer closed               the other end's next read\n\
         drop(stream)                      {after_drop}\n\
         shutdown(Write)                   {after_shutdown}\n\
         \x20 then a reply the other way      {back}\n\
         abort(stream), SO_LINGER = 0      {after_abort}\n"
    );
    support::assert_snapshot!(RESET, table);
}
// ANCHOR_END: abort_test

/// A reset ends the connection at once: no FIN exchange, so no TIME_WAIT on
/// either side, and the port of the side that aborted is free again
/// immediately.
#[test]
fn abort_leaves_no_time_wait() {
    // A test running at the same time may be handed the freed port for a
    // connection of its own before this one binds it. TIME_WAIT would refuse
    // every attempt, a neighbour one now and then: three attempts tell the two
    // apart.
    let mut bound = Ok(());
    for _ in 0..3 {
        let (aborted, other_end) = net::connected_pair();
        let address = aborted.local_addr().unwrap();
        expect_ok(
            abort(aborted),
            "abort()",
            "the connection reset and the stream closed",
            RESET,
        );
        drop(other_end);
        bound = Socket::new(Domain::IPV4, Type::STREAM, None)
            .unwrap()
            .bind(&address.into())
            .map_err(|e| e.kind());
        if bound.is_ok() {
            break;
        }
    }
    expect_eq(
        bound,
        Ok(()),
        "binding the address of the side that called abort(), right after it",
        RESET,
    );
}

// ---------------------------------------------------------------- 5.5

/// Writes `message` until write_to_peer() reports the peer gone, for at most 2
/// seconds. Returns what each write said.
fn write_until_gone(
    stream: TcpStream,
    message: &'static [u8],
) -> Vec<Delivery> {
    deadline::within(
        deadline::DEFAULT,
        "write_to_peer() in a loop",
        PEER_GONE,
        move || {
            let give_up = Instant::now() + Duration::from_secs(2);
            let mut said = Vec::new();
            while Instant::now() < give_up {
                let delivery = expect_ok(
                    write_to_peer(&stream, message),
                    "write_to_peer() to a peer that closed or reset",
                    "Queued, or PeerGone(kind) once the peer is gone",
                    PEER_GONE,
                );
                said.push(delivery);
                if delivery != Delivery::Queued {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            said
        },
    )
}

fn gone_kind(said: &[Delivery]) -> Option<io::ErrorKind> {
    match said.last() {
        Some(Delivery::PeerGone(kind)) => Some(*kind),
        _ => None,
    }
}

#[test]
fn write_to_peer_queues_then_reports_a_peer_that_closed() {
    let (client, server) = net::connected_pair();
    drop(server);
    // The client has seen the server's FIN...
    expect_eq(
        one_read(&client).as_str(),
        "Ok(0): end-of-file",
        "the client's read after the server closed",
        PEER_GONE,
    );
    // ...and still its first write is accepted: only the server's answer, a
    // reset, ends it.
    let said = write_until_gone(client, b"anyone there?\n");
    expect_eq(
        said.first().copied(),
        Some(Delivery::Queued),
        "the first write_to_peer() after the peer closed",
        PEER_GONE,
    );
    let kind = gone_kind(&said);
    expect_that(
        matches!(
            kind,
            Some(io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset)
        ),
        "what write_to_peer() said after the peer closed, write after write for 2 s",
        "PeerGone(BrokenPipe) or PeerGone(ConnectionReset) after a write or two",
        format!("{said:?}"),
        PEER_GONE,
    );
}

#[test]
fn write_to_peer_reports_a_peer_that_reset() {
    let (client, server) = net::connected_pair();
    SockRef::from(&server)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(server);
    let said = write_until_gone(client, b"anyone there?\n");
    expect_that(
        gone_kind(&said) == Some(io::ErrorKind::ConnectionReset)
            || gone_kind(&said) == Some(io::ErrorKind::BrokenPipe),
        "what write_to_peer() said after the peer reset the connection",
        "PeerGone(ConnectionReset) (or BrokenPipe, on some systems)",
        format!("{said:?}"),
        PEER_GONE,
    );
}

#[test]
fn write_to_peer_passes_other_errors_on() {
    // A peer that never reads, with a small receive buffer: the writer's
    // buffers fill up and a write with a timeout fails with a timeout, not with
    // "peer gone".
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener.set_recv_buffer_size(64 * 1024).unwrap();
    listener.bind(&net::loopback_v4().into()).unwrap();
    listener.listen(1).unwrap();
    let address: SocketAddr =
        listener.local_addr().unwrap().as_socket().unwrap();
    let client = net::connect(address).unwrap();
    let (_never_reads, _) = net::accept(&listener.into()).unwrap();
    client
        .set_write_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "write_to_peer() of 16 MiB to a peer that does not read",
        PEER_GONE,
        move || {
            write_to_peer(&client, &vec![0; 16 << 20]).map_err(|e| e.kind())
        },
    );
    expect_that(
        matches!(
            result,
            Err(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
        ),
        "write_to_peer() when its write times out",
        "Err(WouldBlock) or Err(TimedOut): the peer is slow, not gone",
        format!("{result:?}"),
        PEER_GONE,
    );
}

// ---------------------------------------------------------------- 5.6

/// A client whose receive buffer is small: it takes a large reply in small
/// bites, so when the server has written its last byte, megabytes are still on
/// their way.
fn slow_reading_client(address: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.connect_timeout(&address.into(), IO_TIMEOUT).unwrap();
    net::with_timeouts(socket.into())
}

/// Bytes that say where they are: a lost or reordered stretch cannot look like
/// another.
fn numbered_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

// ANCHOR: close_gracefully_test
#[test]
fn close_gracefully_delivers_every_byte_of_a_large_reply() {
    const REPLY: usize = 8 << 20;
    const UNREAD: usize = 32 * 1024;
    let listener = net::listener();
    let client = slow_reading_client(listener.local_addr().unwrap());
    let (server, _) = net::accept(&listener).unwrap();

    // The server never reads what the client sends: those bytes sit unread in
    // its receive buffer when it closes, as a pipelined request would.
    let server = thread::spawn(move || {
        (&server).write_all(&numbered_bytes(REPLY)).unwrap();
        close_gracefully(server, Duration::from_secs(5))
    });
    (&client).write_all(&[b'?'; UNREAD]).unwrap();
    let (reply, ended) = deadline::within(
        deadline::DEFAULT,
        "reading an 8 MiB reply",
        GRACEFUL_CLOSE,
        move || read_all(&client), // returns, and the client closes, at the end
    );
    let discarded = deadline::within(
        deadline::DEFAULT,
        "close_gracefully()",
        GRACEFUL_CLOSE,
        || join(server),
    );

    expect_eq(
        (reply.len(), ended.as_str()),
        (REPLY, "end-of-file"),
        "bytes the client read, and how the connection ended",
        GRACEFUL_CLOSE,
    );
    expect_bytes(
        &reply,
        &numbered_bytes(REPLY),
        "the content of the 8 MiB reply, every byte in order",
        GRACEFUL_CLOSE,
    );
    expect_eq(
        discarded.map_err(|e| e.kind()),
        Ok(UNREAD),
        "what close_gracefully() returned: the bytes it read and threw away",
        GRACEFUL_CLOSE,
    );
}
// ANCHOR_END: close_gracefully_test

#[test]
fn close_gracefully_gives_up_after_the_wait() {
    let (client, server) = net::connected_pair();
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "close_gracefully() with a peer that never closes",
        GRACEFUL_CLOSE,
        move || {
            close_gracefully(server, Duration::from_millis(200))
                .map_err(|e| e.kind())
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "close_gracefully(200 ms) when the peer never finishes",
        GRACEFUL_CLOSE,
    );
    expect_that(
        waited >= Duration::from_millis(180),
        "how long close_gracefully(200 ms) waited for the peer",
        "about 200 ms",
        format!("{waited:?}"),
        GRACEFUL_CLOSE,
    );
    // It did finish sending before it waited: the peer has its end-of-file.
    expect_eq(
        one_read(&client).as_str(),
        "Ok(0): end-of-file",
        "the peer's read after close_gracefully() gave up",
        GRACEFUL_CLOSE,
    );
}

#[test]
fn close_gracefully_passes_a_reset_on() {
    let (client, server) = net::connected_pair();
    // The peer waits for close_gracefully's end-of-file, then aborts: a reset
    // (SO_LINGER 0) where close_gracefully waits for an end-of-file.
    let peer = thread::spawn(move || {
        let ended = one_read(&client);
        SockRef::from(&client)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(client);
        ended
    });
    let result = deadline::within(
        deadline::DEFAULT,
        "close_gracefully() with a peer that resets",
        GRACEFUL_CLOSE,
        move || {
            close_gracefully(server, Duration::from_secs(3))
                .map_err(|e| e.kind())
        },
    );
    expect_eq(
        join(peer).as_str(),
        "Ok(0): end-of-file",
        "the peer's read while close_gracefully() runs",
        GRACEFUL_CLOSE,
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionReset),
        "close_gracefully(3 s) when the peer resets the connection instead of \
         finishing: a reset is neither an end-of-file nor a timeout (return \
         any error but a timeout as it is)",
        GRACEFUL_CLOSE,
    );
}

#[test]
fn close_gracefully_counts_its_wait_for_the_whole_drain() {
    let (client, server) = net::connected_pair();
    client.set_nodelay(true).unwrap();
    // The peer sends a byte every 20 ms for 2 s and never finishes: each
    // GRACEFUL_CLOSE gets a byte long before a GRACEFUL_CLOSE timeout of 300
    // ms, so only a total for the drain ends it in time.
    thread::spawn(move || {
        let stop = Instant::now() + Duration::from_secs(2);
        while Instant::now() < stop && (&client).write_all(b".").is_ok() {
            thread::sleep(Duration::from_millis(20));
        }
    });
    let wait = Duration::from_millis(300);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "close_gracefully() with a peer that sends a byte every 20 ms",
        GRACEFUL_CLOSE,
        move || close_gracefully(server, wait).map_err(|e| e.kind()),
    );
    let waited = started.elapsed();
    expect_that(
        waited < wait + Duration::from_secs(1),
        "how long close_gracefully(300 ms) took while the peer sent a byte every 20 ms for 2 s",
        "about 300 ms: the wait is a total for the whole drain, not a timeout for each read",
        format!("{waited:?}"),
        GRACEFUL_CLOSE,
    );
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "close_gracefully(300 ms) when the peer sends a byte every 20 ms and never finishes",
        GRACEFUL_CLOSE,
    );
}

// ANCHOR: time_wait_test
/// The side that sends the first FIN waits in TIME_WAIT after the close; the
/// side that answers it is done once its own FIN is acknowledged. Checked the
/// portable way: a plain bind (no SO_REUSEADDR) of each side's address.
#[cfg(unix)]
#[test]
fn close_gracefully_leaves_time_wait_on_the_side_that_closes_first() {
    let listener = net::listener();
    let second_address = listener.local_addr().unwrap();
    let first = net::connect(second_address).unwrap();
    let first_address = first.local_addr().unwrap();
    let (second, _) = net::accept(&listener).unwrap();
    drop(listener);

    // The second side waits for end-of-file, then closes in turn.
    let peer = thread::spawn(move || {
        let mut rest = Vec::new();
        (&second).read_to_end(&mut rest).unwrap();
    });
    let result = deadline::within(
        deadline::DEFAULT,
        "close_gracefully()",
        GRACEFUL_CLOSE,
        move || {
            close_gracefully(first, Duration::from_secs(2))
                .map_err(|e| e.kind())
        },
    );
    join(peer);
    expect_eq(
        result,
        Ok(0),
        "close_gracefully() of an idle connection",
        GRACEFUL_CLOSE,
    );

    let plain_bind = |address: SocketAddr| {
        Socket::new(Domain::IPV4, Type::STREAM, None)
            .unwrap()
            .bind(&address.into())
            .map_err(|e| e.kind())
    };
    expect_eq(
        plain_bind(first_address),
        Err(io::ErrorKind::AddrInUse),
        "binding the address of the side that closed first (it waits in \
         TIME_WAIT)",
        GRACEFUL_CLOSE,
    );
    // The second side's last ACK may still be on its way: give it a moment.
    let give_up = Instant::now() + Duration::from_secs(2);
    let mut second_bind = plain_bind(second_address);
    while second_bind.is_err() && Instant::now() < give_up {
        thread::sleep(Duration::from_millis(10));
        second_bind = plain_bind(second_address);
    }
    expect_eq(
        second_bind,
        Ok(()),
        "binding the address of the side that closed second (no TIME_WAIT \
         there)",
        GRACEFUL_CLOSE,
    );
}
// ANCHOR_END: time_wait_test
