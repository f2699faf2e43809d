//! Checks for chapter 11, exercises 11.1 to 11.5: opcodes, lengths, masking
//! and encoding a frame. Run them with `cargo test -p chapter-11`.
//!
//! The expected bytes come from RFC 6455 (section 5.7 gives worked examples)
//! or are built field by field in `wire.rs`, never by one of the chapter's
//! own functions.

mod shown;
mod wire;

use std::fmt;

use chapter_11::{
    Frame, OpCode, apply_mask, apply_mask_bytewise, encode, encode_length,
};
use support::{Book, Section, expect_bytes, expect_eq};
use wire::*;

const BOOK: Book = Book::page("ch11-frames.md");
const OPCODES: Section = BOOK.section("11.1 Opcodes");
const LENGTH: Section = BOOK.section("11.2 The payload length");
const BYTEWISE: Section = BOOK.section("11.3 Masking, byte by byte");
const WORDWISE: Section = BOOK.section("11.4 Masking, a word at a time");
const ENCODE: Section = BOOK.section("11.5 Encoding a frame");

/// An opcode value, shown in hex as the book and RFC 6455 write it (`0xA`,
/// not `10`).
#[derive(PartialEq)]
struct Hex(u8);

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#X}", self.0)
    }
}

// ---------------------------------------------------------------- 11.1 Opcodes

/// Every opcode of RFC 6455 section 5.2 with its value and whether it is a
/// control frame.
const TABLE: [(u8, OpCode, bool); 6] = [
    (0x0, OpCode::Continuation, false),
    (0x1, OpCode::Text, false),
    (0x2, OpCode::Binary, false),
    (0x8, OpCode::Close, true),
    (0x9, OpCode::Ping, true),
    (0xA, OpCode::Pong, true),
];

#[test]
fn opcode_from_u8_knows_the_six_opcodes() {
    for (bits, opcode, _) in TABLE {
        expect_eq(
            OpCode::from_u8(bits),
            Some(opcode),
            &format!("OpCode::from_u8(0x{bits:X})"),
            OPCODES,
        );
        expect_eq(
            Hex(opcode.as_u8()),
            Hex(bits),
            &format!("OpCode::{opcode:?}.as_u8()"),
            OPCODES,
        );
    }
}

#[test]
fn opcode_from_u8_refuses_the_reserved_values() {
    for bits in (0x3..=0x7).chain(0xB..=0xF).chain([0x10, 0x81, 0xFF]) {
        expect_eq(
            OpCode::from_u8(bits),
            None,
            &format!("OpCode::from_u8(0x{bits:X}), a value RFC 6455 reserves"),
            OPCODES,
        );
    }
}

#[test]
fn opcode_is_control_for_close_ping_and_pong_only() {
    for (_, opcode, control) in TABLE {
        expect_eq(
            opcode.is_control(),
            control,
            &format!("OpCode::{opcode:?}.is_control()"),
            OPCODES,
        );
    }
}

// ---------------------------------------------------------------- 11.2 The
// payload length

fn length_bytes(length: usize) -> Vec<u8> {
    let mut out = Vec::new();
    encode_length(length, &mut out);
    out
}

#[test]
fn encode_length_uses_one_byte_up_to_125() {
    for length in [0, 1, 5, 125] {
        expect_bytes(
            &length_bytes(length),
            &[length as u8],
            &format!("encode_length({length})"),
            LENGTH,
        );
    }
}

#[test]
fn encode_length_uses_16_bits_from_126_to_65535() {
    for (length, expected) in [
        (126, [126, 0x00, 0x7e]),
        (256, [126, 0x01, 0x00]),
        (1000, [126, 0x03, 0xe8]),
        (65535, [126, 0xff, 0xff]),
    ] {
        expect_bytes(
            &length_bytes(length),
            &expected,
            &format!(
                "encode_length({length} = {length:#06x}): 126, then 16 bits, most significant first"
            ),
            LENGTH,
        );
    }
}

