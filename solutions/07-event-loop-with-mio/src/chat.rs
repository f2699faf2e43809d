//! Exercise 7.7: a line chat. Every line a client sends goes to
//! every other client.

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use mio::Token;

use crate::connection::{MAX_OUTPUT, Status};
use crate::nonblocking::{Drained, drain};
use crate::server::{Server, Service};

/// The longest line a client may send, its `\n` included. A longer one gets the
/// client disconnected: the server will not hold an endless line in memory.
pub const MAX_LINE: usize = 4096;

/// Serves the chat to every client of `listener` on the calling thread, until
/// `stop` is set.
pub fn serve_chat(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    Server::new(listener, Service::Chat)?.run(&stop)
}

// ANCHOR: complete_lines
/// Exercise 7.7: takes every complete line (up to and including the last `\n`)
/// out of the front of `input`, and returns them as one block. The unfinished
/// line that may follow stays in `input`.
pub fn complete_lines(input: &mut Vec<u8>) -> Vec<u8> {
    // BEGIN SOLUTION: drain(..=end) up to the last b'\n' (rposition)
    match input.iter().rposition(|&byte| byte == b'\n') {
        Some(end) => input.drain(..=end).collect(),
        None => Vec::new(),
    }
    // END SOLUTION
}
// ANCHOR_END: complete_lines

impl Server {
    // ANCHOR: chat
    /// The chat service, on a readable event: reads lines and sends each
    /// block of complete lines to the others, until the socket has nothing
    /// more to read.
    pub(crate) fn chat(&mut self, token: Token) -> io::Result<Status> {
        loop {
            let Some(connection) = self.connections.get_mut(&token) else {
                return Ok(Status::Closed);
            };
            let stopped =
                drain(&mut connection.stream, &mut connection.input, MAX_LINE)?;
            let lines = complete_lines(&mut connection.input);
            // Full with no `\n` in MAX_LINE bytes: a line too long to keep.
            let too_long = connection.input.len() >= MAX_LINE;
            self.fan_out(token, &lines);
            match stopped {
                Drained::WouldBlock => return Ok(Status::Open),
                Drained::Closed => return Ok(Status::Closed),
                Drained::Full if too_long => return Ok(Status::LineTooLong),
                Drained::Full => continue,
            }
        }
    }
    // ANCHOR_END: chat

    // ANCHOR: fan_out
    /// Exercise 7.7: queues `lines` on every connection but `from`, and sends
    /// what each socket takes now (its interest updated to match).
    ///
    /// The policy for a client that does not read: one whose output reaches
    /// [`MAX_OUTPUT`], or whose socket fails, is closed; the others go on.
    pub(crate) fn fan_out(&mut self, from: Token, lines: &[u8]) {
        // BEGIN SOLUTION: to every other connection; close the failed and full
        if lines.is_empty() {
            return;
        }
        let registry = self.poll.registry();
        let mut to_close = Vec::new();
        for (&token, connection) in &mut self.connections {
            if token == from {
                continue;
            }
            connection.output.extend_from_slice(lines);
            let sent = connection
                .flush()
                .and_then(|()| connection.update_interest(registry, token));
            if sent.is_err() {
                to_close.push((token, Status::Closed));
            } else if connection.output.len() >= MAX_OUTPUT {
                to_close.push((token, Status::TooSlow));
            }
        }
        for (token, why) in to_close {
            self.close(token, why);
        }
        // END SOLUTION
    }
    // ANCHOR_END: fan_out
}
