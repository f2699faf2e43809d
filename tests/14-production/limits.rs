//! Chapter 14: the limits a server sets, each with a name and a default.

mod serving;

use std::net::SocketAddr;
use std::time::Duration;

use chapter_14::chat::room_of;
use serving::*;
use support::tokio::{run, within_async};
use support::{Book, Section, expect_eq, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use websocket::Message;

const BOOK: Book = Book::page("ch14-production.md");
const LIMITS: Section = BOOK.section("14.3 Limits a server must set");
/// The close codes and the idle timeout are the member's (exercise 14.4).
const MEMBER: Section = BOOK.section("14.4 Abuse, while good clients are served");

const REQUEST: &str = "GET /chat/lobby HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// Writes `request` on a new connection and returns the first line of the
/// answer ("" when the server closed without one).
async fn status_line(addr: SocketAddr, request: &[u8]) -> String {
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    // The server may answer and close before reading it all: that is fine.
    let _ = tcp.write_all(request).await;
    let mut answer = Vec::new();
    let mut chunk = [0; 1024];
    while !answer.windows(2).any(|w| w == b"\r\n") {
        match tcp.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().unwrap_or_default().to_string()
}

/// Far longer than a refusal takes on loopback.
const REFUSED_WITHIN: Duration = Duration::from_secs(2);

#[test]
fn connections_over_the_limit_get_503_before_their_handshake() {
    let mut limits = quick_limits();
    limits.max_connections = 2;
    let running = start(limits, None, LIMITS);
    let addr = running.addr;
    let (third, after_one_left) = run(
        SOON * 2,
        "a third client when two are the limit",
        LIMITS,
        async move {
            let alice = join(addr, "lobby", LIMITS).await;
            let _bob = join(addr, "lobby", LIMITS).await;
            let third = status_line(addr, REQUEST.as_bytes());
            let third = match tokio::time::timeout(REFUSED_WITHIN, third).await {
                Ok(line) => line,
                Err(_) => format!(
                    "no answer within {REFUSED_WITHIN:?} (waiting for a slot \
                     instead of refusing?)"
                ),
            };
            // Alice leaves: her slot is free once the server saw her go.
            drop(alice);
            let again = async {
                loop {
                    let line = status_line(addr, REQUEST.as_bytes()).await;
                    if !line.contains("503") {
                        return line;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            };
            let after =
                within_async(SOON, "a slot to be freed when a client left", LIMITS, again).await;
            (third, after)
        },
    );
    expect_that(
        third == "HTTP/1.1 503 Service Unavailable",
        "the answer to a third client while two hold the slots (max_connections = 2)",
        "an immediate HTTP/1.1 503 Service Unavailable",
        &third,
        LIMITS,
    );
    expect_eq(
        after_one_left.as_str(),
        "HTTP/1.1 101 Switching Protocols",
        "the answer once one of the two left",
        LIMITS,
    );
}

#[test]
fn a_room_name_is_1_to_64_letters_digits_dashes_and_underscores() {
    let longest = format!("/chat/{}", "r".repeat(64));
    let too_long = format!("/chat/{}", "r".repeat(65));
    let cases = [
        ("/chat/lobby", Some("lobby")),
        ("/chat/Rust_2024-fr", Some("Rust_2024-fr")),
        (longest.as_str(), Some(&longest[6..])),
        (too_long.as_str(), None),
        ("/chat/", None),
        ("/chat/../etc", None),
        ("/chat/a b", None),
        ("/chat/caf\u{e9}", None),
        ("/chat/lobby?x=1", None),
        ("/lobby", None),
    ];
    for (target, expected) in cases {
        expect_eq(
            room_of(target),
            expected,
            &format!("room_of({target:?})"),
            LIMITS,
        );
    }
}

#[test]
fn a_request_head_over_8_kib_gets_431() {
    let running = start(quick_limits(), None, LIMITS);
    let addr = running.addr;
    let mut request = REQUEST.replace("\r\n\r\n", "\r\nCookie: ");
    request.push_str(&"a".repeat(9 * 1024));
    request.push_str("\r\n\r\n");
    let line = run(SOON, "a request with a 9 KiB cookie", LIMITS, async move {
        status_line(addr, request.as_bytes()).await
    });
    expect_eq(
        line.as_str(),
        "HTTP/1.1 431 Request Header Fields Too Large",
        "the answer to a 9 KiB head",
        LIMITS,
    );
}

#[test]
fn a_target_that_is_not_a_room_gets_404() {
    let running = start(quick_limits(), None, LIMITS);
    let addr = running.addr;
    let request = REQUEST.replace("/chat/lobby", "/chat/../etc");
    let line = run(SOON, "a request for /chat/../etc", LIMITS, async move {
        status_line(addr, request.as_bytes()).await
    });
    expect_eq(
        line.as_str(),
        "HTTP/1.1 404 Not Found",
        "the answer to a target that names no room",
        LIMITS,
    );
}

#[test]
fn a_member_that_says_nothing_for_the_idle_timeout_is_closed_with_1001() {
    let mut limits = quick_limits();
    limits.idle_timeout = Duration::from_millis(300);
    let running = start(limits, None, MEMBER);
    let addr = running.addr;
    let code = run(SOON, "a member that says nothing", MEMBER, async move {
        let mut quiet = join(addr, "lobby", MEMBER).await;
        let ended = within_async(
            SOON,
            "the server to close an idle member",
            MEMBER,
            quiet.receive(),
        )
        .await;
        match ended {
            Ok(None) => quiet.close_frame().map(|frame| frame.code),
            other => panic!("expected the end of the connection, found {other:?}"),
        }
    });
    expect_eq(
        code,
        Some(1001),
        "the close code an idle member gets",
        MEMBER,
    );
}

#[test]
fn a_message_over_the_limit_ends_the_connection_with_1009() {
    let running = start(quick_limits(), None, MEMBER);
    let addr = running.addr;
    let code = run(SOON, "a member sending 65 KiB", MEMBER, async move {
        let mut big = join(addr, "lobby", MEMBER).await;
        let _ = big.send("x".repeat(65 * 1024)).await;
        loop {
            match within_async(SOON, "the server's close", MEMBER, big.receive()).await {
                Ok(Some(_)) => continue,
                _ => break big.close_frame().map(|frame| frame.code),
            }
        }
    });
    expect_eq(
        code,
        Some(1009),
        "the close code for a message over max_message (64 KiB)",
        MEMBER,
    );
}

#[test]
fn a_binary_message_ends_the_connection_with_1003() {
    let running = start(quick_limits(), None, MEMBER);
    let addr = running.addr;
    let code = run(SOON, "a member sending binary", MEMBER, async move {
        let mut member = join(addr, "lobby", MEMBER).await;
        member
            .send(Message::Binary(vec![1, 2, 3]))
            .await
            .expect("send");
        loop {
            match within_async(SOON, "the server's close", MEMBER, member.receive()).await {
                Ok(Some(_)) => continue,
                _ => break member.close_frame().map(|frame| frame.code),
            }
        }
    });
    expect_eq(
        code,
        Some(1003),
        "the close code for a binary message in a text chat",
        MEMBER,
    );
}
