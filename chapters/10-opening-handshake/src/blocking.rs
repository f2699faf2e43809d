//! The sans-I/O pieces wired to a blocking stream: a server and a client that
//! complete the handshake over a real connection.
//!
//! Both functions take any `Read + Write`, so they work on a `TcpStream`, on a
//! TLS stream later, and on an in-memory stream in the tests.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use http_head::{Limits, Progress, RequestReader};

use crate::answer::{Answer, ServerConfig, answer};
use crate::client::{client_request, random_key};
use crate::response::{check_response, parse_response};
use crate::url::WsUrl;

// ANCHOR: established
/// A finished handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Established {
    /// The subprotocol both sides agreed on, if any.
    pub subprotocol: Option<String>,
    /// Bytes that arrived in the same read as the end of the head: already the
    /// peer's first WebSocket frames. Whatever reads frames next must start
    /// with these.
    pub leftover: Vec<u8>,
}

/// How much one `read` asks for.
const READ_SIZE: usize = 1024;

/// An error for a peer that broke the protocol, carrying the reason.
fn invalid_data(
    reason: impl std::error::Error + Send + Sync + 'static,
) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason)
}

fn closed_early() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the peer closed the connection before the end of the handshake",
    )
}
// ANCHOR_END: established

// ANCHOR: accept_websocket
/// Exercise 10.8: the server's side of the handshake on a connected stream.
///
/// Read into a `[u8; READ_SIZE]` and feed a `RequestReader` with default limits
/// until the head is done. A head the reader refuses gets
/// `http_head::rejection(&error)`; a request gets `answer(..)`'s response.
/// Write the response and flush. Then an accepted handshake returns what was
/// agreed and the bytes after the head; a refused one returns an `InvalidData`
/// error ([`invalid_data`]) carrying the reason. A peer that closes first (a
/// read of 0 bytes) is [`closed_early`].
pub fn accept_websocket<S: Read + Write>(
    stream: &mut S,
    config: &ServerConfig,
) -> io::Result<Established> {
    todo!("read and feed until Done; write the answer; flush")
}
// ANCHOR_END: accept_websocket

// ANCHOR: client_handshake
/// Exercise 10.8: the client's side of the handshake on a connected stream.
///
/// Make a key, write the request for `url` offering `subprotocols`, and flush.
/// Then read (into a `[u8; READ_SIZE]`), appending to everything received,
/// until `parse_response` finds a whole head; check it with `check_response`.
/// Either one's error is [`invalid_data`]; a read of 0 bytes is
/// [`closed_early`]. The bytes after the head are the `leftover`.
pub fn client_handshake<S: Read + Write>(
    stream: &mut S,
    url: &WsUrl,
    subprotocols: &[&str],
) -> io::Result<Established> {
    todo!("write the request, read until a head parses, check it")
}
// ANCHOR_END: client_handshake

// ANCHOR: connect
/// Connects to a `ws://` URL and completes the handshake: a blocking
/// WebSocket client's first step. Every connect, read and write of the
/// handshake gives up after `timeout`. The stream comes back without those
/// timeouts: a WebSocket may stay quiet for hours, and how long to wait is
/// the caller's choice from then on.
pub fn connect(
    url: &str,
    subprotocols: &[&str],
    timeout: Duration,
) -> io::Result<(TcpStream, Established)> {
    let url = WsUrl::parse(url)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut last_error =
        io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    // A name may have several addresses (IPv6 and IPv4): try each in turn.
    for address in (url.host.as_str(), url.port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(mut stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                let established =
                    client_handshake(&mut stream, &url, subprotocols)?;
                stream.set_read_timeout(None)?;
                stream.set_write_timeout(None)?;
                return Ok((stream, established));
            }
            Err(error) => last_error = error,
        }
    }
    Err(last_error)
}
// ANCHOR_END: connect
