//! Property tests for chapter 11: rules that must hold for every input, checked
//! on many random ones. When one fails, proptest shrinks the input to a small
//! case and prints it.
//!
//! The checks return their failure
//! (`check_eq(..).map_err(TestCaseError::fail)?`) instead of panicking, so
//! proptest prints one message, for the smallest case, not one per step.

mod shown;
mod wire;

use chapter_11::{
    Decoded, Decoder, Frame, FrameError, OpCode, Role, apply_mask,
    apply_mask_bytewise, encode,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use shown::{InHex, Shown, check_bytes, check_frames};
use support::{Book, Section, check_eq, check_that};
use wire::{reference_encode, reference_mask};

const BOOK: Book = Book::page("ch11-frames.md");
const BYTEWISE: Section = BOOK.section("11.3 Masking, byte by byte");
const WORDWISE: Section = BOOK.section("11.4 Masking, a word at a time");
const ENCODE: Section = BOOK.section("11.5 Encoding a frame");
const DECODE: Section = BOOK.section("11.8 Decoding a frame");

/// Enough cases to cover every length class, few enough for a debug build to be
/// quick; no regression files left in the tests folder; a failing stub shrinks
/// only briefly.
fn config() -> Config {
    Config {
        cases: 128,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    }
}

/// Data, key, offset, bytes before and bytes after the masked slice.
type MaskingCase = (InHex<Vec<u8>>, InHex<[u8; 4]>, usize, usize, usize);

/// Masking inside a larger buffer: `before` bytes in front (so the slice starts
/// at every alignment), `after` bytes behind, which must stay as they were.
fn check_mask_in_place(
    mask: fn(&mut [u8], [u8; 4], usize),
    name: &str,
    read: Section,
    (data, InHex(key), offset, before, after): MaskingCase,
) -> Result<(), TestCaseError> {
    let mut buffer = vec![0xee; before];
    buffer.extend_from_slice(&data);
    buffer.extend(std::iter::repeat_n(0xee, after));
    mask(&mut buffer[before..before + data.len()], key, offset);

    let mut expected = vec![0xee; before];
    expected.extend(reference_mask(&data, key, offset));
    expected.extend(std::iter::repeat_n(0xee, after));
    check_bytes(
        &buffer,
        &expected,
        &format!(
            "{name} of {} bytes from offset {offset} with the key {}, starting {before} bytes \
             into a buffer",
            data.len(),
            support::hex::hex_bytes(&key),
        ),
        read,
    )
    .map_err(TestCaseError::fail)
}

fn masking_case() -> impl Strategy<Value = MaskingCase> {
    (
        prop::collection::vec(any::<u8>(), 0..300).prop_map(InHex),
        any::<[u8; 4]>().prop_map(InHex),
        prop_oneof![0..16usize, any::<usize>().prop_map(|o| o / 2)],
        0..16usize,
        0..9usize,
    )
}

/// A masking key or none, shown in hex.
fn maybe_key() -> impl Strategy<Value = Option<InHex<[u8; 4]>>> {
    prop::option::of(any::<[u8; 4]>().prop_map(InHex))
}

/// Frames of every size class: 7-bit (0-125), 16-bit (126-65535) and
/// 64-bit lengths.
fn frame() -> impl Strategy<Value = Frame> {
    let len = prop_oneof![6 => 0..=125usize, 3 => 126..=65535usize, 1 => 65536..=70000usize];
    let data = (len, any::<u8>()).prop_map(|(len, seed)| {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31) ^ seed)
            .collect::<Vec<u8>>()
    });
    let opcode = prop::sample::select(vec![
        OpCode::Continuation,
        OpCode::Text,
        OpCode::Binary,
    ]);
    (any::<bool>(), opcode, data).prop_map(|(fin, opcode, payload)| Frame {
        fin,
        opcode,
        payload,
    })
}

fn control_frame() -> impl Strategy<Value = Frame> {
    let opcode =
        prop::sample::select(vec![OpCode::Close, OpCode::Ping, OpCode::Pong]);
    (opcode, prop::collection::vec(any::<u8>(), 0..=125)).prop_map(
        |(opcode, payload)| Frame {
            fin: true,
            opcode,
            payload,
        },
    )
}

fn opcode_bits(opcode: OpCode) -> u8 {
    match opcode {
        OpCode::Continuation => 0x0,
        OpCode::Text => 0x1,
        OpCode::Binary => 0x2,
        OpCode::Close => 0x8,
        OpCode::Ping => 0x9,
        OpCode::Pong => 0xa,
    }
}

