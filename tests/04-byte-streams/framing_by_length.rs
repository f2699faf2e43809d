//! Checks for chapter 4, sections 4.4 and 4.5: framing by length, and a
//! deadline for the whole message. Run them with `cargo test -p chapter-4`.
//!
//! The peers in `peers.rs` cut what they send on purpose: one byte per write,
//! or many messages in one write. Correct framing code returns the same
//! messages either way. The tests build the bytes they expect themselves, never
//! with another exercise's code.

mod peers;

use std::io::{self, Cursor, Read, Write};
use std::time::{Duration, Instant};

use chapter_4::{Deadline, HEADER_LEN, read_frame, write_frame};
use peers::{
    Cut, Interrupting, MESSAGES, Recorder, Reset, kind, messages, outcome, text,
};
use socket2::SockRef;
use support::hex::{Annotated, hex_bytes};
use support::net;
use support::reads::{self, expect_messages};
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch04-byte-streams.md");
const LENGTH_PREFIX: Section = BOOK.section("4.4 Framing by length");
const MESSAGE_DEADLINE: Section =
    BOOK.section("4.5 A deadline for the whole message");

/// The test's own length-prefixed frame: a big-endian u32 length, then the
/// payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

// ---------------------------------------------------------------- 4.4 frames

fn frames_on_the_wire() -> Vec<u8> {
    MESSAGES.iter().flat_map(|m| frame(m)).collect()
}

/// What loses payloads in `read_frame`, said when a check finds some missing.
const FRAMES_LOST: &str = "read_frame() read past the end of its frame \
                           and dropped the next one's\nbytes: read exactly \
                           the 4 header bytes, then exactly the payload\n\
                           (fill), never into a larger buffer";

/// Every payload `read_frame` gives, until it says the stream has ended, from a
/// peer that writes the frames cut as `cut`.
fn all_frames(cut: Cut, read: Section) -> Vec<String> {
    let stream = peers::sends(&frames_on_the_wire(), cut);
    deadline::within(deadline::DEFAULT, "read_frame()", read, move || {
        let mut stream = stream;
        reads::read_all(
            "read_frame()",
            cut.peer(),
            read,
            || read_frame(&mut stream, 1024),
            |payload| String::from_utf8_lossy(payload).into_owned(),
        )
    })
}

#[test]
fn frames_from_one_byte_writes() {
    expect_messages(
        &all_frames(Cut::OneByteWrites, LENGTH_PREFIX),
        &messages(),
        "the payloads read_frame() read from a peer that sends one byte per write",
        FRAMES_LOST,
        LENGTH_PREFIX,
    );
}

#[test]
fn frames_from_one_merged_write() {
    expect_messages(
        &all_frames(Cut::OneWrite, LENGTH_PREFIX),
        &messages(),
        "the payloads read_frame() read from a peer that sends them all in one write",
        FRAMES_LOST,
        LENGTH_PREFIX,
    );
}

// ANCHOR: frame_layout_test
#[test]
fn write_frame_layout() {
    let mut wire = Vec::new();
    for payload in [&b"hello"[..], b"", b"bytes, not messages"] {
        expect_ok(
            write_frame(&mut wire, payload),
            &format!("write_frame() of {}", text(payload)),
            "the length and the payload written",
            LENGTH_PREFIX,
        );
    }
    let expected =
        [frame(b"hello"), frame(b""), frame(b"bytes, not messages")].concat();
    expect_bytes(
        &wire,
        &expected,
        "the bytes write_frame() wrote",
        LENGTH_PREFIX,
    );
    let dump = Annotated::new(&wire)
        .field(HEADER_LEN, "length 5, big-endian u32")
        .field(5, "payload \"hello\"")
        .field(HEADER_LEN, "length 0: an empty message is a frame too")
        .field(HEADER_LEN, "length 19 (0x13)")
        .field(19, "payload \"bytes, not messages\"")
        .render();
    support::assert_snapshot!(LENGTH_PREFIX, dump);
}
// ANCHOR_END: frame_layout_test

#[test]
fn read_frame_refuses_a_length_over_the_limit() {
    // A header that announces 1 GiB, and no payload: a reader that believed it
    // would set aside 1 GiB, then wait for bytes that never come.
    let (reading, mut writing) = net::connected_pair();
    writing.write_all(&(1u32 << 30).to_be_bytes()).unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        move || outcome(read_frame(&mut &reading, 1024)),
    );
    expect_eq(
        result,
        Err(io::ErrorKind::InvalidData),
        "read_frame() with limit 1024 of a header announcing 1 GiB",
        LENGTH_PREFIX,
    );
}

#[test]
fn read_frame_accepts_a_frame_exactly_as_long_as_the_limit() {
    let wire = frame(&[b'x'; 16]);
    let result = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        move || outcome(read_frame(&mut Cursor::new(wire), 16)),
    );
    expect_eq(
        result,
        Ok(Some("x".repeat(16))),
        "read_frame() with limit 16 of a 16-byte frame (only a length over \
         max_len is refused)",
        LENGTH_PREFIX,
    );
}

#[test]
fn read_frame_asks_again_after_an_interrupted_read() {
    let payloads = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        || {
            let wire = Cursor::new(frames_on_the_wire());
            let mut reader = Interrupting::new(wire);
            let mut read = Vec::new();
            loop {
                match outcome(read_frame(&mut reader, 1024)) {
                    Ok(Some(payload)) => read.push(payload),
                    Ok(None) => return Ok(read),
                    Err(kind) => return Err((read, kind)),
                }
            }
        },
    );
    expect_eq(
        payloads,
        Ok(messages()),
        "the payloads read_frame() read from a reader interrupted before every \
         other read, the first byte of each frame included (Interrupted means \
         read again)",
        LENGTH_PREFIX,
    );
}

