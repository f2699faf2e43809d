//! Checks for chapter 12: what an I/O layer needs from the connection. Run
//! them with `cargo test -p chapter-12`.
//!
//! A socket delivers whatever has arrived: several messages and a close
//! frame in one read, or half a frame. These tests play such reads and check
//! that the application can still answer every message, that invalid text
//! fails as soon as it arrives, that a large frame leaves no large buffer
//! behind, and what the connection says about the socket's end.

mod script;

use chapter_12::{
    Config, Connection, Event, ProtocolError, Role, SendError, State,
};
use frames::{FrameError, OpCode};
use script::{
    KEY, answer_events, connection, events_of, frames_sent, from_peer,
    show_frame,
};
use support::{Book, Section, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const SENDING: Section = BOOK.section("12.3 Sending frames");
const FAILING: Section = BOOK.section("12.4 Failing the connection");
const REASSEMBLY: Section = BOOK.section("12.5 Reassembling messages");
const CLOSING: Section = BOOK.section("12.7 The closing handshake");
const LIMIT: Section = BOOK.section("12.8 A limit on message size");
const DRIVING: Section = BOOK.section("Driving the connection");

/// The frames in `bytes`, sent by a connection of role `us`, one line each.
fn shown(us: Role, bytes: &[u8], read: Section) -> Vec<String> {
    frames_sent(us, bytes, read)
        .iter()
        .map(|(frame, _)| show_frame(frame))
        .collect()
}

/// The peer's frames, all in one read, as `us` receives them.
fn one_read(us: Role, frames: &[(OpCode, &[u8])]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (opcode, payload) in frames {
        bytes.extend(from_peer(us, true, *opcode, payload));
    }
    bytes
}

/// Pulls every event, answering each text message with "re: " and its text,
/// the way an echo server does; `what` says what was received.
fn answer_every_message(
    connection: &mut Connection,
    what: &str,
) -> Vec<String> {
    let mut log = Vec::new();
    answer_events(connection, what, DRIVING, |connection, event| {
        if let Event::Text(text) = event {
            let answer = connection.send_text(format!("re: {text}"));
            log.push(format!("{event:?} -> send_text: {answer:?}"));
        } else {
            log.push(format!("{event:?}"));
        }
    });
    log
}

// ---------------------------------------------------------------- replies

// ANCHOR: answer_test
#[test]
fn every_message_before_a_close_can_be_answered() {
    for us in [Role::Server, Role::Client] {
        let mut connection = connection(us, Config::default());
        let close = 1000u16.to_be_bytes();
        connection.receive_data(&one_read(
            us,
            &[
                (OpCode::Text, b"one"),
                (OpCode::Binary, &[0x01, 0x02, 0xff]),
                (OpCode::Text, b"two"),
                (OpCode::Close, &close),
            ],
        ));
        expect_eq(
            answer_every_message(
                &mut connection,
                "\"one\", 01 02 ff, \"two\", close",
            ),
            vec![
                "Text(\"one\") -> send_text: Ok(())".to_string(),
                "Binary([01 02 ff])".to_string(),
                "Text(\"two\") -> send_text: Ok(())".to_string(),
                "Close { code: 1000, reason: \"\" }".to_string(),
            ],
            &format!(
                "the events of one read holding \"one\", 01 02 ff, \"two\" \
                 and a close frame ({us:?}), each text answered as it comes \
                 out"
            ),
            DRIVING,
        );
        expect_eq(
            shown(us, &connection.data_to_send(), DRIVING),
            vec![
                "text \"re: one\"".to_string(),
                "text \"re: two\"".to_string(),
                "close 1000".to_string(),
            ],
            &format!(
                "the frames sent ({us:?}): both answers, then the close \
                 frame that answers the peer's"
            ),
            CLOSING,
        );
    }
}

// ANCHOR_END: answer_test

#[test]
fn a_message_before_a_protocol_error_is_delivered_first() {
    let mut connection = connection(Role::Server, Config::default());
    let mut bytes = from_peer(Role::Server, true, OpCode::Text, b"hello");
    // Unmasked, as a server sends: a client must not (RFC 6455 5.1).
    bytes.extend(from_peer(Role::Client, true, OpCode::Text, b"bad"));
    connection.receive_data(&bytes);
    expect_eq(
        answer_every_message(&mut connection, "\"hello\", unmasked frame"),
        vec![
            "Text(\"hello\") -> send_text: Ok(())".to_string(),
            format!(
                "{:?}",
                Event::Failed(ProtocolError::Frame(
                    FrameError::UnmaskedFromClient
                ))
            ),
        ],
        "the events of one read holding \"hello\", then an unmasked frame",
        DRIVING,
    );
    expect_eq(
        shown(Role::Server, &connection.data_to_send(), FAILING),
        vec!["text \"re: hello\"".to_string(), "close 1002".to_string()],
        "the frames sent: the answer, then the close frame of the failure",
        FAILING,
    );
}

// ---------------------------------------------------------------- UTF-8

/// Feeds `bytes` one at a time, pulling events after each; returns how many
/// bytes had been fed when the connection failed, and the event.
fn fail_point(
    connection: &mut Connection,
    bytes: &[u8],
) -> (usize, Vec<Event>) {
    for (at, byte) in bytes.iter().enumerate() {
        connection.receive_data(&[*byte]);
        let what = format!("byte {} of {} fed on its own", at + 1, bytes.len());
        let events = events_of(connection, &what, REASSEMBLY);
        if !events.is_empty() {
            return (at + 1, events);
        }
    }
    (bytes.len(), Vec::new())
}

#[test]
fn invalid_utf8_fails_inside_a_frame_as_soon_as_it_arrives() {
    // 11 good bytes ("héllo, " and "€" cut nowhere), then a byte that no
    // UTF-8 text contains, then 100 more bytes the frame announces.
    let mut text = "héllo, €".as_bytes().to_vec();
    let good = text.len();
    text.push(0xff);
    text.extend([b'x'; 100]);
    for (us, fin, start) in [
        (Role::Server, true, OpCode::Text),
        (Role::Client, true, OpCode::Text),
        (Role::Server, false, OpCode::Text),
    ] {
        let mut connection = connection(us, Config::default());
        let mut bytes = Vec::new();
        let mut before = 0;
        if !fin {
            // The bad byte comes in the second fragment of a message.
            bytes = from_peer(us, false, start, b"first, ");
            before = bytes.len();
        }
        let opcode = if fin { start } else { OpCode::Continuation };
        let frame = from_peer(us, true, opcode, &text);
        let header = frame.len() - text.len();
        bytes.extend(frame);
        let (fed, events) = fail_point(&mut connection, &bytes);
        expect_eq(
            (fed, events),
            (
                before + header + good + 1,
                vec![Event::Failed(ProtocolError::InvalidUtf8)],
            ),
            &format!(
                "(bytes fed one at a time when an event came out, the \
                 events), for a {}-byte frame header, {good} good bytes, \
                 then ff ({us:?}{})",
                header,
                if fin { "" } else { ", second fragment" },
            ),
            REASSEMBLY,
        );
        expect_eq(
            shown(us, &connection.data_to_send(), REASSEMBLY),
            vec!["close 1007".to_string()],
            "the frames sent after invalid text",
            REASSEMBLY,
        );
    }
}

#[test]
fn a_code_point_cut_by_the_read_is_not_an_error_yet() {
    // "€" is e2 82 ac: after e2 or e2 82, the text may still be valid.
    let frame = from_peer(Role::Server, true, OpCode::Text, "a€b".as_bytes());
    let mut connection = connection(Role::Server, Config::default());
    let (fed, events) = fail_point(&mut connection, &frame);
    expect_eq(
        (fed, events),
        (frame.len(), vec![Event::Text("a€b".to_string())]),
        "(bytes fed one at a time when an event came out, the events) for \
         the text \"a€b\"",
        REASSEMBLY,
    );
}

#[test]
fn a_text_frame_cut_inside_a_code_point_leaves_no_trace() {
    // "a€" is 61 e2 82 ac; the first read ends after e2.
    let mut connection = connection(Role::Server, Config::default());
    let frame = from_peer(Role::Server, true, OpCode::Text, "a€".as_bytes());
    let cut = frame.len() - 2;
    let mut events = Vec::new();
    connection.receive_data(&frame[..cut]);
    events.extend(events_of(&mut connection, "\"a\" + e2", REASSEMBLY));
    connection.receive_data(&frame[cut..]);
    events.extend(events_of(&mut connection, "82 ac", REASSEMBLY));
    // Then a message in two fragments: checked from a clean start.
    connection.receive_data(&from_peer(
        Role::Server,
        false,
        OpCode::Text,
        b"x",
    ));
    connection.receive_data(&from_peer(
        Role::Server,
        true,
        OpCode::Continuation,
        b"y",
    ));
    events.extend(events_of(&mut connection, "\"x\" + \"y\"", REASSEMBLY));
    expect_eq(
        events,
        vec![Event::Text("a€".to_string()), Event::Text("xy".to_string())],
        "the events of \"a€\" read in two pieces cut inside \"€\", then \
         \"x\" + \"y\" in two fragments",
        REASSEMBLY,
    );
}

/// Text is checked as it arrives only while the message stays within the
/// limit: one byte over, the frame fails with 1009 once it is all there,
/// whatever its text (12.8 comes first).
#[test]
fn the_size_limit_comes_before_the_text_check() {
    let config = Config {
        max_message: 64,
        ..Config::default()
    };
    let first = from_peer(Role::Server, false, OpCode::Text, b"a");
    for (size, over) in [(64, true), (63, false)] {
        let mut payload = vec![b'x'; size];
        payload[0] = 0xff;
        let second =
            from_peer(Role::Server, true, OpCode::Continuation, &payload);
        let header = second.len() - size;
        let bytes = [first.clone(), second].concat();
        let expected = if over {
            let too_big = ProtocolError::MessageTooBig {
                size: 1 + size,
                max: 64,
            };
            (bytes.len(), vec![Event::Failed(too_big)])
        } else {
            let at_ff = first.len() + header + 1;
            (at_ff, vec![Event::Failed(ProtocolError::InvalidUtf8)])
        };
        let mut connection = connection(Role::Server, config.clone());
        expect_eq(
            fail_point(&mut connection, &bytes),
            expected,
            &format!(
                "(bytes fed one at a time when an event came out, the \
                 events) for \"a\", then a {size}-byte fragment that starts \
                 with ff, limit 64: {}",
                if over {
                    "over the limit, 1009 once the frame is all there"
                } else {
                    "at the limit, 1007 as soon as ff arrives"
                }
            ),
            LIMIT,
        );
    }
}

// ---------------------------------------------------------------- memory

/// What `buffer_capacity()` counts: the bytes received and not yet read, the
/// fragments of the message under way, and the bytes waiting to be sent.
#[test]
fn buffer_capacity_counts_every_buffer() {
    let mut connection = connection(Role::Server, Config::default());
    let fragment =
        from_peer(Role::Server, false, OpCode::Binary, &[1; 16 << 10]);
    connection.receive_data(&fragment);
    let events = events_of(&mut connection, "a 16 KiB fragment", DRIVING);
    let half =
        from_peer(Role::Server, true, OpCode::Continuation, &[2; 64 << 10]);
    connection.receive_data(&half[..32 << 10]);
    let sent = connection.send_binary(vec![3; 100 << 10]);
    let least = (16 + 32 + 100) << 10;
    let capacity = connection.buffer_capacity();
    expect_that(
        events.is_empty()
            && sent.is_ok()
            && (least..2 * least).contains(&capacity),
        "buffer_capacity() holding a 16 KiB fragment, 32 KiB of the next \
         and a 100 KiB message to send",
        &format!(
            "no events, send_binary Ok, and the sum of the three buffers: \
             at least {least} bytes, less than {}",
            2 * least
        ),
        format!(
            "{} events, send_binary {sent:?}, {capacity} bytes",
            events.len()
        ),
        DRIVING,
    );
}

/// After the end (a failure, or both close frames), bytes that still arrive
/// are dropped, not stored: nothing will ever read them.
#[test]
fn nothing_is_kept_after_the_end() {
    let close = 1000u16.to_be_bytes();
    let unmasked = from_peer(Role::Client, true, OpCode::Text, b"bad");
    for (end, bytes) in [
        (
            "the peer's close frame",
            from_peer(Role::Server, true, OpCode::Close, &close),
        ),
        ("an unmasked frame", unmasked),
    ] {
        let mut connection = connection(Role::Server, Config::default());
        connection.receive_data(&bytes);
        events_of(&mut connection, end, DRIVING);
        let before = connection.buffer_capacity();
        connection.receive_data(&[0x81; 64 << 10]);
        let after = connection.buffer_capacity();
        let next = connection.next_event();
        expect_that(
            after <= before && next.is_none(),
            &format!("64 KiB received after {end}"),
            &format!(
                "dropped: buffer_capacity() stays at {before} bytes, and \
                 next_event() None"
            ),
            format!("{after} bytes, and next_event() {next:?}"),
            DRIVING,
        );
    }
}

#[test]
fn a_large_frame_leaves_no_large_buffer_behind() {
    const SIZE: usize = 16 << 20;
    let payload = vec![0x5a; SIZE];
    let wire = from_peer(Role::Server, true, OpCode::Binary, &payload);
    let mut connection = connection(Role::Server, Config::default());
    let mut received = 0;
    for piece in wire.chunks(64 << 10) {
        connection.receive_data(piece);
        let what = "a piece of a 16 MiB frame";
        for event in events_of(&mut connection, what, DRIVING) {
            if let Event::Binary(data) = event {
                received += data.len();
            }
        }
    }
    expect_eq(received, SIZE, "bytes of binary messages received", DRIVING);
    expect_that(
        connection.buffer_capacity() <= 8 << 10,
        "buffer_capacity() of an idle connection after a 16 MiB frame",
        "at most 8 KiB: the receive buffer shrinks once drained",
        format!("{} bytes", connection.buffer_capacity()),
        DRIVING,
    );
}

// ---------------------------------------------------------------- the end

#[test]
fn the_socket_ending_early_is_reported_as_1006() {
    for us in [Role::Server, Role::Client] {
        let mut connection = connection(us, Config::default());
        let mut bytes = from_peer(us, true, OpCode::Text, b"last words");
        // Half of a frame: the socket ends inside it.
        bytes.extend(&from_peer(us, true, OpCode::Text, b"cut off")[..4]);
        connection.receive_data(&bytes);
        connection.receive_eof();
        let what = "a message, half a frame and the socket's end";
        expect_eq(
            events_of(&mut connection, what, DRIVING),
            vec![
                Event::Text("last words".to_string()),
                Event::Close {
                    code: 1006,
                    reason: String::new(),
                },
            ],
            &format!(
                "the events after a message, half a frame, and the socket's \
                 end ({us:?})"
            ),
            DRIVING,
        );
        expect_eq(
            (connection.state(), connection.should_close_tcp()),
            (State::Closed, true),
            &format!("(state(), should_close_tcp()) after that ({us:?})"),
            DRIVING,
        );
        support::expect_bytes(
            &connection.data_to_send(),
            &[],
            "the bytes to send to a socket that has ended",
            DRIVING,
        );
    }
}

#[test]
fn the_server_closes_tcp_and_the_client_waits_for_it() {
    let close = 1000u16.to_be_bytes();
    let mut table = Vec::new();
    for us in [Role::Server, Role::Client] {
        let mut connection = connection(us, Config::default());
        let mut row = |step: &str, connection: &Connection| {
            table.push(format!(
                "{us:?} {step}: close_expected {}, should_close_tcp {}",
                connection.close_expected(),
                connection.should_close_tcp()
            ));
        };
        row("open", &connection);
        connection.receive_data(&from_peer(us, true, OpCode::Close, &close));
        let close_event = connection.next_event();
        row("after the peer's close", &connection);
        connection.receive_eof();
        let after_eof = connection.next_event();
        row("after the socket's end", &connection);
        expect_eq(
            (close_event, after_eof),
            (
                Some(Event::Close {
                    code: 1000,
                    reason: String::new(),
                }),
                None,
            ),
            &format!(
                "the events of a close frame, then of the socket's end: a \
                 clean end adds none ({us:?})"
            ),
            CLOSING,
        );
    }
    expect_eq(
        table,
        vec![
            "Server open: close_expected false, should_close_tcp false",
            "Server after the peer's close: close_expected true, \
             should_close_tcp true",
            "Server after the socket's end: close_expected true, \
             should_close_tcp true",
            "Client open: close_expected false, should_close_tcp false",
            "Client after the peer's close: close_expected true, \
             should_close_tcp false",
            "Client after the socket's end: close_expected true, \
             should_close_tcp true",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>(),
        "what the connection says about the socket (RFC 6455 7.1.1: the \
         server closes TCP first)",
        DRIVING,
    );
}

#[test]
fn after_our_close_the_socket_is_expected_to_end() {
    let mut connection = connection(Role::Client, Config::default());
    expect_eq(
        connection.close(1001, "bye"),
        Ok(()),
        "close(1001, \"bye\")",
        CLOSING,
    );
    expect_eq(
        (connection.close_expected(), connection.should_close_tcp()),
        (true, false),
        "(close_expected(), should_close_tcp()) of a client after its close",
        DRIVING,
    );
    connection.receive_eof();
    expect_eq(
        (connection.next_event(), connection.should_close_tcp()),
        (
            Some(Event::Close {
                code: 1006,
                reason: String::new(),
            }),
            true,
        ),
        "(next_event(), should_close_tcp()) when the socket ends before the \
         peer's close frame came",
        DRIVING,
    );
}

// ---------------------------------------------------------------- sending

#[test]
fn a_message_can_be_sent_in_fragments() {
    let mut connection = connection(Role::Server, Config::default());
    let results = vec![
        connection.send_fragment(OpCode::Text, "Hel", false),
        connection.send_text("not now"),
        connection.send_fragment(OpCode::Binary, vec![1], false),
        connection.send_fragment(OpCode::Ping, vec![1], false),
        connection.send_ping(b"?"),
        connection.send_fragment(OpCode::Text, "lo", true),
        connection.send_binary(vec![1, 2]),
    ];
    expect_eq(
        results,
        vec![
            Ok(()),
            Err(SendError::MessageUnderWay),
            Err(SendError::MessageUnderWay),
            Err(SendError::NotAMessage(OpCode::Ping)),
            Ok(()),
            Ok(()),
            Ok(()),
        ],
        "send_fragment(Text, \"Hel\", false), send_text, \
         send_fragment(Binary, ..), send_fragment(Ping, ..), send_ping, \
         send_fragment(Text, \"lo\", true), send_binary",
        SENDING,
    );
    expect_eq(
        shown(Role::Server, &connection.data_to_send(), SENDING),
        vec![
            "text FIN=0 \"Hel\"".to_string(),
            "ping \"?\"".to_string(),
            "continuation \"lo\"".to_string(),
            "binary [01 02]".to_string(),
        ],
        "the frames sent",
        SENDING,
    );
}

#[test]
fn a_client_masks_every_fragment() {
    let mut connection = connection(Role::Client, Config::default());
    let results = [
        connection.send_fragment(OpCode::Binary, vec![0; 3], false),
        connection.send_fragment(OpCode::Binary, vec![0; 3], true),
    ];
    expect_eq(
        results,
        [Ok(()), Ok(())],
        "two fragments of a binary message",
        SENDING,
    );
    let bytes = connection.data_to_send();
    // Masked zeros are the key itself.
    let mut expected = vec![0x02, 0x83];
    expected.extend(KEY);
    expected.extend(&KEY[..3]);
    expected.extend([0x80, 0x83]);
    expected.extend(KEY);
    expected.extend(&KEY[..3]);
    support::expect_bytes(
        &bytes,
        &expected,
        "a client's two fragments of 3 zero bytes, masked",
        SENDING,
    );
}

// ---------------------------------------------------------------- limits

#[test]
fn the_frame_limit_is_separate_from_the_message_limit() {
    let config = Config {
        max_frame: 200,
        max_message: 500,
    };
    let mut connection = connection(Role::Server, config.clone());
    let mut bytes = from_peer(Role::Server, false, OpCode::Binary, &[1; 200]);
    bytes.extend(from_peer(
        Role::Server,
        true,
        OpCode::Continuation,
        &[2; 200],
    ));
    connection.receive_data(&bytes);
    let what = "two 200-byte fragments";
    let events: Vec<String> = events_of(&mut connection, what, LIMIT)
        .into_iter()
        .map(|e| match e {
            Event::Binary(data) => format!("Binary of {} bytes", data.len()),
            other => format!("{other:?}"),
        })
        .collect();
    expect_eq(
        events,
        vec!["Binary of 400 bytes".to_string()],
        "a message of two 200-byte frames, max_frame 200, max_message 500",
        LIMIT,
    );
    let mut connection = connection_with(config);
    let wire = from_peer(Role::Server, true, OpCode::Binary, &[1; 201]);
    // The header alone: the frame is refused before its payload arrives.
    connection.receive_data(&wire[..8]);
    expect_eq(
        connection.next_event(),
        Some(Event::Failed(ProtocolError::Frame(FrameError::TooLarge {
            length: 201,
            max: 200,
        }))),
        "the header of a frame of 201 bytes, max_frame 200",
        LIMIT,
    );
}

fn connection_with(config: Config) -> Connection {
    connection(Role::Server, config)
}
