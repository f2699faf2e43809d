//! The grader's own words, snapshotted: every message a reader can see when a check fails.
//! Review changes to these snapshots as you would review text in the book.

use std::net::SocketAddr;
use std::panic;
use std::time::Duration;

use support::hex::{self, Annotated, Hex};
use support::redact::{self, Names};
use support::{Book, deadline, expect_bytes, expect_eq, expect_that};

const CH01: Book = Book::page("ch01-creating-sockets.md");
const CH02: Book = Book::page("ch02-binding-and-listening.md");
const CH03: Book = Book::page("ch03-connecting-and-accepting.md");
const CH04: Book = Book::page("ch04-byte-streams.md");
const CH11: Book = Book::page("ch11-frames.md");

/// Runs `check` and returns the message it failed with.
fn failure_of(check: impl FnOnce() + panic::UnwindSafe) -> String {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(check);
    panic::set_hook(hook);
    let payload = result.expect_err("the check was expected to fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("a panic message")
}

/// An unsolved exercise: what `todo!("...")` in a chapter stub looks like.
fn unsolved_exercise() -> u32 {
    todo!("create an IPv4 TCP socket with socket2")
}

#[test]
fn an_unsolved_exercise_fails_with_its_task() {
    let message = failure_of(|| {
        unsolved_exercise();
    });
    insta::assert_snapshot!(message, @"not yet implemented: create an IPv4 TCP socket with socket2");
}

#[test]
fn an_unsolved_exercise_under_a_deadline_keeps_its_message() {
    let message = failure_of(|| {
        deadline::within(
            deadline::DEFAULT,
            "echo one client",
            CH01.section("1.1 A TCP socket"),
            unsolved_exercise,
        );
    });
    insta::assert_snapshot!(message, @"not yet implemented: create an IPv4 TCP socket with socket2");
}

#[test]
fn a_blocked_exercise_fails_after_its_deadline() {
    let message = failure_of(|| {
        deadline::within(
            Duration::from_millis(50),
            "accept one connection",
            CH03.section("3.2 Accepting"),
            || std::thread::sleep(Duration::from_secs(60)),
        );
    });
    insta::assert_snapshot!(message);
}

#[test]
fn a_wrong_value() {
    let message = failure_of(|| {
        expect_eq(
            "Datagram",
            "Stream",
            "the type of the socket tcp_socket() returns",
            CH01.section("1.1 A TCP socket"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn a_rule_that_does_not_hold() {
    let message = failure_of(|| {
        expect_that(
            false,
            "the port local_port() reports after binding to port 0",
            "a port chosen by the kernel, never 0",
            "port 0",
            CH02.section("2.1 Port 0"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn an_output_that_differs_from_its_snapshot() {
    let message = failure_of(|| {
        support::report::snapshot_differs(CH01.section("1.3 What kind of socket is this?"))
    });
    insta::assert_snapshot!(message);
}

#[test]
fn bytes_that_differ_show_a_caret_under_the_first_difference() {
    let expected = b"\x81\x05Hello";
    let found = b"\x81\x85Hello";
    let message = failure_of(|| {
        expect_bytes(
            found,
            expected,
            "an unmasked text frame",
            CH11.section("11.3 Encoding"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn a_difference_far_into_a_long_message_shows_its_row() {
    let expected: Vec<u8> = (0..40).collect();
    let mut found = expected.clone();
    found[35] = 0xff;
    insta::assert_snapshot!(hex::diff(&expected, &found).unwrap());
}

#[test]
fn bytes_that_end_early() {
    insta::assert_snapshot!(hex::diff(b"GET / HTTP/1.1\r\n", b"GET / HTTP/1.1").unwrap());
}

#[test]
fn equal_bytes_have_no_diff() {
    assert_eq!(hex::diff(b"same", b"same"), None);
}

#[test]
fn a_plain_dump() {
    insta::assert_snapshot!(hex::dump(
        b"GET /chat HTTP/1.1\r\nHost: example.com\r\n\r\n"
    ));
}

#[test]
fn an_annotated_dump() {
    let mut frame = vec![0x82, 0x7e, 0x01, 0x00];
    frame.extend(std::iter::repeat_n(0xab, 256));
    let dump = Annotated::new(&frame)
        .field(1, "FIN=1, opcode=2 (binary)")
        .field(1, "MASK=0, length 126: a 16-bit length follows")
        .field(2, "length 256")
        .rest("payload")
        .render();
    insta::assert_snapshot!(dump);
}

#[test]
fn an_annotated_dump_that_runs_short_says_so() {
    let dump = Annotated::new(&[0x81, 0x05, b'H'])
        .field(1, "FIN=1, opcode=1 (text)")
        .field(1, "MASK=0, length 5")
        .field(5, "payload")
        .render();
    insta::assert_snapshot!(dump);
}

#[test]
fn ports_and_named_addresses_are_redacted() {
    let server: SocketAddr = "127.0.0.1:40211".parse().unwrap();
    let client: SocketAddr = "127.0.0.1:51234".parse().unwrap();
    let text = "accepted 127.0.0.1:51234 on 127.0.0.1:40211; also [::1]:8080 and [::ffff:127.0.0.1]:9 but not 12:30 or HTTP/1.1:200";
    insta::assert_snapshot!(
        Names::new().name(server, "server").name(client, "client").apply(text),
        @"accepted [client] on [server]; also [::1]:[port] and [::ffff:127.0.0.1]:[port] but not 12:30 or HTTP/1.1:200"
    );
}

#[test]
fn file_descriptors_are_redacted() {
    assert_eq!(
        redact::fds("socket fd 3, fd=17, fdx 4"),
        "socket fd [fd], fd=[fd], fdx 4"
    );
}

#[test]
fn bytes_in_a_checked_value_show_in_hex() {
    let message = failure_of(|| {
        expect_eq(
            Some(Hex(vec![0x81, 0x85])),
            Some(Hex(vec![0x81, 0x05])),
            "the first two bytes of the frame",
            CH11.section("11.3 Encoding"),
        )
    });
    insta::assert_snapshot!(message, @r#"
    check failed: the first two bytes of the frame
      expected: Some([81 05])
         found: Some([81 85])
          read: book/src/ch11-frames.md, section "11.3 Encoding"
    "#);
}

#[test]
fn a_failing_read_names_its_call_the_peer_and_what_came_before() {
    let message = failure_of(|| {
        let mut replies = vec![
            Err("unexpected end of file"),
            Ok(Some("two words")),
            Ok(Some("hello")),
        ];
        support::reads::read_all(
            "read_frame()",
            "the peer writes one byte at a time",
            CH04.section("4.4 Framing by length"),
            || replies.pop().unwrap(),
            |message| message.to_string(),
        );
    });
    insta::assert_snapshot!(message);
}

#[test]
fn read_all_gives_every_message_until_the_end() {
    let mut replies = vec![Ok::<_, String>(None), Ok(Some(2)), Ok(Some(1))];
    let read = support::reads::read_all(
        "next()",
        "the peer writes all at once",
        CH04.section("4.3 Framing by delimiter"),
        || replies.pop().unwrap(),
        |n| n.to_string(),
    );
    assert_eq!(read, ["1", "2"]);
}

#[test]
fn lost_messages_come_with_their_likely_cause() {
    let message = failure_of(|| {
        support::reads::expect_messages(
            &["hello", "and the last one"],
            &["hello", "", "two words", "and the last one"],
            "the messages next_line() read from a peer that sends them all in one write",
            "the rest of a read was not kept: the bytes after a delimiter\n\
             are the start of the next message",
            CH04.section("4.3 Framing by delimiter"),
        )
    });
    insta::assert_snapshot!(message);
}

#[test]
fn wrong_messages_have_no_likely_cause() {
    let message = failure_of(|| {
        support::reads::expect_messages(
            &["hellp"],
            &["hello"],
            "the messages",
            "not shown",
            CH04.section("4.3 Framing by delimiter"),
        )
    });
    assert!(!message.contains("Likely cause"), "{message}");
}
