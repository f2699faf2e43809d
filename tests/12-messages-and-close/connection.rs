//! Checks for chapter 12, exercises 12.3 to 12.8: the connection. Run them with
//! `cargo test -p chapter-12`.
//!
//! Each test plays a conversation: the peer's frames are built with
//! chapter 11's reference codec, fed to the connection, and what
//! comes out (events, and the frames in `data_to_send`, read back
//! with the same codec) is checked and kept as a transcript snapshot
//! under `tests/12-messages-and-close/snapshots/`.

mod script;

use chapter_12::{
    Config, Connection, Event, ProtocolError, Role, SendError, State,
};
use frames::{FrameError, OpCode};
use script::{KEY, Script, close_code, connection, frames_sent, from_peer};
use support::{Book, Section, expect_bytes, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const SENDING: Section = BOOK.section("12.3 Sending frames");
const FAILING: Section = BOOK.section("12.4 Failing the connection");
const REASSEMBLY: Section = BOOK.section("12.5 Reassembling messages");
const PING: Section = BOOK.section("12.6 Ping and pong");
const CLOSING: Section = BOOK.section("12.7 The closing handshake");
const LIMIT: Section = BOOK.section("12.8 A limit on message size");

fn server() -> Script {
    Script::new(Role::Server, Config::default(), FAILING)
}

/// The close codes of the close frames in `script.sent`, in order.
fn close_codes_sent(script: &Script) -> Vec<Option<u16>> {
    script
        .sent
        .iter()
        .filter(|f| f.opcode == OpCode::Close)
        .map(|f| close_code(&f.payload))
        .collect()
}

// ---------------------------------------------------------------- 12.3
// Sending frames

#[test]
fn server_sends_unmasked_frames() {
    let mut server = Connection::new(Role::Server);
    expect_eq(
        server.send_text("Hello"),
        Ok(()),
        "send_text(\"Hello\")",
        SENDING,
    );
    // RFC 6455 section 5.7: "A single-frame unmasked text message".
    expect_bytes(
        &server.data_to_send(),
        &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
        "the bytes of a server's send_text(\"Hello\")",
        SENDING,
    );
    expect_bytes(
        &server.data_to_send(),
        &[],
        "data_to_send() called a second time: each byte is returned once",
        SENDING,
    );
    let mut script = Script::new(Role::Server, Config::default(), SENDING);
    script
        .app("send_binary([1, 2, 3])", |c| c.send_binary([1, 2, 3]))
        .app("send_ping(b\"are you there?\")", |c| {
            c.send_ping(b"are you there?")
        })
        .app("send_ping(&[0; 126])", |c| c.send_ping(&[0; 126]))
        .app("send_text(\"\")", |c| c.send_text(""));
    support::assert_snapshot!(SENDING, script.transcript());
}

#[test]
fn client_masks_with_the_key_it_is_given() {
    let mut client = connection(Role::Client, Config::default());
    expect_eq(
        client.send_text("Hello"),
        Ok(()),
        "send_text(\"Hello\")",
        SENDING,
    );
    // RFC 6455 section 5.7: "A single-frame masked text message", key 37 fa
    // 21 3d.
    expect_bytes(
        &client.data_to_send(),
        &[
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ],
        "the bytes of a client's send_text(\"Hello\") with the RFC's key",
        SENDING,
    );
    let mut script = Script::new(Role::Client, Config::default(), SENDING);
    script.app("send_binary([0; 200])", |c| c.send_binary([0; 200]));
    support::assert_snapshot!(SENDING, script.transcript());
}

#[test]
fn client_picks_a_fresh_key_for_every_frame() {
    let mut client = Connection::new(Role::Client);
    for text in ["one", "two", "three", "four"] {
        expect_eq(client.send_text(text), Ok(()), "send_text()", SENDING);
    }
    let bytes = client.data_to_send();
    let sent = frames_sent(Role::Client, &bytes, SENDING);
    let texts: Vec<&[u8]> =
        sent.iter().map(|(f, _)| f.payload.as_slice()).collect();
    expect_eq(
        texts,
        vec![&b"one"[..], b"two", b"three", b"four"],
        "the four frames a client sent, unmasked by the server",
        SENDING,
    );
    // The key sits after the 2 header bytes of these short frames.
    let keys: Vec<&[u8]> = sent
        .iter()
        .map(|(_, r)| &bytes[r.start + 2..r.start + 6])
        .collect();
    expect_that(
        keys.windows(2).any(|pair| pair[0] != pair[1]),
        "the masking keys of four frames from a client without a fixed key",
        "a new random key for each frame (RFC 6455 section 5.3)",
        format!("{keys:02x?}"),
        SENDING,
    );
}

// ---------------------------------------------------------------- 12.4 Failing

#[test]
fn close_code_of_every_protocol_error() {
    let cases = [
        (ProtocolError::Frame(FrameError::ReservedOpcode(3)), 1002),
        (ProtocolError::Frame(FrameError::UnmaskedFromClient), 1002),
        (
            ProtocolError::Frame(FrameError::TooLarge {
                length: 11,
                max: 10,
            }),
            1009,
        ),
        (ProtocolError::ContinuationWithoutStart, 1002),
        (ProtocolError::MessageNotFinished, 1002),
        (ProtocolError::InvalidUtf8, 1007),
        (ProtocolError::CloseTooShort, 1002),
        (ProtocolError::InvalidCloseCode(1005), 1002),
        (ProtocolError::MessageTooBig { size: 11, max: 10 }, 1009),
    ];
    for (error, code) in cases {
        expect_eq(
            error.close_code(),
            code,
            &format!("close_code() of {error:?}"),
            FAILING,
        );
    }
}

/// Every error says what went wrong in words: these texts reach logs and
/// people.
#[test]
fn errors_explain_themselves() {
    let protocol = [
        ProtocolError::Frame(FrameError::ReservedOpcode(3)),
        ProtocolError::ContinuationWithoutStart,
        ProtocolError::MessageNotFinished,
        ProtocolError::InvalidUtf8,
        ProtocolError::CloseTooShort,
        ProtocolError::InvalidCloseCode(1005),
        ProtocolError::MessageTooBig { size: 11, max: 10 },
    ];
    let mut shown = String::new();
    for error in protocol {
        shown.push_str(&format!("{} {error}\n", error.close_code()));
    }
    let send = [
        SendError::Closed,
        SendError::InvalidCloseCode(1006),
        SendError::ControlTooLong(126),
        SendError::MessageUnderWay,
        SendError::NotAMessage(OpCode::Ping),
    ];
    for error in send {
        shown.push_str(&format!("send: {error}\n"));
    }
    shown.push_str(&format!("utf8: {}\n", chapter_12::InvalidUtf8));
    support::assert_snapshot!(FAILING, shown);
}

// ANCHOR: frame_errors_test
#[test]
fn every_frame_error_fails_with_its_close_code() {
    let masked =
        |bytes: &[u8]| from_peer(Role::Server, true, OpCode::Text, bytes);
    let mut reserved_bit = masked(b"hi");
    reserved_bit[0] |= 0x40; // RSV1, with no extension agreed
    let mut reserved_opcode = masked(b"hi");
    reserved_opcode[0] = 0x83;
    let mut long_ping = from_peer(Role::Server, true, OpCode::Ping, &[0; 126]);
    long_ping.truncate(8);
    let fragmented_ping = from_peer(Role::Server, false, OpCode::Ping, b"hi");
    let unmasked = from_peer(Role::Client, true, OpCode::Text, b"hi");
    let top_bit = [
        0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x37, 0xfa, 0x21, 0x3d,
    ];
    // Only the header (2 bytes, a 16-bit length, the mask): the limit must be
    // enforced before any payload arrives.
    let mut too_big = masked(&[0; 201]);
    too_big.truncate(8);

    let cases: [(&str, Role, Vec<u8>); 8] = [
        ("RSV1 set", Role::Server, reserved_bit),
        ("reserved opcode 0x3", Role::Server, reserved_opcode),
        ("ping of 126 bytes", Role::Server, long_ping),
        ("ping with FIN=0", Role::Server, fragmented_ping),
        (
            "unmasked frame from a client",
            Role::Server,
            unmasked.clone(),
        ),
        ("masked frame from a server", Role::Client, masked(b"hi")),
        ("64-bit length, top bit set", Role::Server, top_bit.to_vec()),
        ("201 bytes over a limit of 200", Role::Server, too_big),
    ];
    let mut table = String::new();
    for (name, role, bytes) in cases {
        let config = Config {
            max_message: 200,
            ..Config::default()
        };
        let mut script = Script::new(role, config, FAILING);
        script.peer_bytes(name, &bytes);
        let expected_code = if name.contains("limit") { 1009 } else { 1002 };
        expect_eq(
            close_codes_sent(&script),
            vec![Some(expected_code)],
            &format!("the close frames sent after: {name}"),
            FAILING,
        );
        expect_that(
            matches!(
                script.events.as_slice(),
                [Event::Failed(ProtocolError::Frame(_))]
            ),
            &format!("the events after: {name}"),
            "exactly one Event::Failed(ProtocolError::Frame(..))",
            format!("{:?}", script.events),
            FAILING,
        );
        table.push_str(&script.transcript());
        table.push('\n');
    }
    support::assert_snapshot!(FAILING, table);
}
// ANCHOR_END: frame_errors_test

#[test]
fn a_failed_connection_reads_and_sends_nothing_more() {
    let mut script = server();
    let mut bytes = from_peer(Role::Client, true, OpCode::Text, b"unmasked");
    bytes.extend(from_peer(Role::Server, true, OpCode::Text, b"never read"));
    script
        .peer_bytes("an unmasked frame, then a good one", &bytes)
        .peer(true, OpCode::Text, b"nor this")
        .peer(true, OpCode::Ping, b"nor this ping")
        .app("send_text(\"late\")", |c| c.send_text("late"));
    expect_eq(
        script.events.len(),
        1,
        "the number of events after a failure and more frames",
        FAILING,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1002)],
        "the close frames sent",
        FAILING,
    );
    expect_eq(script.sent.len(), 1, "the frames sent in all", FAILING);
    expect_eq(
        script.connection.state(),
        State::Closed,
        "state() after a failure",
        FAILING,
    );
    support::assert_snapshot!(FAILING, script.transcript());
}

