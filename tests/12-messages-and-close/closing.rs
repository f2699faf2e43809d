//! Checks for chapter 12, exercises 12.7 and 12.8: the closing handshake, and the limit on message size. Run them with
//! `cargo test -p chapter-12`.
//!
//! Each test plays a conversation: the peer's frames are built with
//! chapter 11's reference codec, fed to the connection, and what comes out
//! (events, and the frames in `data_to_send`, read back with the same codec)
//! is checked and kept as a transcript snapshot under
//! `tests/12-messages-and-close/snapshots/`.

mod script;

use chapter_12::{
    Config, Connection, Event, ProtocolError, Role, SendError, State,
};
use frames::OpCode;
use script::*;
use support::{Book, Section, expect_bytes, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const CLOSING: Section = BOOK.section("12.7 The closing handshake");
const LIMIT: Section = BOOK.section("12.8 A limit on message size");

// ---------------------------------------------------------------- 12.7 Closing

// ANCHOR: peer_closes_test
#[test]
fn the_peer_closes_first() {
    let mut script = Script::new(Role::Server, Config::default(), CLOSING);
    script
        .peer(true, OpCode::Text, b"last words")
        .peer(true, OpCode::Close, b"\x03\xe8bye")
        .peer(true, OpCode::Text, b"after the close")
        .app("send_text(\"too late\")", |c| c.send_text("too late"))
        .app("close(1000, \"\")", |c| c.close(1000, ""));
    expect_eq(
        script.events.clone(),
        vec![
            Event::Text("last words".into()),
            Event::Close {
                code: 1000,
                reason: "bye".into(),
            },
        ],
        "the events of a text, the peer's close frame, then a text sent \
         after it: nothing is read after a close frame",
        CLOSING,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1000)],
        "the close frames we sent: the echo of the peer's",
        CLOSING,
    );
    expect_eq(
        script.frames_shown(),
        vec!["close 1000 \"bye\"".to_string()],
        "the frames sent in all: the echo, then nothing",
        CLOSING,
    );
    support::assert_snapshot!(CLOSING, script.transcript());
}
// ANCHOR_END: peer_closes_test

#[test]
fn we_close_first() {
    let mut script = Script::new(Role::Client, Config::default(), CLOSING);
    script
        .app("close(1001, \"going away\")", |c| {
            c.close(1001, "going away")
        })
        .app("state()", |c| c.state())
        .app("send_text(\"one more\")", |c| c.send_text("one more"))
        .app("close(1000, \"\")", |c| c.close(1000, ""))
        .peer(true, OpCode::Text, b"still in flight")
        .peer(true, OpCode::Ping, b"?")
        .peer(true, OpCode::Close, b"\x03\xe9");
    expect_eq(
        script.events.clone(),
        vec![
            Event::Text("still in flight".into()),
            Event::Ping(b"?".to_vec()),
            Event::Close {
                code: 1001,
                reason: String::new(),
            },
        ],
        "the events after our close",
        CLOSING,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1001)],
        "the close frames we sent (ours, and no echo)",
        CLOSING,
    );
    expect_eq(
        script.frames_shown(),
        vec!["close 1001 \"going away\"".to_string()],
        "the frames sent in all: our close frame, then nothing (no pong \
         after it, and no echo)",
        CLOSING,
    );
    expect_eq(
        script.connection.state(),
        State::Closed,
        "state() after both close frames",
        CLOSING,
    );
    support::assert_snapshot!(CLOSING, script.transcript());
}

#[test]
fn close_refuses_what_may_not_be_sent() {
    let mut connection = Connection::new(Role::Server);
    let long = "x".repeat(124);
    for (call, result, expected) in [
        (
            "close(1005, \"\")",
            connection.close(1005, ""),
            SendError::InvalidCloseCode(1005),
        ),
        (
            "close(999, \"\")",
            connection.close(999, ""),
            SendError::InvalidCloseCode(999),
        ),
        (
            "close(1000, <124 bytes>)",
            connection.close(1000, &long),
            SendError::ControlTooLong(126),
        ),
    ] {
        expect_eq(result, Err(expected), call, CLOSING);
    }
    expect_eq(
        connection.state(),
        State::Open,
        "state() after refused closes",
        CLOSING,
    );
    expect_bytes(
        &connection.data_to_send(),
        &[],
        "bytes queued by refused closes",
        CLOSING,
    );
    expect_eq(
        connection.close(4000, ""),
        Ok(()),
        "close(4000, \"\")",
        CLOSING,
    );
    expect_eq(
        connection.close(1000, ""),
        Err(SendError::Closed),
        "a second close()",
        CLOSING,
    );
}

/// The limits of RFC 6455 section 5.5, to the byte: a control frame carries
/// at most 125 bytes, so a close reason at most 123 after the code.
#[test]
fn control_frame_limits_are_exact() {
    let mut connection = Connection::new(Role::Server);
    let results = [
        connection.send_ping(&[0; 125]),
        connection.send_ping(&[0; 126]),
        connection.close(1000, &"x".repeat(124)),
        connection.close(1000, &"x".repeat(123)),
    ];
    expect_eq(
        results,
        [
            Ok(()),
            Err(SendError::ControlTooLong(126)),
            Err(SendError::ControlTooLong(126)),
            Ok(()),
        ],
        "send_ping() of 125 and 126 bytes, then close() with reasons of 124 \
         and 123 bytes",
        CLOSING,
    );
    let sent: Vec<(OpCode, usize)> =
        frames_sent(Role::Server, &connection.data_to_send(), CLOSING)
            .into_iter()
            .map(|(frame, _)| (frame.opcode, frame.payload.len()))
            .collect();
    expect_eq(
        sent,
        vec![(OpCode::Ping, 125), (OpCode::Close, 125)],
        "(opcode, payload length) of the frames sent",
        CLOSING,
    );
}

