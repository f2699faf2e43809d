//! Checks for chapter 12, exercises 12.1 and 12.2: UTF-8 that arrives in
//! pieces, and close frames. Run them with `cargo test -p chapter-12`.
//!
//! The expected answers come from the standard library (`std::str::from_utf8`
//! on the whole text) and from the tables of RFC 6455, never from the code
//! under test.

use chapter_12::{
    CloseFrame, ProtocolError, Utf8Validator, is_valid_close_code,
    parse_close_payload,
};
use support::hex::hex_bytes;
use support::{Book, Section, expect_eq, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const UTF8: Section = BOOK.section("12.1 UTF-8 that arrives in pieces");
const CLOSE: Section = BOOK.section("12.2 Reading a close frame");

/// Feeds `pieces` one by one. `Ok` if the text is valid, or the number (from 1)
/// of the piece whose `feed` failed; `pieces.len() + 1` stands for `finish`.
fn first_failure(pieces: &[&[u8]]) -> Result<(), usize> {
    let mut validator = Utf8Validator::new();
    for (index, piece) in pieces.iter().enumerate() {
        validator.feed(piece).map_err(|_| index + 1)?;
    }
    validator.finish().map_err(|_| pieces.len() + 1)
}

#[test]
fn utf8_validator_accepts_a_code_point_cut_anywhere() {
    // One code point of each length: 1 byte (a), 2 (é), 3 (€) and 4 (𝄞, a
    // musical clef).
    let text = "aé€𝄞 κόσμε".as_bytes();
    for first in 0..=text.len() {
        for second in first..=text.len() {
            let pieces =
                [&text[..first], &text[first..second], &text[second..]];
            expect_eq(
                first_failure(&pieces),
                Ok(()),
                &format!(
                    "feed() and finish() of valid text in three pieces {}",
                    support::hex::pieces(&pieces)
                ),
                UTF8,
            );
        }
    }
    let bytes: Vec<&[u8]> = text.chunks(1).collect();
    expect_eq(
        first_failure(&bytes),
        Ok(()),
        "valid text fed one byte at a time",
        UTF8,
    );
}

// ANCHOR: fail_fast_test
#[test]
fn utf8_validator_fails_as_soon_as_the_proof_arrives() {
    let cases: &[(&str, &[&[u8]])] = &[
        (
            "a surrogate (U+D800) after valid text",
            &[b"\xce\xba\xe1\xbd\xb9", b"\xed\xa0\x80", b"edited"],
        ),
        (
            "the surrogate cut after its first byte",
            &[b"\xce\xba", b"\xed", b"\xa0\x80"],
        ),
        (
            "above U+10FFFF, cut after the first byte",
            &[b"\xf4", b"\x90", b"\x80\x80"],
        ),
        ("an overlong 3-byte form of '/'", &[b"\xe0", b"\x80\xaf"]),
        ("0xC0 can never start a code point", &[b"ab\xc0", b"\xaf"]),
        (
            "a continuation byte with nothing before it",
            &[b"ok", b"\x80"],
        ),
        ("a 2-byte start followed by ASCII", &[b"\xc3", b"("]),
        ("0xFE is not UTF-8 at all", &[b"\xfe"]),
        ("text that ends inside a code point", &[b"h", b"\xc3"]),
        (
            "a 4-byte code point in three pieces",
            &[b"\xf0\x9d", b"\x84", b"\x9e"],
        ),
        (
            "empty pieces around a cut code point",
            &[b"", b"\xe2\x82", b"", b"\xac", b""],
        ),
    ];
    let mut table = String::new();
    for (name, pieces) in cases {
        let outcome = match first_failure(pieces) {
            Ok(()) => "valid".to_string(),
            Err(n) if n > pieces.len() => "invalid at finish()".to_string(),
            Err(n) => format!("invalid at piece {n}"),
        };
        table.push_str(&format!(
            "{name}\n    {} -> {outcome}\n",
            support::hex::pieces(pieces)
        ));
    }
    support::assert_snapshot!(UTF8, table);
}
// ANCHOR_END: fail_fast_test

#[test]
fn utf8_validator_is_ready_for_the_next_text_after_finish() {
    let mut validator = Utf8Validator::new();
    let read = UTF8;
    expect_eq(
        validator.feed(b"caf\xc3"),
        Ok(()),
        "feed(\"caf\" + first byte of é)",
        read,
    );
    expect_that(
        validator.finish().is_err(),
        "finish() after a text that ends inside a code point",
        "Err(InvalidUtf8)",
        "Ok(())",
        read,
    );
    // The cut code point must not leak into the next text.
    expect_eq(
        validator.feed(b"next"),
        Ok(()),
        "feed(\"next\") after finish()",
        read,
    );
    expect_eq(validator.finish(), Ok(()), "finish() of \"next\"", read);
}

#[test]
fn close_codes_valid_on_the_wire() {
    // Every code from 0 to 65535, shown as runs: "1000-1003 valid".
    let mut table = String::new();
    let mut start = 0u32;
    while start <= u32::from(u16::MAX) {
        let valid = is_valid_close_code(start as u16);
        let mut end = start;
        while end < u32::from(u16::MAX)
            && is_valid_close_code((end + 1) as u16) == valid
        {
            end += 1;
        }
        let verdict = if valid { "valid" } else { "protocol error" };
        table.push_str(&format!("{start:>5}-{end:<5} {verdict}\n"));
        start = end + 1;
    }
    support::assert_snapshot!(CLOSE, table);
}

#[test]
fn parse_close_payload_checks_length_code_and_reason() {
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("one byte", b"\x03"),
        ("1000", b"\x03\xe8"),
        ("1000, reason \"bye\"", b"\x03\xe8bye"),
        ("1001, reason \"é\"", b"\x03\xe9\xc3\xa9"),
        ("1003", b"\x03\xeb"),
        ("1004 (reserved)", b"\x03\xec"),
        ("1005 (never sent)", b"\x03\xed"),
        ("1006 (never sent)", b"\x03\xee"),
        ("1007", b"\x03\xef"),
        ("1014", b"\x03\xf6"),
        ("1015 (never sent)", b"\x03\xf7"),
        ("999", b"\x03\xe7"),
        ("0", b"\x00\x00"),
        ("2999", b"\x0b\xb7"),
        ("3000", b"\x0b\xb8"),
        ("4999", b"\x13\x87"),
        ("5000", b"\x13\x88"),
        ("65535", b"\xff\xff"),
        ("1000, reason not UTF-8", b"\x03\xe8\xce\xba\xe1\xbd"),
    ];
    let mut table = String::new();
    for (name, payload) in cases {
        let result = parse_close_payload(payload);
        table.push_str(&format!(
            "{name:<24} [{}]\n    -> {result:?}\n",
            hex_bytes(payload)
        ));
    }
    support::assert_snapshot!(CLOSE, table);
}

#[test]
fn parse_close_payload_keeps_the_whole_reason() {
    let reason = "x".repeat(123);
    let mut payload = 4000u16.to_be_bytes().to_vec();
    payload.extend_from_slice(reason.as_bytes());
    expect_eq(
        parse_close_payload(&payload),
        Ok(CloseFrame { code: 4000, reason }),
        "parse_close_payload of code 4000 with a 123-byte reason",
        CLOSE,
    );
    expect_eq(
        parse_close_payload(b"\x03"),
        Err(ProtocolError::CloseTooShort),
        "parse_close_payload of a 1-byte payload",
        CLOSE,
    );
}
