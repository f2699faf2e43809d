//! Chapter 11: the decoder allocates only for a payload it has accepted.
//!
//! This test program counts, per thread, the bytes every allocation asks for,
//! so a test can see what `decode` allocated. (Its own program, because the
//! counting allocator serves every test in it.)

use chapter_11::{Decoded, Decoder, Frame, FrameError, OpCode, Role, encode};
use support::alloc::allocated_by;
use support::report::Failure;
use support::{Book, Section, expect_eq, expect_that};

const BOOK: Book = Book::page("ch11-frames.md");
const ENCODE: Section = BOOK.section("11.5 Encoding a frame");
const DECODE: Section = BOOK.section("11.8 Decoding a frame");

#[global_allocator]
static COUNTING: support::alloc::Counting = support::alloc::Counting;

/// Runs `decode` and returns its result with the bytes it allocated on the way.
fn decode_counting(
    decoder: &mut Decoder,
    input: &[u8],
) -> (Result<Decoded, FrameError>, usize) {
    allocated_by(|| decoder.decode(input))
}

/// The header of an unmasked binary frame announcing `length` bytes
/// (64-bit length).
fn header_announcing(length: u64) -> Vec<u8> {
    let mut wire = vec![0x82, 0x7f];
    wire.extend_from_slice(&length.to_be_bytes());
    wire
}

#[test]
fn decode_allocates_nothing_for_a_frame_over_the_limit() {
    let mut decoder = Decoder::new(Role::Client, 1 << 20);
    for length in [(1 << 20) + 1, 64 << 20, u64::MAX >> 1] {
        let (result, allocated) =
            decode_counting(&mut decoder, &header_announcing(length));
        expect_eq(
            result,
            Err(FrameError::TooLarge {
                length,
                max: 1 << 20,
            }),
            &format!(
                "a client (maximum 1 MiB) decoding a header announcing {length} bytes"
            ),
            DECODE,
        );
        expect_eq(
            allocated,
            0,
            &format!(
                "bytes allocated while refusing a header announcing {length} bytes"
            ),
            DECODE,
        );
    }
}

#[test]
fn decode_allocates_nothing_while_the_payload_is_incomplete() {
    let mut decoder = Decoder::new(Role::Client, 64 << 20);
    let mut wire = header_announcing(32 << 20);
    wire.extend(std::iter::repeat_n(7, 1000));
    let (result, allocated) = decode_counting(&mut decoder, &wire);
    expect_eq(
        result,
        Ok(Decoded::NeedMore((32 << 20) - 1000)),
        "decode of a 32 MiB frame of which 1000 payload bytes are there",
        DECODE,
    );
    expect_eq(
        allocated,
        0,
        "bytes allocated while waiting for the rest of a payload",
        DECODE,
    );
}

#[test]
fn decode_allocates_about_the_payload_for_a_whole_frame() {
    let mut decoder = Decoder::new(Role::Server, 64 << 20);
    let mut wire = vec![0x82, 0xfe, 0x03, 0xe8, 1, 2, 3, 4];
    wire.extend(std::iter::repeat_n(0, 1000));
    let (result, allocated) = decode_counting(&mut decoder, &wire);
    let payload = match result {
        Ok(Decoded::Frame { frame, .. }) => frame.payload.len(),
        other => Failure {
            what: "a server decoding a whole masked 1000-byte frame"
                .to_string(),
            expected: "Ok(Frame { .. }) with its 1000-byte payload".to_string(),
            found: format!("{other:?}"),
            read: DECODE,
        }
        .fail(),
    };
    expect_eq(payload, 1000, "the payload length of the frame", DECODE);
    expect_that(
        allocated <= 2 * 1000 + 64,
        "bytes allocated while decoding a whole 1000-byte frame (the maximum is 64 MiB)",
        "about the payload: at most 2064",
        allocated,
        DECODE,
    );
}

/// Encoding a frame asks for about the frame's bytes: room for it, not
/// many times more.
#[test]
fn encode_allocates_about_the_frame() {
    const SIZE: usize = 1 << 20;
    let frame = Frame::new(OpCode::Binary, vec![7; SIZE]);
    for mask in [None, Some([1, 2, 3, 4])] {
        // 2 bytes, a 64-bit length, and the key if masked.
        let written = SIZE + 10 + if mask.is_some() { 4 } else { 0 };
        let mut out = Vec::new();
        let ((), allocated) = allocated_by(|| encode(&frame, mask, &mut out));
        let most = 2 * written;
        expect_that(
            out.len() == written && allocated <= most,
            &format!(
                "encode of a 1 MiB binary frame (mask {mask:02x?}) into an \
                 empty Vec"
            ),
            &format!(
                "{written} bytes written, at most {most} allocated: room for \
                 the frame, once or twice"
            ),
            format!("{} bytes written, {allocated} allocated", out.len()),
            ENCODE,
        );
    }
}
