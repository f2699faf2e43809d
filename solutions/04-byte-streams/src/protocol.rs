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
    // BEGIN SOLUTION: str::from_utf8, split_once(' ') into command and rest, match
    let Ok(request) = std::str::from_utf8(request) else {
        return b"ERROR the request is not UTF-8".to_vec();
    };
    let (command, arguments) = request.split_once(' ').unwrap_or((request, ""));
    let response = match (command, arguments) {
        ("PING", "") => "PONG".to_string(),
        ("SET", arguments) => match arguments.split_once(' ') {
            Some((key, value)) if !key.is_empty() => {
                store.insert(key.to_string(), value.to_string());
                "OK".to_string()
            }
            _ => "ERROR usage: SET key value".to_string(),
        },
        ("GET", key) if !key.is_empty() && !key.contains(' ') => {
            match store.get(key) {
                Some(value) => format!("VALUE {value}"),
                None => "NOT FOUND".to_string(),
            }
        }
        ("PING", _) => "ERROR usage: PING".to_string(),
        ("GET", _) => "ERROR usage: GET key".to_string(),
        (other, _) => format!("ERROR unknown command {other:?}"),
    };
    response.into_bytes()
    // END SOLUTION
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
    // BEGIN SOLUTION: loop: read_frame via a fresh Deadline (None: done), respond, write
    let mut store = Store::new();
    let mut answered = 0;
    while let Some(request) =
        read_frame(&mut Deadline::new(stream, limit), MAX_MESSAGE)?
    {
        let response = respond(&mut store, &request);
        write_frame(&mut &*stream, &response)?;
        answered += 1;
    }
    Ok(answered)
    // END SOLUTION
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
    // BEGIN SOLUTION: write_frame, then read_frame via a Deadline; None: UnexpectedEof
    write_frame(&mut &*stream, request)?;
    read_frame(&mut Deadline::new(stream, limit), MAX_MESSAGE)?.ok_or_else(
        || {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection without answering",
            )
        },
    )
    // END SOLUTION
}
// ANCHOR_END: call