// ANCHOR: decode_chunked
/// Feeds `wire` to a decoder in chunks of the given sizes, as a socket might
/// deliver it, and collects the frames that come out. Bytes the decoder
/// consumed are removed.
fn decode_chunked(
    decoder: &mut Decoder,
    wire: &[u8],
    chunks: &[usize],
) -> (Vec<Frame>, Result<(), FrameError>, usize) {
    let mut buffer = Vec::new();
    let mut frames = Vec::new();
    let mut rest = wire;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let take = (*sizes.next().unwrap()).clamp(1, rest.len());
        buffer.extend_from_slice(&rest[..take]);
        rest = &rest[take..];
        loop {
            match decoder.decode(&buffer) {
                Ok(Decoded::NeedMore(_)) => break,
                Ok(Decoded::Frame { frame, consumed }) => {
                    // Under 2 bytes, this loop would never end.
                    if consumed < 2 {
                        too_short(&frame, consumed);
                    }
                    buffer.drain(..consumed);
                    frames.push(frame);
                }
                Err(error) => return (frames, Err(error), buffer.len()),
            }
        }
    }
    (frames, Ok(()), buffer.len())
}
// ANCHOR_END: decode_chunked

/// Ends the test: `decode` returned a frame that took less than a header.
fn too_short(frame: &Frame, consumed: usize) -> ! {
    support::report::Failure {
        what: format!("consumed of the frame decode returned, {frame:?}"),
        expected: "at least 2 bytes: every frame has a 2-byte header".into(),
        found: format!("{consumed}"),
        read: DECODE,
    }
    .fail()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn apply_mask_bytewise_matches_the_rfc_at_every_offset(case in masking_case()) {
        support::print_each_panic_once();
        check_mask_in_place(apply_mask_bytewise, "apply_mask_bytewise", BYTEWISE, case)?;
    }

    #[test]
    fn apply_mask_matches_the_rfc_at_every_length_offset_and_alignment(case in masking_case()) {
        support::print_each_panic_once();
        check_mask_in_place(apply_mask, "apply_mask", WORDWISE, case)?;
    }

    /// Into a Vec that may already hold bytes (another frame): they stay, the
    /// frame follows.
    #[test]
    fn encode_matches_the_reference_in_every_size_class(
        frame in frame().prop_map(InHex),
        key in maybe_key(),
        before in prop::collection::vec(any::<u8>(), 0..4).prop_map(InHex),
    ) {
        support::print_each_panic_once();
        let key = key.map(|InHex(key)| key);
        let mut out = before.to_vec();
        encode(&frame, key, &mut out);
        let mut expected = before.to_vec();
        expected.extend(reference_encode(frame.fin, opcode_bits(frame.opcode), &frame.payload, key));
        let key = key.map_or("none".to_string(), |key| support::hex::hex_bytes(&key));
        check_bytes(
            &out,
            &expected,
            &format!(
                "encode of a {:?} frame, FIN {}, {} bytes, key {key}, after {} byte(s) already in out",
                frame.opcode, frame.fin, frame.payload.len(), before.len()
            ),
            ENCODE,
        )
        .map_err(TestCaseError::fail)?;
    }

    /// Frames a peer sent, in any chunking: the decoder gives back the
    /// same frames.
    #[test]
    fn decode_gives_back_every_frame_whatever_the_chunking(
        frames in prop::collection::vec(prop_oneof![3 => frame(), 1 => control_frame()], 1..4)
            .prop_map(InHex),
        keys in any::<[u8; 4]>().prop_map(InHex),
        from_client in any::<bool>(),
        chunks in prop::collection::vec(prop_oneof![1..16usize, 1..70000usize], 1..8),
    ) {
        support::print_each_panic_once();
        let (role, key) = if from_client { (Role::Server, Some(*keys)) } else { (Role::Client, None) };
        let wire: Vec<u8> = frames
            .iter()
            .flat_map(|f| reference_encode(f.fin, opcode_bits(f.opcode), &f.payload, key))
            .collect();
        let mut decoder = Decoder::new(role, 1 << 20);
        let (decoded, result, left) = decode_chunked(&mut decoder, &wire, &chunks);
        let what = format!("a {role:?} decoding {} frame(s) in chunks of {chunks:?}", frames.len());
        check_eq(result, Ok(()), &what, DECODE).map_err(TestCaseError::fail)?;
        check_eq(left, 0, &format!("bytes left over after {what}"), DECODE).map_err(TestCaseError::fail)?;
        check_frames(&decoded, &frames, &format!("the frames from {what}"), DECODE).map_err(TestCaseError::fail)?;
    }

    /// encode, then decode: the same frame, for any payload, size class
    /// and chunking.
    #[test]
    fn encode_then_decode_gives_back_the_frame(
        frame in prop_oneof![3 => frame(), 1 => control_frame()].prop_map(InHex),
        key in maybe_key(),
        chunks in prop::collection::vec(1..100000usize, 1..4),
    ) {
        support::print_each_panic_once();
        let (InHex(frame), key) = (frame, key.map(|InHex(key)| key));
        let mut wire = Vec::new();
        encode(&frame, key, &mut wire);
        let role = if key.is_some() { Role::Server } else { Role::Client };
        let (decoded, result, left) = decode_chunked(&mut Decoder::new(role, 1 << 20), &wire, &chunks);
        let what = format!("a {role:?} decoding an encoded frame in chunks of {chunks:?}");
        check_eq(result, Ok(()), &what, DECODE).map_err(TestCaseError::fail)?;
        check_eq(left, 0, &format!("bytes left over after {what}"), DECODE).map_err(TestCaseError::fail)?;
        check_frames(&decoded, &vec![frame], &format!("the frame after encode and {what}"), DECODE)
            .map_err(TestCaseError::fail)?;
    }

    /// Arbitrary bytes never make the decoder panic, and every answer
    /// is sensible.
    #[test]
    fn decode_never_panics_on_arbitrary_bytes(
        bytes in arbitrary_bytes().prop_map(InHex),
        server in any::<bool>(),
        max in 0..300usize,
    ) {
        support::print_each_panic_once();
        let role = if server { Role::Server } else { Role::Client };
        let mut decoder = Decoder::new(role, max);
        let mut rest = &bytes[..];
        loop {
            match decoder.decode(rest) {
                Ok(Decoded::NeedMore(n)) => {
                    check_that(n >= 1, "NeedMore(n) on arbitrary bytes", "n >= 1", n, DECODE)
                        .map_err(TestCaseError::fail)?;
                    break;
                }
                Ok(Decoded::Frame { frame, consumed }) => {
                    check_that(
                        consumed >= 2 + frame.payload.len() && consumed <= rest.len(),
                        "consumed by a frame decoded from arbitrary bytes",
                        &format!("between {} and {}", 2 + frame.payload.len(), rest.len()),
                        consumed,
                        DECODE,
                    )
                    .map_err(TestCaseError::fail)?;
                    rest = &rest[consumed..];
                }
                Err(_) => break,
            }
        }
    }

    /// Whatever the chunking, arbitrary bytes give the same answer: a prefix
    /// asks for more (never past what the whole needs), or gives what the whole
    /// input gives.
    #[test]
    fn decode_gives_the_same_answer_on_every_prefix(
        bytes in arbitrary_bytes().prop_map(InHex),
        server in any::<bool>(),
    ) {
        support::print_each_panic_once();
        let role = if server { Role::Server } else { Role::Client };
        let whole = Decoder::new(role, 100).decode(&bytes);
        for len in 0..bytes.len() {
            let prefix = Decoder::new(role, 100).decode(&bytes[..len]);
            check_that(
                consistent(len, &prefix, bytes.len(), &whole),
                &format!(
                    "a {role:?} decoding the first {len} of the {} bytes {}",
                    bytes.len(),
                    support::hex::hex_bytes(&bytes)
                ),
                &format!(
                    "NeedMore(n) that stays within the frame, or what all the bytes give: {:?}",
                    Shown(&whole)
                ),
                format!("{:?}", Shown(&prefix)),
                DECODE,
            )
            .map_err(TestCaseError::fail)?;
        }
    }
}

