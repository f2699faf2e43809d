//! How fast does chapter 12's connection read messages, next to an
//! established library?
//!
//!     cargo run --release -p chapter-12 --example throughput   # yours
//!     cargo run --release -p solution-12 --example throughput  # reference
//!
//! The file lives with the solution;
//! `chapters/12-messages-and-close/Cargo.toml` builds the same file against
//! your code.
//!
//! Both read the same bytes: a stream of masked text frames, as a browser
//! sends them to a server, held in memory so that no socket or system call is
//! measured. The workbook's `Connection` gets the stream in pieces of 128
//! KiB, copied into a read buffer as a socket read would; tungstenite reads
//! it from a `std::io::Cursor`, 128 KiB at a time too. Several rounds take
//! turns, and the best time of each is shown (the least disturbed by the rest
//! of the machine).

use std::hint::black_box;
use std::io::Cursor;
use std::time::{Duration, Instant};

use chapter_12::{Connection, Event, Role};
use frames::{Frame, OpCode};
use tungstenite::error::ProtocolError;
use tungstenite::protocol::Role as TungsteniteRole;
use tungstenite::{Error, Message, WebSocket};

const ROUNDS: usize = 7;
/// What one `read()` of a socket might return; tungstenite's read buffer is
/// this size.
const READ_SIZE: usize = 128 * 1024;

/// `count` text messages of `size` bytes, each one frame, masked with a
/// different key.
fn client_stream(count: usize, size: usize) -> Vec<u8> {
    let text: Vec<u8> = (0..size).map(|i| b"websocket "[i % 10]).collect();
    let mut stream = Vec::with_capacity(count * (size + 14));
    let mut key = 0x9e37_79b9_u32;
    for _ in 0..count {
        // A cheap, varying key: the reader must not gain from a key that
        // never changes.
        key = key.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let frame = Frame {
            fin: true,
            opcode: OpCode::Text,
            payload: text.clone(),
        };
        frames::encode(&frame, Some(key.to_be_bytes()), &mut stream);
    }
    stream
}

/// Chapter 12's connection, as a server, fed the stream in socket-sized pieces.
fn workbook(stream: &[u8]) -> usize {
    let mut connection = Connection::new(Role::Server);
    let mut messages = 0;
    // A socket read copies the bytes into the program's buffer; so does this
    // loop, as tungstenite's read from the Cursor does.
    let mut buffer = vec![0; READ_SIZE];
    for piece in stream.chunks(READ_SIZE) {
        let read = &mut buffer[..piece.len()];
        read.copy_from_slice(piece);
        connection.receive_data(read);
        while let Some(event) = connection.next_event() {
            match event {
                Event::Text(text) => {
                    black_box(text);
                    messages += 1;
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
    }
    messages
}

/// tungstenite, as a server, reading the same bytes until the stream ends.
fn tungstenite(stream: Vec<u8>) -> usize {
    let mut socket = WebSocket::from_raw_socket(
        Cursor::new(stream),
        TungsteniteRole::Server,
        None,
    );
    let mut messages = 0;
    loop {
        match socket.read() {
            Ok(Message::Text(text)) => {
                black_box(text);
                messages += 1;
            }
            Ok(other) => panic!("unexpected message {other:?}"),
            // The end of the bytes: to tungstenite, a peer gone without a
            // close frame.
            Err(Error::Protocol(
                ProtocolError::ResetWithoutClosingHandshake,
            )) => break,
            Err(e) => panic!("tungstenite failed: {e}"),
        }
    }
    messages
}

fn timed(expected: usize, run: impl FnOnce() -> usize) -> Duration {
    let started = Instant::now();
    let messages = run();
    let elapsed = started.elapsed();
    assert_eq!(messages, expected, "every message must be read");
    elapsed
}

fn compare(count: usize, size: usize) {
    let stream = client_stream(count, size);
    let mut ours = Duration::MAX;
    let mut theirs = Duration::MAX;
    for _ in 0..ROUNDS {
        ours = ours.min(timed(count, || workbook(&stream)));
        // The copy for the Cursor is made before the clock starts.
        let copy = stream.clone();
        theirs = theirs.min(timed(count, move || tungstenite(copy)));
    }
    let per_second = |time: Duration| count as f64 / time.as_secs_f64();
    let (a, b) = (per_second(ours), per_second(theirs));
    // Two lines, so that the output fits a narrow terminal (and the book).
    println!(
        "{count} text messages of {size} bytes ({:.1} MB):",
        stream.len() as f64 / 1e6
    );
    println!(
        "  workbook {a:>9.0} msg/s, tungstenite {b:>9.0} msg/s, ratio {:.2}",
        a / b
    );
}

fn main() {
    if cfg!(debug_assertions) {
        println!(
            "(a debug build: run with --release for figures worth comparing)"
        );
    }
    println!("best of {ROUNDS} rounds; ratio > 1: the workbook's is faster");
    compare(400_000, 125);
    compare(5_000, 16 * 1024);
}
