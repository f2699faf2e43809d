//! Checks for chapter 11, exercises 11.6 to 11.8: reading a header, its
//! rules, and decoding a frame. Run them with `cargo test -p chapter-11`.
//!
//! The input bytes come from RFC 6455 (section 5.7 gives worked examples)
//! or are built field by field in `wire.rs`, never by one of the chapter's
//! own functions.

mod shown;
mod wire;

use chapter_11::{
    Decoded, Decoder, Frame, FrameError, Header, HeaderRead, MAX_FRAME, OpCode,
    Role, parse_header,
};
use shown::{Shown, expect_decoded, expect_shown};
use support::{Book, Section, expect_eq, expect_that};
use wire::*;

const BOOK: Book = Book::page("ch11-frames.md");
const HEADER: Section = BOOK.section("11.6 Reading a header");
const RULES: Section = BOOK.section("11.7 The rules a header must follow");
const DECODE: Section = BOOK.section("11.8 Decoding a frame");

/// A generous limit for tests that are not about the limit.
const MAX: usize = 1 << 20;

// ---------------------------------------------------------------- 11.6 Reading
// a header

fn header(
    fin: bool,
    opcode: OpCode,
    mask: Option<[u8; 4]>,
    payload_len: u64,
) -> Header {
    Header {
        fin,
        rsv: 0,
        opcode,
        mask,
        payload_len,
    }
}

fn complete(header: Header, consumed: usize) -> Result<HeaderRead, FrameError> {
    Ok(HeaderRead::Complete { header, consumed })
}

#[test]
fn parse_header_reads_the_rfc_examples() {
    let cases = [
        (
            UNMASKED_HELLO.to_vec(),
            header(true, OpCode::Text, None, 5),
            2,
        ),
        (
            MASKED_HELLO.to_vec(),
            header(true, OpCode::Text, Some(RFC_KEY), 5),
            6,
        ),
        (
            FRAGMENT_HEL.to_vec(),
            header(false, OpCode::Text, None, 3),
            2,
        ),
        (
            FRAGMENT_LO.to_vec(),
            header(true, OpCode::Continuation, None, 2),
            2,
        ),
        (
            UNMASKED_PING.to_vec(),
            header(true, OpCode::Ping, None, 5),
            2,
        ),
        (
            MASKED_PONG.to_vec(),
            header(true, OpCode::Pong, Some(RFC_KEY), 5),
            6,
        ),
        (binary_256(), header(true, OpCode::Binary, None, 256), 4),
        (
            binary_65536(),
            header(true, OpCode::Binary, None, 65536),
            10,
        ),
    ];
    for (wire, expected, consumed) in cases {
        expect_shown(
            parse_header(&wire),
            complete(expected, consumed),
            &format!(
                "parse_header of {}",
                support::hex::hex_bytes(&wire[..consumed])
            ),
            HEADER,
        );
    }
}

#[test]
fn parse_header_reads_the_rsv_bits_as_a_number() {
    for (first, fin, rsv) in [
        (0xc1, true, 0b100),
        (0xa1, true, 0b010),
        (0x71, false, 0b111),
    ] {
        let found = parse_header(&[first, 0x00]);
        let expected = Header {
            fin,
            rsv,
            opcode: OpCode::Text,
            mask: None,
            payload_len: 0,
        };
        expect_shown(
            found,
            complete(expected, 2),
            &format!(
                "parse_header of {first:02x} 00: RSV1 = 4, RSV2 = 2, RSV3 = 1"
            ),
            HEADER,
        );
    }
}

