//! Test peers: the other end of a connection, cutting what it sends on purpose.
//!
//! TCP promises every byte, in order, and nothing about how the bytes are cut
//! into reads. On loopback, reads usually return exactly what one write sent,
//! which hides bugs that a real network shows at once. These peers cut the
//! bytes the way a network may: one byte at a time, several messages at once,
//! or half a message and then nothing.

// Several test programs share these peers, and each uses only some of them.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use support::net;

// ANCHOR: cut
/// How a peer cuts the bytes it sends.
#[derive(Clone, Copy, Debug)]
pub enum Cut {
    /// Every byte in a write of its own, a short pause after each: the reader
    /// gets many reads of one byte.
    OneByteWrites,
    /// All the bytes, however many messages, in one write: the reader may get
    /// them all in one read.
    OneWrite,
}

impl Cut {
    /// How the peer wrote, as a failure message says it.
    pub fn peer(self) -> &'static str {
        match self {
            Cut::OneByteWrites => "the peer writes one byte at a time",
            Cut::OneWrite => "the peer writes everything in one write",
        }
    }
}

/// A connection whose other end sends `bytes`, cut as `cut`, then closes.
/// Returns the reading end.
pub fn sends(bytes: &[u8], cut: Cut) -> TcpStream {
    let (reading, mut writing) = net::connected_pair();
    // Send each write at once instead of holding small ones back to batch them
    // (Nagle).
    writing.set_nodelay(true).unwrap();
    let bytes = bytes.to_vec();
    thread::spawn(move || {
        match cut {
            Cut::OneByteWrites => {
                for byte in bytes {
                    if writing.write_all(&[byte]).is_err() {
                        return; // the reader gave up; nothing left to show it
                    }
                    thread::sleep(Duration::from_micros(500));
                }
            }
            Cut::OneWrite => {
                let _ = writing.write_all(&bytes);
            }
        }
        // `writing` is dropped here: the connection closes, the reader sees end
        // of file.
    });
    reading
}
// ANCHOR_END: cut

// ANCHOR: dribbles
/// A connection whose other end sends `bytes` one at a time, `pause` apart:
/// never silent for long, never done quickly. It stops when the returned sender
/// is dropped.
pub fn dribbles(
    bytes: &[u8],
    pause: Duration,
) -> (TcpStream, mpsc::Sender<()>) {
    let (reading, mut writing) = net::connected_pair();
    writing.set_nodelay(true).unwrap();
    let (stop, stopped) = mpsc::channel::<()>();
    let bytes = bytes.to_vec();
    thread::spawn(move || {
        for byte in bytes {
            if writing.write_all(&[byte]).is_err() {
                return;
            }
            if stopped.recv_timeout(pause)
                != Err(mpsc::RecvTimeoutError::Timeout)
            {
                return; // the test is over
            }
        }
    });
    (reading, stop)
}
// ANCHOR_END: dribbles

/// A reader that hands out at most 3 bytes a call, and is interrupted by a
/// signal (`Interrupted`) before every other call.
pub struct Interrupting<R> {
    inner: R,
    calls: usize,
}

impl<R> Interrupting<R> {
    pub fn new(inner: R) -> Self {
        Interrupting { inner, calls: 0 }
    }
}

impl<R: Read> Read for Interrupting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 2 == 1 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let len = buffer.len().min(3);
        self.inner.read(&mut buffer[..len])
    }
}

/// A reader that hands out at most `size` bytes a call, never interrupted: the
/// test decides where each read ends.
pub struct Pieces<R> {
    inner: R,
    size: usize,
}

impl<R> Pieces<R> {
    pub fn new(inner: R, size: usize) -> Self {
        Pieces { inner, size }
    }
}

impl<R: Read> Read for Pieces<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let len = buffer.len().min(self.size);
        self.inner.read(&mut buffer[..len])
    }
}

/// A reader whose first call fails with a reset connection, as a socket does
/// after the peer aborted; if asked again anyway, it reads from `inner`.
pub struct Reset<R> {
    inner: R,
    failed: bool,
}

impl<R> Reset<R> {
    pub fn new(inner: R) -> Self {
        Reset {
            inner,
            failed: false,
        }
    }
}

impl<R: Read> Read for Reset<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if !self.failed {
            self.failed = true;
            return Err(io::ErrorKind::ConnectionReset.into());
        }
        self.inner.read(buffer)
    }
}

/// A writer whose first call fails with a broken pipe, as a socket does after
/// the peer closed; if asked again anyway, it takes everything.
#[derive(Default)]
pub struct BrokenPipe {
    pub taken: Vec<u8>,
    failed: bool,
}

impl Write for BrokenPipe {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.failed {
            self.failed = true;
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        self.taken.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes at most 3 bytes a call, and is interrupted before every
/// other call, as a socket with a nearly full send buffer may be.
#[derive(Default)]
pub struct Stingy {
    pub taken: Vec<u8>,
    calls: usize,
}

impl Write for Stingy {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 2 == 1 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let len = bytes.len().min(3);
        self.taken.extend_from_slice(&bytes[..len]);
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes 2 bytes, then nothing more: every later write returns
/// `Ok(0)`.
#[derive(Default)]
pub struct Full {
    pub taken: Vec<u8>,
}

impl Write for Full {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let len = bytes.len().min(2 - self.taken.len());
        self.taken.extend_from_slice(&bytes[..len]);
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes everything and keeps the bytes of each write call apart,
/// to show how many writes a message took.
#[derive(Default)]
pub struct Recorder {
    pub writes: Vec<Vec<u8>>,
}

impl Recorder {
    /// Each write's bytes as text.
    pub fn texts(&self) -> Vec<String> {
        self.writes
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect()
    }
}

impl Write for Recorder {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.writes.push(bytes.to_vec());
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ------------------------------------------- what the peers send, as shown

/// The messages most tests send: an empty one and one with spaces included.
pub const MESSAGES: [&[u8]; 4] =
    [b"hello", b"", b"two words", b"and the last one"];

pub fn kind<T>(result: io::Result<T>) -> Result<(), io::ErrorKind> {
    result.map(|_| ()).map_err(|e| e.kind())
}

/// A message read, or why not, in a form a failure message shows well.
pub fn outcome(
    result: io::Result<Option<Vec<u8>>>,
) -> Result<Option<String>, io::ErrorKind> {
    result
        .map(|message| {
            message.map(|m| String::from_utf8_lossy(&m).into_owned())
        })
        .map_err(|e| e.kind())
}

/// The messages as text, to compare with what the reader's code returned.
pub fn messages() -> Vec<String> {
    MESSAGES
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .to_vec()
}

pub fn text(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}
