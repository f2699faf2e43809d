//! Checks for chapter 12, exercises 12.5 and 12.6: reassembling messages, pings and pongs. Run them with
//! `cargo test -p chapter-12`.
//!
//! Each test plays a conversation: the peer's frames are built with
//! chapter 11's reference codec, fed to the connection, and what comes out
//! (events, and the frames in `data_to_send`, read back with the same codec)
//! is checked and kept as a transcript snapshot under
//! `tests/12-messages-and-close/snapshots/`.

mod script;

use chapter_12::{Config, Event, ProtocolError, Role};
use frames::OpCode;
use script::*;
use support::{Book, Section, expect_bytes, expect_eq};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const REASSEMBLY: Section = BOOK.section("12.5 Reassembling messages");
const PING: Section = BOOK.section("12.6 Ping and pong");

// ----------------------------------------------------------------
// 12.5 Reassembly

#[test]
fn fragmented_messages_are_reassembled() {
    let mut script = server(REASSEMBLY);
    script
        .peer(false, OpCode::Text, b"Hel")
        .peer(true, OpCode::Continuation, b"lo")
        .peer(false, OpCode::Binary, &[1, 2])
        .peer(false, OpCode::Continuation, &[])
        .peer(true, OpCode::Continuation, &[3])
        .peer(true, OpCode::Text, b"one frame");
    expect_eq(
        script.events.clone(),
        vec![
            Event::Text("Hello".into()),
            Event::Binary(vec![1, 2, 3]),
            Event::Text("one frame".into()),
        ],
        "the events of \"Hel\" + \"lo\", then [1, 2] + [] + [3], then a whole text",
        REASSEMBLY,
    );
    support::assert_snapshot!(REASSEMBLY, script.transcript());
}

#[test]
fn a_code_point_cut_between_fragments_is_accepted() {
    let mut script = server(REASSEMBLY);
    // "€" is e2 82 ac: one byte per fragment.
    script
        .peer(false, OpCode::Text, b"\xe2")
        .peer(false, OpCode::Continuation, b"\x82")
        .peer(true, OpCode::Continuation, b"\xac = 1 euro");
    expect_eq(
        script.events.clone(),
        vec![Event::Text("€ = 1 euro".into())],
        "the events of a text whose first code point is cut into three fragments",
        REASSEMBLY,
    );
}

// ANCHOR: fail_fast_connection_test
#[test]
fn invalid_utf8_fails_before_the_message_ends() {
    let mut script = server(REASSEMBLY);
    script.peer(false, OpCode::Text, "κόσμε".as_bytes()).peer(
        false,
        OpCode::Continuation,
        b"\xed\xa0\x80",
    );
    // The message is not finished, yet the connection has failed already.
    expect_eq(
        script.events.clone(),
        vec![Event::Failed(ProtocolError::InvalidUtf8)],
        "the events after a fragment with a UTF-16 surrogate (ed a0 80)",
        REASSEMBLY,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1007)],
        "the close frames sent",
        REASSEMBLY,
    );
    script.peer(true, OpCode::Continuation, b"edited");
    support::assert_snapshot!(REASSEMBLY, script.transcript());
}
// ANCHOR_END: fail_fast_connection_test

#[test]
fn text_that_ends_inside_a_code_point_fails() {
    for fragmented in [false, true] {
        let mut script = server(REASSEMBLY);
        if fragmented {
            script.peer(false, OpCode::Text, b"caf\xc3").peer(
                true,
                OpCode::Continuation,
                b"",
            );
        } else {
            script.peer(true, OpCode::Text, b"caf\xc3");
        }
        expect_eq(
            close_codes_sent(&script),
            vec![Some(1007)],
            &format!(
                "the close frames sent after \"caf\" + c3 (fragmented: {fragmented})"
            ),
            REASSEMBLY,
        );
    }
}

#[test]
fn binary_messages_are_not_checked_for_utf8() {
    let mut script = server(REASSEMBLY);
    script.peer(false, OpCode::Binary, b"\xed\xa0").peer(
        true,
        OpCode::Continuation,
        b"\x80\xc3",
    );
    expect_eq(
        script.events.clone(),
        vec![Event::Binary(vec![0xed, 0xa0, 0x80, 0xc3])],
        "the events of a binary message that is not UTF-8",
        REASSEMBLY,
    );
}

#[test]
fn continuation_without_a_start_fails() {
    let mut script = server(REASSEMBLY);
    script.peer(true, OpCode::Text, b"done").peer(
        true,
        OpCode::Continuation,
        b"more?",
    );
    expect_eq(
        script.events.last(),
        Some(&Event::Failed(ProtocolError::ContinuationWithoutStart)),
        "the last event after a continuation frame with no message going on",
        REASSEMBLY,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1002)],
        "the close frames sent",
        REASSEMBLY,
    );
    support::assert_snapshot!(REASSEMBLY, script.transcript());
}

#[test]
fn a_new_message_inside_a_message_fails() {
    let mut script = server(REASSEMBLY);
    script.peer(false, OpCode::Text, b"first ").peer(
        true,
        OpCode::Binary,
        b"second",
    );
    expect_eq(
        script.events.clone(),
        vec![Event::Failed(ProtocolError::MessageNotFinished)],
        "the events after a binary frame in the middle of a text message",
        REASSEMBLY,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1002)],
        "the close frames sent",
        REASSEMBLY,
    );
    support::assert_snapshot!(REASSEMBLY, script.transcript());
}

// ---------------------------------------------------------------- 12.6 Ping
// and pong

// ANCHOR: ping_test
#[test]
fn fragmented_text_with_a_ping_in_the_middle() {
    let mut script = server(PING);
    script
        .peer(false, OpCode::Text, b"Hel")
        .peer(true, OpCode::Ping, b"are you there?")
        .peer(true, OpCode::Continuation, b"lo");
    expect_eq(
        script.events.clone(),
        vec![
            Event::Ping(b"are you there?".to_vec()),
            Event::Text("Hello".into()),
        ],
        "the events of \"Hel\", a ping, \"lo\"",
        PING,
    );
    support::assert_snapshot!(PING, script.transcript());
}
// ANCHOR_END: ping_test

#[test]
fn a_pong_waits_in_data_to_send_at_once() {
    for (role, payload) in
        [(Role::Server, vec![]), (Role::Client, vec![7; 125])]
    {
        let mut connection = connection(role, Config::default());
        connection.receive_data(&from_peer(role, true, OpCode::Ping, &payload));
        expect_eq(
            connection.next_event(),
            Some(Event::Ping(payload.clone())),
            "next_event() after a ping arrived",
            PING,
        );
        // What the peer must receive: a pong with the same payload, masked if
        // we are a client.
        let mut expected = Vec::new();
        let mask = (role == Role::Client).then_some(KEY);
        frames::encode(
            &frames::Frame {
                fin: true,
                opcode: OpCode::Pong,
                payload: payload.clone(),
            },
            mask,
            &mut expected,
        );
        expect_bytes(
            &connection.data_to_send(),
            &expected,
            &format!(
                "data_to_send() right after a ping of {} bytes ({role:?})",
                payload.len()
            ),
            PING,
        );
    }
}

#[test]
fn an_unsolicited_pong_is_reported_not_answered() {
    let mut script = server(PING);
    script.peer(true, OpCode::Pong, b"heartbeat");
    expect_eq(
        script.events.clone(),
        vec![Event::Pong(b"heartbeat".to_vec())],
        "the events after a pong nobody asked for",
        PING,
    );
    expect_eq(
        script.frames_shown(),
        vec![],
        "the frames sent in reply: none, a pong is never answered",
        PING,
    );
}
