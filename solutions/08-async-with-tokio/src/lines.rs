//! Exercises 8.2 and 8.3: lines from a buffered reader, and a time limit on
//! each.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The longest line the servers of this chapter accept, without its `\n`.
pub const MAX_LINE: usize = 1024;

// ANCHOR: read_line
/// Reads one line that ends in `\n` and returns it without the `\n` (and
/// without a `\r` before it).
///
/// `pending` keeps the bytes of a line that has not ended yet. Pass the same
/// buffer to every call for one connection: then a call that is cancelled (by
/// `select!` or a timeout) loses nothing, and the next call goes on where it
/// stopped.
///
/// - `Ok(None)`: the peer closed between lines.
/// - `UnexpectedEof`: the peer closed in the middle of a line.
/// - `InvalidData`: a line longer than `max` bytes (found without reading more
///   than `max + 1` bytes of it), or a line that is not UTF-8.
pub async fn read_line<R>(
    reader: &mut R,
    pending: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<String>>
where
    R: AsyncBufRead + Unpin,
{
    // BEGIN SOLUTION: read_until b'\n' through take(room), then sort out what came
    // Never more than one byte past the limit, however long the peer's line is.
    let room = (max + 1).saturating_sub(pending.len()) as u64;
    // read_until appends as it goes: cancelled, it leaves what it read in
    // `pending`.
    (&mut *reader).take(room).read_until(b'\n', pending).await?;
    if pending.last() != Some(&b'\n') {
        return if pending.len() > max {
            Err(invalid(format!("a line longer than {max} bytes")))
        } else if pending.is_empty() {
            Ok(None)
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the peer closed in the middle of a line",
            ))
        };
    }
    let mut line = std::mem::take(pending);
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    if line.len() > max {
        return Err(invalid(format!("a line longer than {max} bytes")));
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| invalid("a line that is not UTF-8".to_string()))
    // END SOLUTION
}
// ANCHOR_END: read_line

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

// ANCHOR: read_line_within
/// [`read_line`], but gives up with a `TimedOut` error when no whole line has
/// arrived within `limit`. The bytes of an unfinished line stay in `pending`
/// for the next call.
pub async fn read_line_within<R>(
    reader: &mut R,
    pending: &mut Vec<u8>,
    max: usize,
    limit: Duration,
) -> io::Result<Option<String>>
where
    R: AsyncBufRead + Unpin,
{
    // BEGIN SOLUTION: tokio::time::timeout around read_line; Elapsed becomes TimedOut
    match tokio::time::timeout(limit, read_line(reader, pending, max)).await {
        Ok(result) => result,
        // The timeout dropped the unfinished read_line; `pending` kept its
        // bytes.
        Err(_elapsed) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no whole line within {limit:?}"),
        )),
    }
    // END SOLUTION
}
// ANCHOR_END: read_line_within
