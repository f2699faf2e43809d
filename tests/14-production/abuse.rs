//! Chapter 14: abuse. Each test attacks the server one way and checks that
//! the attacker is cut off and that two good clients chat meanwhile.

mod serving;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chapter_14::rooms::ROOM_BACKLOG;
use serving::*;
use support::tokio::{run, within_async};
use support::{Book, Section, expect_eq, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOOK: Book = Book::page("ch14-production.md");
const ABUSE: Section = BOOK.section("14.4 Abuse, while good clients are served");

const REQUEST: &[u8] = b"GET /chat/lobby HTTP/1.1\r\nHost: localhost\r\n\
Upgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// How many messages the good clients exchange while an attack goes on.
const ROUNDS: usize = 20;

/// The two good clients' chat: every message reaches both.
async fn good_clients_are_served(addr: SocketAddr) {
    let arrived = good_clients_chat(addr, "lobby", ROUNDS, ABUSE).await;
    expect_eq(
        arrived,
        2 * ROUNDS,
        "messages the two good clients received during the attack",
        ABUSE,
    );
}

/// Reads until the server closes: the bytes read, or `None` at the deadline.
async fn until_closed(tcp: &mut TcpStream) -> Option<usize> {
    let mut total = 0;
    let mut chunk = vec![0; 64 * 1024];
    let reading = async {
        loop {
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
    };
    tokio::time::timeout(SOON, reading).await.ok()
}

/// A raw connection that completed the handshake (the 101 read whole).
async fn handshaken(tcp: &mut TcpStream) {
    tcp.write_all(REQUEST).await.expect("write the request");
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        let read = within_async(SOON, "the 101 response", ABUSE, tcp.read(&mut byte)).await;
        match read {
            Ok(1) => head.push(byte[0]),
            other => panic!(
                "the handshake ended early: {other:?} after {:?}",
                String::from_utf8_lossy(&head)
            ),
        }
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "expected a 101, got {:?}",
        String::from_utf8_lossy(&head)
    );
}

#[test]
fn slowloris_clients_sending_a_byte_at_a_time_are_cut_off_at_the_handshake_timeout() {
    let running = start(quick_limits(), None, ABUSE); // handshake_timeout: 500 ms
    let addr = running.addr;
    let cut_off = run(
        SOON * 2,
        "slowloris clients and two good ones",
        ABUSE,
        async move {
            let mut attackers = Vec::new();
            for _ in 0..10 {
                attackers.push(tokio::spawn(async move {
                    let tcp = TcpStream::connect(addr).await.expect("connect");
                    let started = Instant::now();
                    let (mut reading, mut writing) = tcp.into_split();
                    let closed = tokio::spawn(async move {
                        let mut ignored = [0; 1024];
                        while let Ok(1..) = reading.read(&mut ignored).await {}
                    });
                    for &byte in REQUEST {
                        if closed.is_finished() || writing.write_all(&[byte]).await.is_err() {
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    let _ = closed.await;
                    started.elapsed()
                }));
            }
            good_clients_are_served(addr).await;
            let mut cut_off = Vec::new();
            for attacker in attackers {
                cut_off.push(attacker.await.expect("the attacker ran"));
            }
            cut_off
        },
    );
    let slowest = cut_off.iter().max().copied().unwrap_or_default();
    expect_that(
        slowest < Duration::from_secs(2),
        "how long the slowest of 10 slowloris clients kept its connection",
        "about the handshake timeout (500 ms), far less than the 30 s its request takes",
        format!("{slowest:?}"),
        ABUSE,
    );
}

#[test]
fn junk_instead_of_a_handshake_gets_400_and_the_connection_closes() {
    let running = start(quick_limits(), None, ABUSE);
    let addr = running.addr;
    let (status, closed) = run(
        SOON * 2,
        "junk bytes and two good clients",
        ABUSE,
        async move {
            let junk: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
            let mut tcp = TcpStream::connect(addr).await.expect("connect");
            // The server may close before taking it all: that is the point.
            let _ = tcp.write_all(&junk).await;
            let mut answer = vec![0; 12];
            let status = match within_async(
                SOON,
                "an answer to junk",
                ABUSE,
                tcp.read_exact(&mut answer),
            )
            .await
            {
                Ok(_) => String::from_utf8_lossy(&answer).into_owned(),
                Err(error) => format!("(no answer: {error})"),
            };
            let closed = until_closed(&mut tcp).await.is_some();
            good_clients_are_served(addr).await;
            (status, closed)
        },
    );
    expect_eq(
        status.as_str(),
        "HTTP/1.1 400",
        "the start of the answer to 64 KiB of junk",
        ABUSE,
    );
    expect_eq(
        closed,
        true,
        "the junk sender's connection closed by the server",
        ABUSE,
    );
}

/// A masked text frame header announcing `length` bytes, with none sent.
fn announcing(length: u64) -> Vec<u8> {
    let mut header = vec![0x81, 0x80 | 127];
    header.extend_from_slice(&length.to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    header
}

/// The code of the close frame the server sends first (a server's frames
/// are not masked: 0x88, the length, then the code).
async fn close_code(tcp: &mut TcpStream) -> Option<u16> {
    let mut start = [0; 4];
    let read = within_async(
        SOON,
        "the server's close frame",
        ABUSE,
        tcp.read_exact(&mut start),
    );
    read.await.ok()?;
    (start[0] == 0x88 && start[1] >= 2).then(|| u16::from_be_bytes([start[2], start[3]]))
}

#[test]
fn a_frame_header_announcing_2_to_the_63_bytes_is_refused_at_once() {
    let running = start(quick_limits(), None, ABUSE);
    let addr = running.addr;
    let codes = run(
        SOON * 2,
        "frame headers announcing huge payloads",
        ABUSE,
        async move {
            let mut codes = Vec::new();
            // 2^63: the top bit RFC 6455 section 5.2 says must be 0; 2^63 - 1:
            // a legal length, far over max_frame.
            for length in [1 << 63, (1 << 63) - 1] {
                let mut tcp = TcpStream::connect(addr).await.expect("connect");
                handshaken(&mut tcp).await;
                tcp.write_all(&announcing(length))
                    .await
                    .expect("write the header");
                codes.push(close_code(&mut tcp).await);
            }
            good_clients_are_served(addr).await;
            codes
        },
    );
    expect_eq(
        codes,
        vec![Some(1002), Some(1009)],
        "the close codes for headers announcing 2^63 and 2^63 - 1 bytes (before any payload)",
        ABUSE,
    );
}

#[test]
fn a_member_that_never_reads_is_dropped_while_the_others_chat() {
    // 12.5 MiB in all: more than the kernel buffers for one connection
    // (Linux lets a send buffer grow to 4 MiB), so the server must notice.
    const MESSAGES: usize = 400;
    const SIZE: usize = 32 * 1024;
    let running = start(quick_limits(), None, ABUSE); // send_timeout: 500 ms
    let (heard, bad_read) = never_reading_member(running.addr, MESSAGES, SIZE, Duration::ZERO);
    expect_eq(
        heard,
        2 * MESSAGES,
        "messages of 32 KiB the two good members received",
        ABUSE,
    );
    let sent = MESSAGES * SIZE;
    expect_that(
        bad_read.is_some_and(|read| read < sent / 2),
        "what the member that never read finds when it reads at last",
        "its connection closed by the server, after far less than all that was said",
        match bad_read {
            Some(read) => format!("closed after {read} of the {sent} bytes said"),
            None => format!("still open {SOON:?} after all {sent} bytes were said"),
        },
        ABUSE,
    );
}

#[test]
fn a_member_that_never_reads_is_dropped_at_the_send_timeout_before_it_lags() {
    // Fewer messages than the room keeps for a member, so it never lags
    // and only the send timeout can drop it; 12 MiB in all, more than the
    // kernel buffers for one connection.
    const MESSAGES: usize = ROOM_BACKLOG * 3 / 4;
    const SIZE: usize = 256 * 1024;
    let mut limits = quick_limits(); // send_timeout: 500 ms
    limits.websocket.limits.max_frame = SIZE;
    limits.websocket.limits.max_message = SIZE;
    let send_timeout = limits.send_timeout;
    let running = start(limits, None, ABUSE);
    // Longer than the send timeout, then it reads.
    let (heard, bad_read) = never_reading_member(running.addr, MESSAGES, SIZE, send_timeout * 2);
    expect_eq(
        heard,
        2 * MESSAGES,
        "messages of 256 KiB the two good members received",
        ABUSE,
    );
    let sent = MESSAGES * SIZE;
    expect_that(
        bad_read.is_some_and(|read| read < sent / 2),
        &format!(
            "a member that never reads {MESSAGES} messages (fewer than \
             ROOM_BACKLOG = {ROOM_BACKLOG}: it never lags), then reads"
        ),
        "its connection closed once a send waited send_timeout (500 ms)",
        match bad_read {
            Some(read) => format!("closed after {read} of the {sent} bytes said"),
            None => format!(
                "still open {SOON:?} after all {sent} bytes were said \
                 (no timeout around the send to the member?)"
            ),
        },
        ABUSE,
    );
}

#[test]
fn a_silent_member_is_idle_even_while_the_others_talk() {
    let mut limits = quick_limits();
    limits.idle_timeout = Duration::from_millis(300);
    let running = start(limits, None, ABUSE);
    let addr = running.addr;
    let code = run(SOON, "a silent member in a busy room", ABUSE, async move {
        let mut quiet = join(addr, "lobby", ABUSE).await;
        let mut talker = join(addr, "lobby", ABUSE).await;
        // The talker speaks every 50 ms, well within its own idle timeout;
        // the quiet member hears it all and says nothing.
        let talking = tokio::spawn(async move {
            for turn in 0.. {
                if talker.send(format!("turn {turn}")).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        let mut heard = 0;
        let until_closed = async {
            loop {
                match quiet.receive().await {
                    Ok(Some(_)) => heard += 1,
                    Ok(None) => break Ok(quiet.close_frame().map(|frame| frame.code)),
                    Err(error) => break Err(error.to_string()),
                }
            }
        };
        let waited = Duration::from_secs(2);
        let ended = match tokio::time::timeout(waited, until_closed).await {
            Ok(ended) => ended,
            Err(_) => Err(format!(
                "still open after {waited:?} (an idle deadline that starts \
                 again on every turn of the loop, not on the member's own \
                 messages?)"
            )),
        };
        talking.abort();
        (ended, heard)
    });
    let (code, heard) = code;
    expect_eq(
        code,
        Ok(Some(1001)),
        &format!(
            "the close code of a member that said nothing for 300 ms while \
             another spoke (it heard {heard} messages; hearing is not saying)"
        ),
        ABUSE,
    );
}

/// Raises this process's soft limit on open files to its hard limit, and
/// returns the limit now in force.
fn raise_fd_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => raised.current.unwrap_or(u64::MAX),
        Err(_) => limit.current.unwrap_or(u64::MAX),
    }
}

#[test]
fn thousands_of_connections_that_never_speak_do_not_keep_the_others_out() {
    // Each idle connection costs two descriptors here: the client's and the
    // server's, both in this test process.
    let fds = raise_fd_limit();
    let idle = 2000.min(fds.saturating_sub(200) as usize / 2);
    if idle < 2000 {
        eprintln!("NOTE: the open-file limit is {fds}: {idle} idle connections instead of 2000");
    }
    let mut limits = quick_limits();
    limits.websocket.handshake_timeout = Duration::from_secs(2);
    let handshake_timeout = limits.websocket.handshake_timeout;
    let running = start(limits, None, ABUSE);
    let addr = running.addr;
    // Opening 2000 connections takes seconds on a busy machine.
    let closed = run(
        SOON * 4,
        "thousands of idle connections",
        ABUSE,
        async move {
            let opened = Instant::now();
            let mut silent = Vec::with_capacity(idle);
            for _ in 0..idle {
                silent.push(TcpStream::connect(addr).await.expect("connect"));
            }
            good_clients_are_served(addr).await;
            // Past the handshake timeout, the server has closed every one.
            tokio::time::sleep_until((opened + handshake_timeout).into()).await;
            let mut closed = 0;
            for mut tcp in silent {
                closed += usize::from(until_closed(&mut tcp).await == Some(0));
            }
            closed
        },
    );
    expect_eq(
        closed,
        idle,
        "idle connections closed by the server after its handshake timeout",
        ABUSE,
    );
}

/// A member that reads nothing (its receive buffer 4 KiB, so the kernel
/// cannot hide the problem by taking megabytes for it) while alice says
/// `messages` lines of `size` bytes, each heard by bob and alice; after
/// `pause`, it reads: how many lines the two good members heard, and what
/// the silent one reads until its connection ends (None: still open).
fn never_reading_member(
    addr: std::net::SocketAddr,
    messages: usize,
    size: usize,
    pause: Duration,
) -> (usize, Option<usize>) {
    run(SOON * 3, "a member that never reads", ABUSE, async move {
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
        let mut bad = socket.connect(addr).await.expect("connect");
        handshaken(&mut bad).await;

        let mut alice = join(addr, "lobby", ABUSE).await;
        let mut bob = join(addr, "lobby", ABUSE).await;
        let line = "x".repeat(size);
        let mut heard = 0;
        for _ in 0..messages {
            alice.send(line.as_str()).await.expect("alice sends");
            heard += usize::from(next_text(&mut bob, "bob", ABUSE).await == line);
            heard += usize::from(next_text(&mut alice, "alice", ABUSE).await == line);
        }
        tokio::time::sleep(pause).await;
        // Now it reads: what was waiting for it, then the end.
        (heard, until_closed(&mut bad).await)
    })
}
