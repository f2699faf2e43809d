//! Fuzz target: chapter 11's frame decoder on any bytes at all.
//!
//! The first input byte picks the decoder's role and size limit, the rest is
//! the byte stream. libFuzzer looks for an input that panics (or runs out of
//! memory: it stops at 2 GB by default); the asserts below add what a correct
//! decoder promises.

#![no_main]

use frames::{Decoded, Decoder, Role, encode};
use libfuzzer_sys::fuzz_target;

const LIMITS: [usize; 5] = [0, 125, 1 << 10, 1 << 16, usize::MAX];

// ANCHOR: target
fuzz_target!(|data: &[u8]| {
    let Some((&choice, mut stream)) = data.split_first() else {
        return;
    };
    let role = if choice & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let mut decoder =
        Decoder::new(role, LIMITS[usize::from(choice >> 1) % LIMITS.len()]);

    while let Ok(decoded) = decoder.decode(stream) {
        let Decoded::Frame { frame, consumed } = decoded else {
            break; // NeedMore: the stream ends inside a frame
        };
        assert!(consumed >= 2 && consumed <= stream.len());

        // What came out goes back in: encoded again (as the peer would have
        // sent it), it decodes to the same frame.
        let mask = (role == Role::Server).then_some([0x5a, 0x00, 0xff, 0x13]);
        let mut wire = Vec::new();
        encode(&frame, mask, &mut wire);
        match decoder.decode(&wire) {
            Ok(Decoded::Frame {
                frame: again,
                consumed,
            }) => {
                assert_eq!(again, frame);
                assert_eq!(consumed, wire.len());
            }
            other => panic!("re-encoded {frame:?} decodes to {other:?}"),
        }
        stream = &stream[consumed..];
    }
});
// ANCHOR_END: target
