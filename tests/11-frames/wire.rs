//! The tests' own reference for the wire format: the RFC 6455 section 5.7
//! examples as literal bytes, a reference masker and encoder written as plainly
//! as possible, and an annotator for hex dumps. None of it calls the chapter's
//! code, so the tests never use one exercise to check another.
#![allow(dead_code)] // each test file uses a different part

use chapter_11::{Frame, OpCode};
use support::hex::Annotated;

/// The masking key of the RFC's masked examples.
pub const RFC_KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// RFC 6455 section 5.7: "A single-frame unmasked text message".
pub const UNMASKED_HELLO: &[u8] = &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
/// "A single-frame masked text message".
pub const MASKED_HELLO: &[u8] = &[
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
/// "A fragmented unmasked text message": the first fragment, "Hel".
pub const FRAGMENT_HEL: &[u8] = &[0x01, 0x03, 0x48, 0x65, 0x6c];
/// ... and the second and last, "lo".
pub const FRAGMENT_LO: &[u8] = &[0x80, 0x02, 0x6c, 0x6f];
/// Not in the RFC: its fragmented "Hel" + "lo" as a client sends it, each
/// fragment masked with its own key. "Hel" with the RFC's key (so the bytes are
/// those of the masked "Hello")...
pub const MASKED_FRAGMENT_HEL: &[u8] =
    &[0x01, 0x83, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d];
/// ... and "lo" with the key a1 b2 c3 d4: 0x6c ^ 0xa1 = 0xcd, 0x6f ^ 0xb2
/// = 0xdd.
pub const MASKED_FRAGMENT_LO: &[u8] =
    &[0x80, 0x82, 0xa1, 0xb2, 0xc3, 0xd4, 0xcd, 0xdd];
/// "Unmasked Ping request".
pub const UNMASKED_PING: &[u8] = &[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
/// "Masked Ping response" (a Pong).
pub const MASKED_PONG: &[u8] = &[
    0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

/// Payload bytes 0, 1, 2, ... 255, 0, 1, ...: easy to recognise in a dump.
pub fn counting(len: usize) -> Vec<u8> {
    (0..len).map(|i| i as u8).collect()
}

/// "256 bytes binary message in a single unmasked frame": 0x82 0x7E 0x0100,
/// then the data.
pub fn binary_256() -> Vec<u8> {
    let mut wire = vec![0x82, 0x7e, 0x01, 0x00];
    wire.extend(counting(256));
    wire
}

/// "64KiB binary message in a single unmasked frame": 0x82 0x7F
/// 0x0000000000010000, then the data.
pub fn binary_65536() -> Vec<u8> {
    let mut wire = vec![0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0, 0];
    wire.extend(counting(65536));
    wire
}

/// Masking as RFC 6455 section 5.3 states it: byte i is XORed with key byte i
/// mod 4.
pub fn reference_mask(data: &[u8], key: [u8; 4], offset: usize) -> Vec<u8> {
    data.iter()
        .enumerate()
        .map(|(i, byte)| byte ^ key[(offset + i) % 4])
        .collect()
}

/// A frame on the wire, built field by field from RFC 6455 section 5.2.
pub fn reference_encode(
    fin: bool,
    opcode: u8,
    payload: &[u8],
    key: Option<[u8; 4]>,
) -> Vec<u8> {
    let mut wire = vec![if fin { 0x80 } else { 0 } | opcode];
    let mask_bit = if key.is_some() { 0x80 } else { 0 };
    let len = payload.len();
    if len < 126 {
        wire.push(mask_bit | len as u8);
    } else if len < 65536 {
        wire.push(mask_bit | 126);
        wire.push((len >> 8) as u8);
        wire.push(len as u8);
    } else {
        wire.push(mask_bit | 127);
        for shift in (0..8).rev() {
            wire.push(((len as u64) >> (shift * 8)) as u8);
        }
    }
    match key {
        Some(key) => {
            wire.extend_from_slice(&key);
            wire.extend(reference_mask(payload, key, 0));
        }
        None => wire.extend_from_slice(payload),
    }
    wire
}

/// An annotated hex dump of one or more frames: one row per header field, one
/// per payload.
pub fn annotate(wire: &[u8]) -> String {
    let mut dump = Annotated::new(wire);
    let mut at = 0;
    while at + 2 <= wire.len() {
        let (first, second) = (wire[at], wire[at + 1]);
        let opcode = first & 0x0f;
        dump = dump.field(
            1,
            format!(
                "FIN={} RSV1-3={:03b} opcode=0x{opcode:x} ({})",
                first >> 7,
                (first >> 4) & 0b111,
                opcode_name(opcode)
            ),
        );
        let masked = second >> 7;
        let (length, length_bytes) = match second & 0x7f {
            126 => (
                u64::from(u16::from_be_bytes([wire[at + 2], wire[at + 3]])),
                2,
            ),
            127 => (
                u64::from_be_bytes(wire[at + 2..at + 10].try_into().unwrap()),
                8,
            ),
            short => (u64::from(short), 0),
        };
        dump = match length_bytes {
            0 => {
                dump.field(1, format!("MASK={masked}, payload length {length}"))
            }
            bytes => dump
                .field(
                    1,
                    format!(
                        "MASK={masked}, length {}: a {}-bit length follows",
                        second & 0x7f,
                        bytes * 8
                    ),
                )
                .field(bytes, format!("payload length {length}")),
        };
        at += 2 + length_bytes;
        let payload_start = at + if masked == 1 { 4 } else { 0 };
        let payload_end = (payload_start + length as usize).min(wire.len());
        let payload = &wire[payload_start.min(payload_end)..payload_end];
        dump = if masked == 1 {
            let key: [u8; 4] = wire[at..at + 4].try_into().unwrap();
            let plain = reference_mask(payload, key, 0);
            dump.field(4, "masking key").field(
                length as usize,
                format!("payload, masked; unmasked: {}", shown(&plain)),
            )
        } else {
            dump.field(length as usize, format!("payload {}", shown(payload)))
        };
        at = payload_start + length as usize;
    }
    dump.render()
}

fn opcode_name(opcode: u8) -> &'static str {
    match opcode {
        0x0 => "continuation",
        0x1 => "text",
        0x2 => "binary",
        0x8 => "close",
        0x9 => "ping",
        0xa => "pong",
        _ => "reserved",
    }
}

/// Short text as a quoted string; for anything else the dump's bytes
/// say enough.
fn shown(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if payload.len() <= 16 => format!("{text:?}"),
        _ => "(binary)".to_string(),
    }
}

pub fn text(fin: bool, opcode: OpCode, payload: &[u8]) -> Frame {
    Frame {
        fin,
        opcode,
        payload: payload.to_vec(),
    }
}