#[test]
fn encode_length_uses_64_bits_from_65536() {
    let cases: [(u64, [u8; 9]); 3] = [
        (65536, [127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00]),
        (
            0x0102_0304_0506_0708,
            [127, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
        ),
        (
            (1 << 63) - 1,
            [127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
    ];
    for (length, expected) in cases {
        let Ok(length) = usize::try_from(length) else {
            continue; // a 32-bit machine cannot hold such a payload anyway
        };
        expect_bytes(
            &length_bytes(length),
            &expected,
            &format!(
                "encode_length({length} = {length:#018x}): 127, then 64 bits, most significant first"
            ),
            LENGTH,
        );
    }
}

#[test]
fn encode_length_appends_to_what_is_there() {
    let mut out = vec![0xaa];
    encode_length(300, &mut out);
    expect_bytes(
        &out,
        &[0xaa, 126, 0x01, 0x2c],
        "encode_length(300) into a Vec that already holds 0xaa",
        LENGTH,
    );
}

// ---------------------------------------------------------------- 11.3
// Masking, byte by byte

#[test]
fn apply_mask_bytewise_masks_hello_as_the_rfc_does() {
    let mut data = b"Hello".to_vec();
    apply_mask_bytewise(&mut data, RFC_KEY, 0);
    expect_bytes(
        &data,
        &MASKED_HELLO[6..],
        "\"Hello\" masked with 37 fa 21 3d (RFC 6455 section 5.7)",
        BYTEWISE,
    );
    apply_mask_bytewise(&mut data, RFC_KEY, 0);
    expect_bytes(
        &data,
        b"Hello",
        "masking twice with the same key gives the data back",
        BYTEWISE,
    );
}

/// A bug others shipped: a payload that arrives in two reads, masked as if each
/// read started at key byte 0. Masking the second part from `offset` must
/// continue the key.
fn check_split_masking(
    mask: fn(&mut [u8], [u8; 4], usize),
    name: &str,
    read: Section,
) {
    let key = [0x01, 0x20, 0x04, 0x80];
    let payload = counting(23);
    let expected = reference_mask(&payload, key, 0);
    for split in 0..=payload.len() {
        let mut data = payload.clone();
        let (head, tail) = data.split_at_mut(split);
        mask(head, key, 0);
        mask(tail, key, split);
        expect_bytes(
            &data,
            &expected,
            &format!("{name} in two parts, the second from offset {split}"),
            read,
        );
    }
    for offset in [4, 5, 6, 7, 1001] {
        let mut data = payload.clone();
        mask(&mut data, key, offset);
        expect_bytes(
            &data,
            &reference_mask(&payload, key, offset),
            &format!(
                "{name} from offset {offset}: key byte offset % 4 comes first"
            ),
            read,
        );
    }
}

#[test]
fn apply_mask_bytewise_continues_from_an_offset() {
    check_split_masking(apply_mask_bytewise, "apply_mask_bytewise", BYTEWISE);
}

// ---------------------------------------------------------------- 11.4
// Masking, a word at a time

#[test]
fn apply_mask_masks_hello_as_the_rfc_does() {
    let mut data = b"Hello".to_vec();
    apply_mask(&mut data, RFC_KEY, 0);
    expect_bytes(
        &data,
        &MASKED_HELLO[6..],
        "\"Hello\" masked with 37 fa 21 3d by apply_mask",
        WORDWISE,
    );
}

#[test]
fn apply_mask_continues_from_an_offset() {
    check_split_masking(apply_mask, "apply_mask", WORDWISE);
}

#[test]
fn apply_mask_masks_a_long_payload_to_its_last_byte() {
    let payload = counting(65536 + 13);
    for offset in 0..4 {
        let mut data = payload.clone();
        apply_mask(&mut data, RFC_KEY, offset);
        expect_bytes(
            &data,
            &reference_mask(&payload, RFC_KEY, offset),
            &format!(
                "apply_mask over {} bytes from offset {offset}",
                payload.len()
            ),
            WORDWISE,
        );
    }
}

// ---------------------------------------------------------------- 11.5
// Encoding a frame

fn encoded(frame: &Frame, mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = Vec::new();
    encode(frame, mask, &mut out);
    out
}

/// Encodes, compares with the RFC's bytes, and snapshots the annotated dump.
/// The snapshot is named after the test, `snapshots/frames__<snapshot>.snap`.
fn check_rfc_example(
    snapshot: &str,
    name: &str,
    frames: &[(Frame, Option<[u8; 4]>)],
    rfc: &[u8],
) {
    let mut out = Vec::new();
    for (frame, mask) in frames {
        encode(frame, *mask, &mut out);
    }
    expect_bytes(
        &out,
        rfc,
        &format!("encode: {name} (RFC 6455 section 5.7)"),
        ENCODE,
    );
    support::assert_snapshot!(ENCODE, snapshot, annotate(&out));
}

#[test]
fn encode_rfc_single_unmasked_hello() {
    let frame = text(true, OpCode::Text, b"Hello");
    check_rfc_example(
        "rfc_single_unmasked_hello",
        "a single-frame unmasked text message",
        &[(frame, None)],
        UNMASKED_HELLO,
    );
}

#[test]
fn encode_rfc_single_masked_hello() {
    let frame = text(true, OpCode::Text, b"Hello");
    check_rfc_example(
        "rfc_single_masked_hello",
        "a single-frame masked text message",
        &[(frame, Some(RFC_KEY))],
        MASKED_HELLO,
    );
}

#[test]
fn encode_rfc_fragmented_hello() {
    let frames = [
        (text(false, OpCode::Text, b"Hel"), None),
        (text(true, OpCode::Continuation, b"lo"), None),
    ];
    check_rfc_example(
        "rfc_fragmented_hello",
        "a fragmented unmasked text message",
        &frames,
        &[FRAGMENT_HEL, FRAGMENT_LO].concat(),
    );
}

#[test]
fn encode_rfc_unmasked_ping() {
    let frame = text(true, OpCode::Ping, b"Hello");
    check_rfc_example(
        "rfc_unmasked_ping",
        "an unmasked ping",
        &[(frame, None)],
        UNMASKED_PING,
    );
}

#[test]
fn encode_rfc_masked_pong() {
    let frame = text(true, OpCode::Pong, b"Hello");
    check_rfc_example(
        "rfc_masked_pong",
        "a masked pong (the ping's response)",
        &[(frame, Some(RFC_KEY))],
        MASKED_PONG,
    );
}

#[test]
fn encode_rfc_256_byte_binary() {
    let frame = text(true, OpCode::Binary, &counting(256));
    check_rfc_example(
        "rfc_256_byte_binary",
        "a 256-byte binary message in one unmasked frame",
        &[(frame, None)],
        &binary_256(),
    );
}

#[test]
fn encode_rfc_65536_byte_binary() {
    let frame = text(true, OpCode::Binary, &counting(65536));
    check_rfc_example(
        "rfc_65536_byte_binary",
        "a 64 KiB binary message in one unmasked frame",
        &[(frame, None)],
        &binary_65536(),
    );
}

#[test]
fn encode_masks_every_size_class() {
    let key = [0x11, 0x22, 0x33, 0x44];
    for len in [0, 125, 126, 65535, 65536] {
        let payload = counting(len);
        let frame = text(true, OpCode::Binary, &payload);
        expect_bytes(
            &encoded(&frame, Some(key)),
            &reference_encode(true, 0x2, &payload, Some(key)),
            &format!("encode: a masked binary frame of {len} bytes"),
            ENCODE,
        );
    }
}

/// A bug others shipped: the MASK bit set on `out[1]`, which is only this
/// frame's length byte when `out` started empty. Here `out` already holds
/// a ping.
#[test]
fn encode_appends_to_what_is_in_out() {
    for (mask, frame, name) in [
        (None, UNMASKED_HELLO, "an unmasked"),
        (Some(RFC_KEY), MASKED_HELLO, "a masked"),
    ] {
        let mut out = UNMASKED_PING.to_vec();
        encode(&text(true, OpCode::Text, b"Hello"), mask, &mut out);
        expect_bytes(
            &out,
            &[UNMASKED_PING, frame].concat(),
            &format!(
                "encode of {name} Hello into a Vec that already holds a ping: the ping stays \
                 as it was, the frame follows"
            ),
            ENCODE,
        );
    }
}
