//! Checks for chapter 12, exercises 12.3 and 12.4: sending frames, and failing the connection. Run them with
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
use frames::{FrameError, OpCode};
use script::*;
use support::{Book, Section, expect_bytes, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const SENDING: Section = BOOK.section("12.3 Sending frames");
const FAILING: Section = BOOK.section("12.4 Failing the connection");

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
    let mut script = server(FAILING);
    let mut bytes = from_peer(Role::Client, true, OpCode::Text, b"unmasked");
    bytes.extend(from_peer(Role::Server, true, OpCode::Text, b"never read"));
    script
        .peer_bytes("an unmasked frame, then a good one", &bytes)
        .peer(true, OpCode::Text, b"nor this")
        .peer(true, OpCode::Ping, b"nor this ping")
        .app("send_text(\"late\")", |c| c.send_text("late"));
    expect_eq(
        script.events_shown(),
        vec!["Failed(Frame(UnmaskedFromClient))".to_string()],
        "the events after a failure and more frames: the failure only",
        FAILING,
    );
    expect_eq(
        close_codes_sent(&script),
        vec![Some(1002)],
        "the close frames sent",
        FAILING,
    );
    expect_eq(
        script.frames_shown(),
        vec!["close 1002".to_string()],
        "the frames sent in all: the close frame of the failure, then \
         nothing",
        FAILING,
    );
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
            script.frames_shown(),
            vec!["close 1000 \"done\"".to_string()],
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