/// A bug others shipped: a wrong shift when putting the 64-bit length together.
#[test]
fn parse_header_reads_the_64_bit_length_most_significant_byte_first() {
    let wire = [0x82, 0x7f, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
    expect_shown(
        parse_header(&wire),
        complete(
            header(true, OpCode::Binary, None, 0x0011_2233_4455_6677),
            10,
        ),
        "parse_header of 82 7f 00 11 22 33 44 55 66 77",
        HEADER,
    );
    let wire = [0x82, 0xfe, 0xab, 0xcd, 1, 2, 3, 4];
    expect_shown(
        parse_header(&wire),
        complete(header(true, OpCode::Binary, Some([1, 2, 3, 4]), 0xabcd), 8),
        "parse_header of 82 fe ab cd 01 02 03 04 (16-bit length, then a key)",
        HEADER,
    );
}

/// A bug others shipped: a header that arrives in two reads, the first part
/// forgotten. Every prefix of a header asks for more, never for more than the
/// header has left: with a 16- and a 64-bit length, each with and without a
/// masking key.
#[test]
fn parse_header_asks_for_more_on_every_prefix() {
    let headers: [(&[u8], Header); 4] = [
        (
            &[0x82, 0x7e, 0x01, 0x00],
            header(true, OpCode::Binary, None, 256),
        ),
        (
            &[0x82, 0xfe, 0x01, 0x00, 9, 8, 7, 6],
            header(true, OpCode::Binary, Some([9, 8, 7, 6]), 256),
        ),
        (
            &[0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0],
            header(true, OpCode::Binary, None, 65536),
        ),
        (
            &[0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 9, 8, 7, 6],
            header(true, OpCode::Binary, Some([9, 8, 7, 6]), 65536),
        ),
    ];
    for (wire, expected) in headers {
        let shown = support::hex::hex_bytes(wire);
        for len in 0..wire.len() {
            let found = parse_header(&wire[..len]);
            let left = wire.len() - len;
            let fits = matches!(found, Ok(HeaderRead::NeedMore(n)) if n >= 1 && n <= left);
            expect_that(
                fits,
                &format!(
                    "parse_header of the first {len} bytes of the header {shown}"
                ),
                &format!("Ok(NeedMore(n)) with 1 <= n <= {left}"),
                format!("{:?}", Shown(&found)),
                HEADER,
            );
        }
        expect_shown(
            parse_header(wire),
            complete(expected, wire.len()),
            &format!("parse_header of the whole header {shown}"),
            HEADER,
        );
    }
}

#[test]
fn parse_header_refuses_a_reserved_opcode_from_the_first_byte() {
    for bits in (0x3..=0x7).chain(0xb..=0xf) {
        expect_shown(
            parse_header(&[0x80 | bits]),
            Err(FrameError::ReservedOpcode(bits)),
            &format!("parse_header of the single byte {:02x}", 0x80 | bits),
            HEADER,
        );
    }
}

#[test]
fn parse_header_refuses_a_64_bit_length_with_the_top_bit_set() {
    // The MASK bit is set, but the key is not needed to see that the length
    // is wrong.
    let wire = [0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0];
    expect_shown(
        parse_header(&wire),
        Err(FrameError::LengthTopBitSet),
        "parse_header of 82 ff 80 00 00 00 00 00 00 00",
        HEADER,
    );
}

#[test]
fn parse_header_accepts_a_length_longer_than_needed() {
    // RFC 6455 asks senders for the shortest length; this decoder accepts a
    // longer one (the book explains why). 5 as 16 bits, then as 64 bits:
    let wire = [0x81, 0x7e, 0x00, 0x05];
    expect_shown(
        parse_header(&wire),
        complete(header(true, OpCode::Text, None, 5), 4),
        "parse_header of 81 7e 00 05",
        HEADER,
    );
    let wire = [0x81, 0x7f, 0, 0, 0, 0, 0, 0, 0, 5];
    expect_shown(
        parse_header(&wire),
        complete(header(true, OpCode::Text, None, 5), 10),
        "parse_header of 81 7f 00 00 00 00 00 00 00 05",
        HEADER,
    );
}

// ---------------------------------------------------------------- 11.7 The
// rules a header must follow

/// A header a server accepts: a masked, final text frame of 10 bytes.
fn from_client() -> Header {
    header(true, OpCode::Text, Some([1, 2, 3, 4]), 10)
}

fn check_as(role: Role, max: usize, header: Header) -> Result<(), FrameError> {
    Decoder::new(role, max).check(&header)
}

#[test]
fn check_accepts_valid_headers() {
    let valid = [
        (Role::Server, from_client()),
        (Role::Server, header(false, OpCode::Binary, Some([0; 4]), 0)),
        (
            Role::Server,
            header(false, OpCode::Continuation, Some([0; 4]), MAX as u64),
        ),
        (Role::Server, header(true, OpCode::Close, Some([0; 4]), 125)),
        (Role::Client, header(true, OpCode::Text, None, 10)),
        (Role::Client, header(true, OpCode::Ping, None, 0)),
    ];
    for (role, valid) in valid {
        expect_eq(
            check_as(role, MAX, valid),
            Ok(()),
            &format!("a {role:?} decoder checking {:?}", Shown(&valid)),
            RULES,
        );
    }
}

#[test]
fn check_refuses_rsv_bits_without_an_extension() {
    for rsv in [0b100, 0b010, 0b001, 0b111] {
        let header = Header {
            rsv,
            ..from_client()
        };
        expect_eq(
            check_as(Role::Server, MAX, header),
            Err(FrameError::ReservedBits(rsv)),
            &format!("check of a header with RSV1-3 = {rsv:03b}"),
            RULES,
        );
    }
}

#[test]
fn check_refuses_a_control_frame_over_125_bytes() {
    for opcode in [OpCode::Close, OpCode::Ping, OpCode::Pong] {
        let header = header(true, opcode, Some([0; 4]), 126);
        expect_eq(
            check_as(Role::Server, MAX, header),
            Err(FrameError::ControlTooLong(126)),
            &format!("check of a {opcode:?} frame of 126 bytes"),
            RULES,
        );
    }
}

#[test]
fn check_refuses_a_fragmented_control_frame() {
    for opcode in [OpCode::Close, OpCode::Ping, OpCode::Pong] {
        let header = header(false, opcode, Some([0; 4]), 5);
        expect_eq(
            check_as(Role::Server, MAX, header),
            Err(FrameError::FragmentedControl),
            &format!("check of a {opcode:?} frame without FIN"),
            RULES,
        );
    }
}

#[test]
fn check_refuses_an_unmasked_frame_from_a_client() {
    let header = Header {
        mask: None,
        ..from_client()
    };
    expect_eq(
        check_as(Role::Server, MAX, header),
        Err(FrameError::UnmaskedFromClient),
        "a server checking an unmasked frame",
        RULES,
    );
}

#[test]
fn check_refuses_a_masked_frame_from_a_server() {
    expect_eq(
        check_as(Role::Client, MAX, from_client()),
        Err(FrameError::MaskedFromServer),
        "a client checking a masked frame",
        RULES,
    );
}

#[test]
fn check_refuses_a_frame_over_the_maximum() {
    let at_max = Header {
        payload_len: 1000,
        ..from_client()
    };
    expect_eq(
        check_as(Role::Server, 1000, at_max),
        Ok(()),
        "check of 1000 bytes with a maximum of 1000",
        RULES,
    );
    for payload_len in [1001, u64::MAX >> 1] {
        let over = Header {
            payload_len,
            ..from_client()
        };
        expect_eq(
            check_as(Role::Server, 1000, over),
            Err(FrameError::TooLarge {
                length: payload_len,
                max: 1000,
            }),
            &format!("check of {payload_len} bytes with a maximum of 1000"),
            RULES,
        );
    }
}

#[test]
fn check_reports_the_first_rule_broken() {
    // Breaks every rule at once: RSV, fragmented control, too long, masked to a
    // client, over the maximum. Then one rule fewer each time.
    let mut header = Header {
        fin: false,
        rsv: 0b100,
        opcode: OpCode::Ping,
        mask: Some([0; 4]),
        payload_len: 5000,
    };
    let mut expected = vec![
        FrameError::ReservedBits(0b100),
        FrameError::FragmentedControl,
        FrameError::ControlTooLong(5000),
        FrameError::MaskedFromServer,
        FrameError::TooLarge {
            length: 5000,
            max: 100,
        },
    ]
    .into_iter();
    let fixes: [fn(&mut Header); 5] = [
        |h| h.rsv = 0,
        |h| h.fin = true,
        |h| h.opcode = OpCode::Binary,
        |h| h.mask = None,
        |h| h.payload_len = 100,
    ];
    for fix in fixes {
        let wanted = expected.next().map_or(Ok(()), Err);
        expect_eq(
            check_as(Role::Client, 100, header),
            wanted,
            &format!(
                "a client decoder (maximum 100) checking {:?}",
                Shown(&header)
            ),
            RULES,
        );
        fix(&mut header);
    }
    expect_eq(
        check_as(Role::Client, 100, header),
        Ok(()),
        &format!(
            "a client decoder (maximum 100) checking {:?}",
            Shown(&header)
        ),
        RULES,
    );
}

// ---------------------------------------------------------------- 11.8
// Decoding a frame

fn decode_as(
    role: Role,
    max: usize,
    input: &[u8],
) -> Result<Decoded, FrameError> {
    Decoder::new(role, max).decode(input)
}

fn decoded(
    fin: bool,
    opcode: OpCode,
    payload: &[u8],
    consumed: usize,
) -> Decoded {
    Decoded::Frame {
        frame: text(fin, opcode, payload),
        consumed,
    }
}

/// The RFC's examples, the role that receives each, and the frame in it.
fn rfc_examples() -> Vec<(&'static str, Vec<u8>, Role, Frame)> {
    vec![
        (
            "unmasked text",
            UNMASKED_HELLO.to_vec(),
            Role::Client,
            text(true, OpCode::Text, b"Hello"),
        ),
        (
            "masked text",
            MASKED_HELLO.to_vec(),
            Role::Server,
            text(true, OpCode::Text, b"Hello"),
        ),
        (
            "first fragment",
            FRAGMENT_HEL.to_vec(),
            Role::Client,
            text(false, OpCode::Text, b"Hel"),
        ),
        (
            "last fragment",
            FRAGMENT_LO.to_vec(),
            Role::Client,
            text(true, OpCode::Continuation, b"lo"),
        ),
        (
            "unmasked ping",
            UNMASKED_PING.to_vec(),
            Role::Client,
            text(true, OpCode::Ping, b"Hello"),
        ),
        (
            "masked pong",
            MASKED_PONG.to_vec(),
            Role::Server,
            text(true, OpCode::Pong, b"Hello"),
        ),
        (
            "256-byte binary",
            binary_256(),
            Role::Client,
            text(true, OpCode::Binary, &counting(256)),
        ),
        (
            "64 KiB binary",
            binary_65536(),
            Role::Client,
            text(true, OpCode::Binary, &counting(65536)),
        ),
    ]
}

#[test]
fn decode_reads_the_rfc_examples() {
    for (name, wire, role, frame) in rfc_examples() {
        let consumed = wire.len();
        expect_decoded(
            decode_as(role, MAX, &wire),
            Ok(Decoded::Frame { frame, consumed }),
            &format!("a {role:?} decoding the RFC's {name} example"),
            DECODE,
        );
    }
}

#[test]
fn decode_takes_one_frame_and_leaves_the_next() {
    let wire = [FRAGMENT_HEL, FRAGMENT_LO].concat();
    let mut decoder = Decoder::new(Role::Client, MAX);
    expect_decoded(
        decoder.decode(&wire),
        Ok(decoded(false, OpCode::Text, b"Hel", 5)),
        "decode of the two fragments 'Hel' and 'lo' in one buffer",
        DECODE,
    );
    expect_decoded(
        decoder.decode(&wire[5..]),
        Ok(decoded(true, OpCode::Continuation, b"lo", 4)),
        "decode of what is left after the first fragment",
        DECODE,
    );
}

/// RFC 6455 section 5.7's fragmented "Hel" + "lo", sent by a client: each
/// fragment is masked, each with its own key. Both payloads must come out
/// unmasked, the continuation frame's too.
#[test]
fn decode_unmasks_each_fragment_of_a_masked_message() {
    let wire = [MASKED_FRAGMENT_HEL, MASKED_FRAGMENT_LO].concat();
    let mut decoder = Decoder::new(Role::Server, MAX);
    expect_decoded(
        decoder.decode(&wire),
        Ok(decoded(
            false,
            OpCode::Text,
            b"Hel",
            MASKED_FRAGMENT_HEL.len(),
        )),
        "a server decoding 'Hel' masked with 37 fa 21 3d, then 'lo' masked with a1 b2 c3 d4",
        DECODE,
    );
    expect_decoded(
        decoder.decode(&wire[MASKED_FRAGMENT_HEL.len()..]),
        Ok(decoded(
            true,
            OpCode::Continuation,
            b"lo",
            MASKED_FRAGMENT_LO.len(),
        )),
        "a server decoding the continuation frame 'lo', masked with a1 b2 c3 d4",
        DECODE,
    );
}

/// A bug others shipped: a header split across two reads, the first part lost.
/// Here every prefix of every example asks for more, and never for more than
/// the frame has left.
#[test]
fn decode_asks_for_more_on_every_prefix() {
    for (name, wire, role, _) in rfc_examples().into_iter().take(6) {
        for len in 0..wire.len() {
            let found = decode_as(role, MAX, &wire[..len]);
            let left = wire.len() - len;
            let fits = matches!(found, Ok(Decoded::NeedMore(n)) if n >= 1 && n <= left);
            expect_that(
                fits,
                &format!(
                    "decode of the first {len} bytes of the RFC's {name} example"
                ),
                &format!("Ok(NeedMore(n)) with 1 <= n <= {left}"),
                format!("{:?}", Shown(&found)),
                DECODE,
            );
        }
    }
}

#[test]
fn decode_reading_exactly_what_it_asks_for_ends_at_the_frame() {
    for (name, wire, role, frame) in rfc_examples() {
        let mut decoder = Decoder::new(role, MAX);
        let mut have = 0;
        let result = loop {
            match decoder.decode(&wire[..have]) {
                // NeedMore(0) would ask for nothing, forever: it ends the
                // loop, and the test.
                Ok(Decoded::NeedMore(n)) if n > 0 && have + n <= wire.len() => {
                    have += n
                }
                other => break other,
            }
        };
        expect_decoded(
            result,
            Ok(Decoded::Frame {
                frame,
                consumed: wire.len(),
            }),
            &format!("reading the RFC's {name} example exactly as decode asks"),
            DECODE,
        );
    }
}

// ANCHOR: huge_length_test
/// A header announcing 2^63 - 1 bytes: the error comes back from its 10 bytes
/// alone, and nothing is allocated for the payload (an attempt would abort
/// the test).
#[test]
fn decode_refuses_a_huge_length_from_10_bytes() {
    let wire = [0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    expect_decoded(
        decode_as(Role::Client, MAX, &wire),
        Err(FrameError::TooLarge {
            length: u64::MAX >> 1,
            max: MAX,
        }),
        "a client decoding 82 7f 7f ff ff ff ff ff ff ff",
        DECODE,
    );
}
// ANCHOR_END: huge_length_test

#[test]
fn decode_refuses_a_reserved_opcode() {
    expect_decoded(
        decode_as(Role::Client, MAX, &[0x83, 0x00]),
        Err(FrameError::ReservedOpcode(0x3)),
        "a client decoding 83 00",
        DECODE,
    );
}

#[test]
fn decode_refuses_an_rsv_bit() {
    expect_decoded(
        decode_as(
            Role::Client,
            MAX,
            &[0xc1, 0x05, b'H', b'e', b'l', b'l', b'o'],
        ),
        Err(FrameError::ReservedBits(0b100)),
        "a client decoding an unmasked Hello with RSV1 set (c1 05 ...)",
        DECODE,
    );
}

#[test]
fn decode_refuses_a_control_frame_over_125_bytes() {
    let wire = reference_encode(true, 0x9, &counting(126), None);
    expect_decoded(
        decode_as(Role::Client, MAX, &wire),
        Err(FrameError::ControlTooLong(126)),
        "a client decoding a ping of 126 bytes",
        DECODE,
    );
}

#[test]
fn decode_refuses_a_fragmented_control_frame() {
    let wire = reference_encode(false, 0x9, b"Hello", None);
    expect_decoded(
        decode_as(Role::Client, MAX, &wire),
        Err(FrameError::FragmentedControl),
        "a client decoding a ping without FIN",
        DECODE,
    );
}

#[test]
fn decode_refuses_an_unmasked_frame_from_a_client() {
    expect_decoded(
        decode_as(Role::Server, MAX, UNMASKED_HELLO),
        Err(FrameError::UnmaskedFromClient),
        "a server decoding the RFC's unmasked Hello",
        DECODE,
    );
}

#[test]
fn decode_refuses_a_masked_frame_from_a_server() {
    expect_decoded(
        decode_as(Role::Client, MAX, MASKED_HELLO),
        Err(FrameError::MaskedFromServer),
        "a client decoding the RFC's masked Hello",
        DECODE,
    );
}

#[test]
fn decode_refuses_a_64_bit_length_with_the_top_bit_set() {
    let wire = [0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0x05];
    expect_decoded(
        decode_as(Role::Client, usize::MAX, &wire),
        Err(FrameError::LengthTopBitSet),
        "a client without a limit decoding 82 7f 80 00 00 00 00 00 00 05",
        DECODE,
    );
}

#[test]
fn decode_refuses_a_frame_over_the_maximum() {
    let wire = binary_256();
    expect_decoded(
        decode_as(Role::Client, 255, &wire[..4]),
        Err(FrameError::TooLarge {
            length: 256,
            max: 255,
        }),
        "a client with a maximum of 255 decoding the header of a 256-byte frame",
        DECODE,
    );
    expect_decoded(
        decode_as(Role::Client, 256, &wire),
        Ok(decoded(true, OpCode::Binary, &counting(256), wire.len())),
        "a client with a maximum of 256 decoding a 256-byte frame",
        DECODE,
    );
    // The default limit, MAX_FRAME, is 16 MiB, as in tungstenite.
    let decoder = Decoder::new(Role::Server, MAX_FRAME);
    expect_eq(
        (decoder.role(), decoder.max_frame()),
        (Role::Server, 16 << 20),
        "role() and max_frame() of Decoder::new(Role::Server, MAX_FRAME)",
        DECODE,
    );
    let mut over = vec![0x82, 0xff];
    over.extend_from_slice(&((16u64 << 20) + 1).to_be_bytes());
    over.extend_from_slice(&[1, 2, 3, 4]);
    expect_decoded(
        decode_as(Role::Server, MAX_FRAME, &over),
        Err(FrameError::TooLarge {
            length: (16 << 20) + 1,
            max: 16 << 20,
        }),
        "a server with the default maximum (MAX_FRAME) decoding the header \
         of a frame of 16 MiB + 1 byte",
        DECODE,
    );
}

/// Every protocol error, as `Display` shows it, next to the bytes that
/// cause it.
#[test]
fn decode_errors_explain_themselves() {
    let cases: [(&str, Role, Vec<u8>); 8] = [
        ("reserved opcode", Role::Client, vec![0x83, 0x00]),
        ("RSV1 set", Role::Client, vec![0xc1, 0x00]),
        (
            "ping of 126 bytes",
            Role::Client,
            reference_encode(true, 0x9, &[0; 126], None),
        ),
        ("ping without FIN", Role::Client, vec![0x09, 0x00]),
        ("unmasked, to a server", Role::Server, vec![0x81, 0x00]),
        (
            "masked, to a client",
            Role::Client,
            vec![0x81, 0x80, 1, 2, 3, 4],
        ),
        (
            "length 2^63",
            Role::Client,
            vec![0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0],
        ),
        (
            "length 2^32, limit 1 MiB",
            Role::Client,
            vec![0x82, 0x7f, 0, 0, 0, 0x01, 0, 0, 0, 0],
        ),
    ];
    let mut table = String::new();
    for (name, role, wire) in cases {
        let head = &wire[..wire.len().min(10)];
        let shown = match decode_as(role, MAX, &wire) {
            Err(error) => format!("{error:?}\n    {error}"),
            other => format!("not an error: {:?}", Shown(&other)),
        };
        let more = if wire.len() > head.len() { " .." } else { "" };
        table.push_str(&format!(
            "{name}, {role:?} reads {}{more}:\n    {shown}\n",
            support::hex::hex_bytes(head)
        ));
    }
    support::assert_snapshot!(DECODE, table);
}