/// Random bytes, and (more often) real frames with one byte changed and cut
/// short: they get past the first checks and reach the deeper ones.
fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    let damaged = (
        prop_oneof![frame(), control_frame()],
        prop::option::of(any::<[u8; 4]>()),
        any::<prop::sample::Index>(),
        any::<u8>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(frame, key, at, byte, cut)| {
            let mut wire = reference_encode(
                frame.fin,
                opcode_bits(frame.opcode),
                &frame.payload,
                key,
            );
            let at = at.index(wire.len().min(14));
            wire[at] = byte;
            wire.truncate(1 + cut.index(wire.len().min(300)));
            wire
        });
    prop_oneof![1 => prop::collection::vec(any::<u8>(), 0..200), 2 => damaged]
}

/// Does decoding the first `len` bytes agree with decoding all `total` of them?
fn consistent(
    len: usize,
    prefix: &Result<Decoded, FrameError>,
    total: usize,
    whole: &Result<Decoded, FrameError>,
) -> bool {
    match (prefix, whole) {
        // Bytes still to come prove the error: asking for some of them
        // is right.
        (Ok(Decoded::NeedMore(n)), Err(_)) => *n >= 1,
        (Ok(Decoded::NeedMore(n)), Ok(Decoded::NeedMore(m))) => {
            *n >= 1 && len + n <= total + m
        }
        (Ok(Decoded::NeedMore(n)), Ok(Decoded::Frame { consumed, .. })) => {
            *n >= 1 && len + n <= *consumed
        }
        (found, whole) => found == whole,
    }
}
