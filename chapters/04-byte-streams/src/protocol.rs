//! Exercises 4.6 and 4.7: a small request/response protocol on
//! length-prefixed frames.
//!
//! One request per frame, one response per frame, in the same order. Requests
//! and responses are UTF-8 text:
//!
//! | request         | response                     |
//! |-----------------|------------------------------|
//! | `PING`          | `PONG`                       |
//! | `SET key value` | `OK` (the value may have spaces) |
//! | `GET key`       | `VALUE value`, or `NOT FOUND` |
//! | anything else   | `ERROR` and a reason         |

use std::collections::HashMap;
use std::io;
use std::net::TcpStream;
use std::time::Duration;

use crate::{Deadline, read_frame, write_frame};

// ANCHOR: respond
/// What the server remembers: one store per connection in this chapter.
pub type Store = HashMap<String, String>;

/// The largest request or response either side accepts.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Exercise 4.6: the response to one request, as the table in this file's
/// header says. A bad request gets an `ERROR ...` response, never a panic.
pub fn respond(store: &mut Store, request: &[u8]) -> Vec<u8> {
    todo!("str::from_utf8, split_once(' ') into command and rest, match")
}
// ANCHOR_END: respond

// ANCHOR: serve
/// Exercise 4.7: answer the requests on `stream`, in order, until the
/// client ends the connection between two requests. Returns how many
/// requests were answered.
///
/// Each request must arrive whole within `limit` from the moment the server
/// starts to wait for it, or the server gives up with a `TimedOut` error.
pub fn serve(stream: &TcpStream, limit: Duration) -> io::Result<usize> {
    todo!("loop: read_frame via a fresh Deadline (None: done), respond, write")
}
// ANCHOR_END: serve

// ANCHOR: call
/// Exercise 4.7, the client side: send one request and wait, at most `limit`,
/// for its response. A server that closes the connection instead of answering
/// is an `UnexpectedEof` error.
pub fn call(
    stream: &TcpStream,
    request: &[u8],
    limit: Duration,
) -> io::Result<Vec<u8>> {
    todo!("write_frame, then read_frame via a Deadline; None: UnexpectedEof")
}
// ANCHOR_END: call
