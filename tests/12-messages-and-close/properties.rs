//! Property tests for chapter 12: rules that must hold for any input, checked on many
//! inputs proptest generates. Run them with `cargo test -p chapter-12`.
//!
//! The expected results come from the standard library or are computed here from the
//! generated messages; chapter 11's reference codec builds and reads the frames.

mod script;

use chapter_12::{
    CloseFrame, Config, Connection, Event, ProtocolError, Role, Utf8Validator, parse_close_payload,
};
use frames::{Frame, OpCode};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use script::{KEY, close_code, fixed_config, frames_sent, from_peer};
use support::{Book, Section, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const UTF8: Section = BOOK.section("12.1 UTF-8 that arrives in pieces");
const CLOSE: Section = BOOK.section("12.2 Reading a close frame");
const PING: Section = BOOK.section("12.6 Ping and pong");
const LIMIT: Section = BOOK.section("12.8 A limit on message size");

/// Few enough cases to finish in a second or two; no regression files written into the
/// test folder (a failing case is printed instead).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `bytes` cut at the given positions (taken modulo its length, in any order).
fn cut<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// Text, some of it broken: valid UTF-8 with, sometimes, a byte replaced.
fn mostly_text() -> impl Strategy<Value = Vec<u8>> {
    (any::<String>(), any::<Option<(usize, u8)>>()).prop_map(|(text, change)| {
        let mut bytes = text.into_bytes();
        if let Some((at, byte)) = change
            && !bytes.is_empty()
        {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        bytes
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Exercise 12.1: whatever the cuts, the validator says what `std::str::from_utf8` says of
    /// the whole text, and it fails on the first piece after which no valid text can follow.
    #[test]
    fn utf8_validator_agrees_with_std_at_every_cut(
        text in mostly_text(),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        let pieces = cut(&text, &cuts);
        // What std says: the first piece whose end proves the text invalid.
        let mut expected = None;
        let mut end = 0;
        for (index, piece) in pieces.iter().enumerate() {
            end += piece.len();
            if let Err(e) = std::str::from_utf8(&text[..end])
                && e.error_len().is_some()
            {
                expected = Some(format!("feed() of piece {} fails", index + 1));
                break;
            }
        }
        let expected = expected.unwrap_or_else(|| match std::str::from_utf8(&text) {
            Ok(_) => "valid".to_string(),
            Err(_) => "finish() fails".to_string(),
        });

        let mut validator = Utf8Validator::new();
        let mut found = None;
        for (index, piece) in pieces.iter().enumerate() {
            if validator.feed(piece).is_err() {
                found = Some(format!("feed() of piece {} fails", index + 1));
                break;
            }
        }
        let found = found.unwrap_or_else(|| match validator.finish() {
            Ok(()) => "valid".to_string(),
            Err(_) => "finish() fails".to_string(),
        });
        expect_eq(
            found,
            expected,
            &format!("the validator on the pieces {pieces:02x?}"),
            UTF8,
        );
    }

    /// Exercise 12.2: a close payload built by hand from a valid code and any reason that
    /// fits reads back as that code and reason; any other code is refused.
    #[test]
    fn close_payload_reads_back_code_and_reason(
        code in any::<u16>(),
        reason in "\\PC{0,40}",
    ) {
        let valid = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason.as_bytes());
        let expected = if valid {
            Ok(CloseFrame { code, reason: reason.clone() })
        } else {
            Err(ProtocolError::InvalidCloseCode(code))
        };
        expect_eq(
            parse_close_payload(&payload),
            expected,
            &format!("parse_close_payload of code {code} and reason {reason:?}"),
            CLOSE,
        );
    }
}

/// A message as the peer sends it: its kind, its payload and where it is cut into
/// fragments, with a ping (or none) after each fragment.
#[derive(Clone, Debug)]
struct Message {
    text: bool,
    payload: Vec<u8>,
    cuts: Vec<usize>,
    pings: Vec<Option<Vec<u8>>>,
}

fn message() -> impl Strategy<Value = Message> {
    let payload = prop_oneof![
        any::<String>().prop_map(|s| (true, s.into_bytes())),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(|b| (false, b)),
    ];
    (
        payload,
        prop::collection::vec(any::<usize>(), 0..4),
        prop::collection::vec(
            prop::option::weighted(0.3, prop::collection::vec(any::<u8>(), 0..20)),
            5,
        ),
    )
        .prop_map(|((text, payload), cuts, pings)| Message {
            text,
            payload,
            cuts,
            pings,
        })
}

/// The bytes a client sends for `messages`, and the events a server must report for them.
fn conversation(messages: &[Message]) -> (Vec<u8>, Vec<Event>) {
    let mut bytes = Vec::new();
    let mut events = Vec::new();
    for message in messages {
        let fragments = cut(&message.payload, &message.cuts);
        let mut pings = message.pings.iter().flatten();
        for (index, fragment) in fragments.iter().enumerate() {
            let opcode = match (index, message.text) {
                (0, true) => OpCode::Text,
                (0, false) => OpCode::Binary,
                _ => OpCode::Continuation,
            };
            let last = index + 1 == fragments.len();
            bytes.extend(from_peer(Role::Server, last, opcode, fragment));
            if !last && let Some(ping) = pings.next() {
                bytes.extend(from_peer(Role::Server, true, OpCode::Ping, ping));
                events.push(Event::Ping(ping.clone()));
            }
        }
        events.push(if message.text {
            Event::Text(String::from_utf8(message.payload.clone()).unwrap())
        } else {
            Event::Binary(message.payload.clone())
        });
    }
    (bytes, events)
}

/// Feeds `bytes` in the pieces `cuts` makes; returns the events and what was sent.
fn run(role: Role, config: Config, bytes: &[u8], cuts: &[usize]) -> (Vec<Event>, Vec<u8>) {
    let mut connection = Connection::with_config(role, config);
    let mut events = Vec::new();
    let mut sent = Vec::new();
    for piece in cut(bytes, cuts) {
        connection.receive_data(piece);
        events.extend(connection.events());
        sent.extend(connection.data_to_send());
    }
    (events, sent)
}

/// One frame that may break any rule: any opcode, reserved bits, FIN, a mask or not, and a
/// payload of up to 140 bytes that may or may not be UTF-8.
fn raw_frame() -> impl Strategy<Value = Vec<u8>> {
    let opcode = prop_oneof![8 => prop::sample::select(vec![0u8, 1, 2, 8, 9, 10]), 1 => 0u8..16];
    let rsv = prop_oneof![9 => Just(0u8), 1 => (1u8..8).prop_map(|r| r << 4)];
    let payload = prop_oneof![mostly_text(), prop::collection::vec(any::<u8>(), 0..140),];
    (
        any::<bool>(),
        rsv,
        opcode,
        prop::bool::weighted(0.9),
        any::<[u8; 4]>(),
        payload,
    )
        .prop_map(|(fin, rsv, opcode, masked, key, payload)| {
            let mut bytes = vec![u8::from(fin) << 7 | rsv | opcode];
            let mask_bit = if masked { 0x80 } else { 0 };
            match payload.len() {
                len @ 0..=125 => bytes.push(mask_bit | len as u8),
                len => {
                    bytes.push(mask_bit | 126);
                    bytes.extend_from_slice(&(len as u16).to_be_bytes());
                }
            }
            if masked {
                bytes.extend_from_slice(&key);
                bytes.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
            } else {
                bytes.extend_from_slice(&payload);
            }
            bytes
        })
}

/// Frames, some broken, then maybe a few stray bytes.
fn hostile_stream() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(raw_frame(), 0..8),
        prop::collection::vec(any::<u8>(), 0..6),
    )
        .prop_map(|(frames, tail)| frames.concat().into_iter().chain(tail).collect())
}

proptest! {
    #![proptest_config(config(128))]

    /// Exercise 12.6: fragmented messages with pings between the fragments give the
    /// messages and the pings, in order, and one pong per ping, whatever the cuts
    /// between the reads.
    #[test]
    fn any_chunking_gives_the_same_messages_and_pongs(
        messages in prop::collection::vec(message(), 0..5),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let (bytes, expected) = conversation(&messages);
        let (events, sent) = run(Role::Server, fixed_config(), &bytes, &cuts);
        expect_eq(&events, &expected, "the events of a generated conversation", PING);
        let pongs: Vec<Vec<u8>> = frames_sent(Role::Server, &sent, PING)
            .into_iter()
            .map(|(frame, _)| {
                expect_eq(frame.opcode, OpCode::Pong, "the kind of frame sent", PING);
                frame.payload
            })
            .collect();
        let pings: Vec<Vec<u8>> = expected
            .iter()
            .filter_map(|e| match e { Event::Ping(p) => Some(p.clone()), _ => None })
            .collect();
        expect_eq(pongs, pings, "the payloads of the pongs sent, in order", PING);
    }

    /// Exercise 12.8: any bytes, cut anywhere, never make the connection panic; the cuts
    /// change nothing; nothing happens after a close or a failure, and at most one close
    /// frame is sent, as the last frame.
    #[test]
    fn hostile_bytes_never_panic_and_cuts_change_nothing(
        bytes in hostile_stream(),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
        client in any::<bool>(),
    ) {
        let role = if client { Role::Client } else { Role::Server };
        let config = Config { max_message: 100, fixed_mask: Some(KEY) };
        let whole = run(role, config.clone(), &bytes, &[]);
        let pieces = run(role, config, &bytes, &cuts);
        expect_eq(&pieces, &whole, "events and bytes sent, read in pieces vs at once", LIMIT);

        let (events, sent) = whole;
        let ends = events
            .iter()
            .position(|e| matches!(e, Event::Close { .. } | Event::Failed(_)));
        expect_that(
            ends.is_none_or(|at| at + 1 == events.len()),
            "the events after a Close or Failed event",
            "none",
            format!("{events:?}"),
            LIMIT,
        );
        let frames = frames_sent(role, &sent, LIMIT);
        let closes = frames.iter().filter(|(f, _)| f.opcode == OpCode::Close).count();
        let close_is_last = frames.last().is_none_or(|(f, _)| f.opcode == OpCode::Close) || closes == 0;
        expect_that(
            closes <= 1 && close_is_last,
            "the close frames sent",
            "at most one, and nothing after it",
            format!("{:?}", frames.iter().map(|(f, _)| f.opcode).collect::<Vec<_>>()),
            LIMIT,
        );
    }

    /// Exercise 12.8: a message over the limit fails with 1009 however it is fragmented;
    /// one within the limit arrives whole.
    #[test]
    fn size_limit_holds_however_the_message_is_fragmented(
        size in 0usize..140,
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        const MAX: usize = 64;
        let payload: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
        let fragments = cut(&payload, &cuts);
        let mut bytes = Vec::new();
        for (index, fragment) in fragments.iter().enumerate() {
            let opcode = if index == 0 { OpCode::Text } else { OpCode::Continuation };
            let fin = index + 1 == fragments.len();
            bytes.extend(from_peer(Role::Server, fin, opcode, fragment));
        }
        let config = Config { max_message: MAX, fixed_mask: Some(KEY) };
        let (events, sent) = run(Role::Server, config, &bytes, &[]);
        let closes: Vec<Option<u16>> = frames_sent(Role::Server, &sent, LIMIT)
            .into_iter()
            .map(|(frame, _): (Frame, _)| close_code(&frame.payload))
            .collect();
        let what = format!("a text of {size} bytes in {} fragments, limit {MAX}", fragments.len());
        if size > MAX {
            expect_eq(closes, vec![Some(1009)], &format!("the close frames sent for {what}"), LIMIT);
            expect_that(
                matches!(events.as_slice(), [Event::Failed(_)]),
                &format!("the events for {what}"),
                "one Event::Failed",
                format!("{events:?}"),
                LIMIT,
            );
        } else {
            expect_eq(closes, vec![], &format!("the close frames sent for {what}"), LIMIT);
            let text = String::from_utf8(payload).unwrap();
            expect_eq(events, vec![Event::Text(text)], &format!("the events for {what}"), LIMIT);
        }
    }
}