#[test]
fn read_frame_passes_other_errors_on() {
    let result = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        || {
            let mut reader = Reset::new(Cursor::new(frame(b"hello")));
            outcome(read_frame(&mut reader, 1024))
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionReset),
        "read_frame() from a reader whose first read fails with \
         ConnectionReset (only Interrupted means read again; return any other \
         error)",
        LENGTH_PREFIX,
    );
}

#[test]
fn write_frame_sends_header_and_payload_in_one_write() {
    let mut writer = Recorder::default();
    expect_ok(
        write_frame(&mut writer, b"hello"),
        "write_frame() of \"hello\"",
        "the length and the payload written",
        LENGTH_PREFIX,
    );
    expect_eq(
        writer
            .writes
            .iter()
            .map(|w| hex_bytes(w))
            .collect::<Vec<_>>(),
        vec![hex_bytes(&frame(b"hello"))],
        "the write calls write_frame(\"hello\") made, in hex: one, with the header and the \
         payload (two writes may leave as two packets)",
        LENGTH_PREFIX,
    );
}

#[test]
fn read_frame_end_inside_a_frame_is_unexpected_eof() {
    let whole = frame(b"hello");
    for cut in [2, HEADER_LEN + 3] {
        let reader = Cursor::new(whole[..cut].to_vec());
        let result = deadline::within(
            deadline::DEFAULT,
            "read_frame()",
            LENGTH_PREFIX,
            move || {
                let mut reader = reader;
                outcome(read_frame(&mut reader, 1024))
            },
        );
        expect_eq(
            result,
            Err(io::ErrorKind::UnexpectedEof),
            &format!(
                "read_frame() when the stream ends after {cut} of the frame's 9 bytes"
            ),
            LENGTH_PREFIX,
        );
    }
}

// ---------------------------------------------------------------- 4.5 deadline

// ANCHOR: stall_test
#[test]
fn deadline_ends_a_read_from_a_peer_that_stalls_mid_frame() {
    let (reading, mut writing) = net::connected_pair();
    // The header and "he", then nothing.
    writing.write_all(&frame(b"hello")[..6]).unwrap();
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut whole_frame = [0; 9];
            kind(Deadline::new(&reading, limit).read_exact(&mut whole_frame))
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "reading a 9-byte frame through a 300 ms Deadline from a peer that \
         sends 6 bytes and stalls",
        MESSAGE_DEADLINE,
    );
    expect_that(
        waited >= limit && waited < Duration::from_secs(2),
        "how long the Deadline of 300 ms took to give up",
        "300 ms, and not much more",
        format!("{waited:?}"),
        MESSAGE_DEADLINE,
    );
    drop(writing); // the stalled peer stays connected until here
}
// ANCHOR_END: stall_test

#[test]
fn deadline_covers_the_whole_message_not_each_read() {
    // One byte every 100 ms: each MESSAGE_DEADLINE returns quickly, the message
    // takes 1.6 s.
    let (reading, _stop) =
        peers::dribbles(b"0123456789abcdef", Duration::from_millis(100));
    let limit = Duration::from_millis(500);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut message = [0; 16];
            kind(Deadline::new(&reading, limit).read_exact(&mut message))
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "reading 16 bytes through a 500 ms Deadline from a peer that sends one byte every 100 ms",
        MESSAGE_DEADLINE,
    );
    expect_that(
        waited < Duration::from_millis(1500),
        "how long the Deadline of 500 ms took to give up",
        "about 500 ms: the limit is for all the reads together",
        format!("{waited:?}"),
        MESSAGE_DEADLINE,
    );
}

#[test]
fn deadline_that_has_passed_fails_even_with_bytes_waiting() {
    let (reading, mut writing) = net::connected_pair();
    writing.write_all(b"hello").unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut buffer = [0; 5];
            // A limit of zero: the deadline has passed before the first
            // MESSAGE_DEADLINE starts.
            let mut passed = Deadline::new(&reading, Duration::ZERO);
            passed
                .read(&mut buffer)
                .map(|n| String::from_utf8_lossy(&buffer[..n]).into_owned())
                .map_err(|e| e.kind())
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "a read through a Deadline whose time is up, with 5 bytes waiting: no time left is \
         TimedOut, checked before set_read_timeout (which refuses zero: InvalidInput)",
        MESSAGE_DEADLINE,
    );
}

#[test]
fn deadline_passes_a_reset_on() {
    let (reading, writing) = net::connected_pair();
    // A linger time of zero makes close send a reset (RST) instead of end of
    // file: the next read fails with ConnectionReset.
    SockRef::from(&writing)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(writing);
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut buffer = [0; 5];
            kind(
                Deadline::new(&reading, Duration::from_secs(3))
                    .read(&mut buffer),
            )
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionReset),
        "a read through a Deadline from a peer that reset the connection \
         (only an expired read timeout, WouldBlock or TimedOut, means the \
         deadline passed)",
        MESSAGE_DEADLINE,
    );
}

#[test]
fn deadline_lets_a_prompt_peer_through() {
    let sent = frame(b"on time");
    let reading = peers::sends(&sent, Cut::OneByteWrites);
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut whole_frame = vec![0; 11];
            Deadline::new(&reading, Duration::from_secs(3))
                .read_exact(&mut whole_frame)
                .map(|()| whole_frame)
        },
    );
    let received = expect_ok(
        result,
        "reading 11 bytes through a Deadline of 3 s",
        "all 11 bytes of the frame",
        MESSAGE_DEADLINE,
    );
    expect_bytes(
        &received,
        &sent,
        "the bytes read through the Deadline",
        MESSAGE_DEADLINE,
    );
}
