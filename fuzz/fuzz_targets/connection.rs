//! Fuzz target: chapter 12's connection on any bytes at all.
//!
//! The first input byte picks the role, the message size limit and the size of
//! the reads; the rest is what the peer sent. libFuzzer looks for an input that
//! panics or uses memory without bound; the asserts below add what a correct
//! connection promises:
//!
//! - reading the bytes in pieces gives the same events and the same reply as
//!   all at once;
//! - nothing is reported after a Close or a Failed event;
//! - what the connection sends is whole frames, with at most one close frame,
//!   the last.
//!
//! The same promises are checked on stable Rust, with generated
//! inputs, by `hostile_bytes_never_panic_and_cuts_change_nothing`
//! in tests/12-messages-and-close/.

#![no_main]

use chapter_12::{Config, Connection, Event, Role};
use frames::{Decoded, Decoder, OpCode};
use libfuzzer_sys::fuzz_target;

const LIMITS: [usize; 4] = [0, 125, 1 << 10, 1 << 20];
const READS: [usize; 4] = [1, 7, 64, 4096];

/// Feeds `stream` in reads of `read` bytes; returns the events and the bytes
/// to send.
fn run(
    role: Role,
    config: Config,
    stream: &[u8],
    read: usize,
) -> (Vec<Event>, Vec<u8>) {
    let mut connection = Connection::with_config(role, config)
        .with_fixed_mask([0x5a, 0x00, 0xff, 0x13]);
    let mut events = Vec::new();
    let mut sent = Vec::new();
    for piece in stream.chunks(read) {
        connection.receive_data(piece);
        events.extend(connection.events());
        sent.extend(connection.data_to_send());
    }
    (events, sent)
}

// ANCHOR: target
fuzz_target!(|data: &[u8]| {
    let Some((&choice, stream)) = data.split_first() else {
        return;
    };
    let role = if choice & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let config = Config {
        max_message: LIMITS[usize::from(choice >> 1) % LIMITS.len()],
        ..Config::default()
    };
    let read = READS[usize::from(choice >> 3) % READS.len()];

    let whole = run(role, config.clone(), stream, stream.len().max(1));
    let pieces = run(role, config, stream, read);
    assert_eq!(pieces, whole, "reads of {read} bytes change what happens");

    let (events, sent) = whole;
    if let Some(end) = events
        .iter()
        .position(|e| matches!(e, Event::Close { .. } | Event::Failed(_)))
    {
        assert_eq!(end + 1, events.len(), "events after the end: {events:?}");
    }

    // Read back what we sent, as the peer reads it.
    let peer = match role {
        Role::Server => Role::Client,
        Role::Client => Role::Server,
    };
    let mut decoder = Decoder::new(peer, usize::MAX >> 1);
    let mut rest = &sent[..];
    let mut closes = 0;
    while !rest.is_empty() {
        match decoder.decode(rest) {
            Ok(Decoded::Frame { frame, consumed }) => {
                assert_eq!(closes, 0, "a frame after our close frame");
                if frame.opcode == OpCode::Close {
                    closes += 1;
                }
                rest = &rest[consumed..];
            }
            other => panic!(
                "the connection sent bytes that are not whole frames: {other:?}"
            ),
        }
    }
});
// ANCHOR_END: target