/// After our own close frame, a broken frame from the peer still fails the
/// connection, but the close frame that says why would be a second one:
/// nothing may follow a close frame (RFC 6455 section 5.5.1), so ours stays
/// the only one.
#[test]
fn a_failure_after_our_close_sends_no_second_close_frame() {
    let unmasked = from_peer(Role::Client, true, OpCode::Text, b"hi");
    let mut reserved_opcode =
        from_peer(Role::Client, true, OpCode::Text, b"hi");
    reserved_opcode[0] = 0x83;
    let cases = [
        ("unmasked frame from a client", Role::Server, unmasked),
        ("reserved opcode 0x3", Role::Client, reserved_opcode),
    ];
    let mut table = String::new();
    for (name, role, bytes) in cases {
        let mut script = Script::new(role, Config::default(), FAILING);
        script
            .app("close(1000, \"done\")", |c| c.close(1000, "done"))
            .peer_bytes(name, &bytes);
        expect_eq(
            close_codes_sent(&script),
            vec![Some(1000)],
            &format!(
                "the close frames sent in all: close(1000), then the peer's {name}"
            ),
            FAILING,
        );
        expect_eq(
            script.sent.len(),
            1,
            &format!("the frames sent in all after close(1000) and a {name}"),
            FAILING,
        );
        expect_that(
            matches!(
                script.events.as_slice(),
                [Event::Failed(ProtocolError::Frame(_))]
            ),
            &format!("the events after close(1000) and a {name}"),
            "exactly one Event::Failed(ProtocolError::Frame(..))",
            format!("{:?}", script.events),
            FAILING,
        );
        expect_eq(
            script.connection.state(),
            State::Closed,
            &format!("state() after close(1000) and a {name}"),
            FAILING,
        );
        table.push_str(&script.transcript());
        table.push('\n');
    }
    support::assert_snapshot!(FAILING, table);
}

// ----------------------------------------------------------------
// 12.5 Reassembly

#[test]
fn fragmented_messages_are_reassembled() {
    let mut script = server();
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
    let mut script = server();
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
    let mut script = server();
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
        let mut script = server();
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
    let mut script = server();
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
    let mut script = server();
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
    let mut script = server();
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
    let mut script = server();
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
    let mut script = server();
    script.peer(true, OpCode::Pong, b"heartbeat");
    expect_eq(
        script.events.clone(),
        vec![Event::Pong(b"heartbeat".to_vec())],
        "the events after a pong nobody asked for",
        PING,
    );
    expect_eq(script.sent.len(), 0, "the frames sent in reply", PING);
}

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
        "the events",
        CLOSING,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1000)],
        "the close frames we sent: the echo of the peer's",
        CLOSING,
    );
    expect_eq(script.sent.len(), 1, "the frames sent in all", CLOSING);
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
    expect_eq(script.sent.len(), 1, "the frames sent in all", CLOSING);
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