#[test]
fn bad_close_frames_fail_and_good_ones_are_echoed() {
    let cases: [(&str, &[u8]); 8] = [
        ("no payload", b""),
        ("code 3000", b"\x0b\xb8"),
        ("code 4999, reason \"é\"", b"\x13\x87\xc3\xa9"),
        ("a 1-byte payload", b"\x03"),
        ("code 1005", b"\x03\xed"),
        ("code 999", b"\x03\xe7"),
        ("code 5000", b"\x13\x88"),
        ("code 1000, reason not UTF-8", b"\x03\xe8\xff"),
    ];
    let mut table = String::new();
    for (name, payload) in cases {
        let mut script = Script::new(Role::Server, Config::default(), CLOSING);
        script.peer(true, OpCode::Close, payload);
        let expected = match payload {
            [] => None,
            [_] | [3, 0xed] | [3, 0xe7] | [0x13, 0x88] => Some(1002),
            [3, 0xe8, 0xff] => Some(1007),
            _ => close_code(payload),
        };
        expect_eq(
            close_codes_sent(&script),
            vec![expected],
            &format!("the close frame sent after a close frame with {name}"),
            CLOSING,
        );
        table.push_str(&script.transcript());
        table.push('\n');
    }
    support::assert_snapshot!(CLOSING, table);
}

// ---------------------------------------------------------------- 12.8
// Size limit

/// The message limit is for messages: a ping or close of up to 125 bytes is
/// always valid (RFC 6455 section 5.5), even when the limit is smaller.
#[test]
fn control_frames_are_not_held_to_a_small_message_limit() {
    let config = Config {
        max_message: 10,
        ..Config::default()
    };
    let mut script = Script::new(Role::Server, config, LIMIT);
    script.peer(true, OpCode::Ping, &[b'p'; 20]);
    let pong = script.sent.last().map(|f| (f.opcode, f.payload.len()));
    expect_eq(
        pong,
        Some((OpCode::Pong, 20)),
        "the frame sent after a 20-byte ping, with a message limit of 10",
        LIMIT,
    );
}

#[test]
fn a_message_over_the_limit_fails_with_1009() {
    let config = Config {
        max_message: 10,
        ..Config::default()
    };
    let mut script = Script::new(Role::Server, config, LIMIT);
    script
        .peer(true, OpCode::Text, b"0123456789")
        .peer(false, OpCode::Text, b"01234")
        .peer(true, OpCode::Continuation, b"56789")
        .peer(false, OpCode::Binary, b"0123")
        .peer(false, OpCode::Continuation, b"4567")
        .peer(true, OpCode::Continuation, b"89a");
    expect_eq(
        script.events.last(),
        Some(&Event::Failed(ProtocolError::MessageTooBig {
            size: 11,
            max: 10,
        })),
        "the last event after fragments of 4 + 4 + 3 bytes with a limit of 10",
        LIMIT,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1009)],
        "the close frames sent",
        LIMIT,
    );
    support::assert_snapshot!(LIMIT, script.transcript());
}

/// The fragment that takes a message over the limit is refused before it
/// joins the fragments so far: however a peer fragments a message, the
/// connection never holds more of it than the limit.
#[test]
fn a_fragment_over_the_limit_is_refused_before_it_is_stored() {
    const FRAGMENT: usize = 600 << 10;
    let config = Config {
        max_message: 1 << 20,
        ..Config::default()
    };
    let mut connection = connection(Role::Server, config);
    let first = from_peer(Role::Server, false, OpCode::Binary, &[1; FRAGMENT]);
    connection.receive_data(&first);
    let mut events = events_of(&mut connection, "a 600 KiB fragment", LIMIT);
    let before = connection.buffer_capacity();
    let second =
        from_peer(Role::Server, true, OpCode::Continuation, &[2; FRAGMENT]);
    connection.receive_data(&second);
    events.extend(events_of(&mut connection, "a second one", LIMIT));
    let too_big = Event::Failed(ProtocolError::MessageTooBig {
        size: 2 * FRAGMENT,
        max: 1 << 20,
    });
    expect_eq(
        events.iter().map(show_event).collect::<Vec<_>>(),
        vec![show_event(&too_big)],
        "the events of two 600 KiB fragments with a limit of 1 MiB",
        LIMIT,
    );
    let after = connection.buffer_capacity();
    expect_that(
        after <= before + 1024,
        "buffer_capacity() after the second 600 KiB fragment failed the \
         connection",
        &format!(
            "at most {before} bytes + 1 KiB, as before it arrived: the \
             fragment is refused before it is copied into the fragments so \
             far (check_message_size first)"
        ),
        format!("{after} bytes"),
        LIMIT,
    );
}
