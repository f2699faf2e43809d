//! The client's half of the opening handshake: a fresh key and the request that
//! carries it.

use std::fmt::Write as _;
use std::io;

use base64::prelude::{BASE64_STANDARD, Engine as _};

use crate::url::WsUrl;

// ANCHOR: random_key
/// Exercise 10.6: a new `Sec-WebSocket-Key`: 16 random bytes in base64
/// (RFC 6455 section 4.1). A fresh key per connection shows that the answer was
/// made for this request, not replayed from an old one or a cache.
///
/// `getrandom::fill` reads the operating system's random source; its error
/// becomes an `io::Error` with `io::Error::other`.
pub fn random_key() -> io::Result<String> {
    todo!("16 bytes from getrandom::fill, BASE64_STANDARD encoded")
}
// ANCHOR_END: random_key

// ANCHOR: client_request
/// Exercise 10.6: the opening request for `url` (RFC 6455 section 4.1),
/// with these lines in this order, each ending in CRLF, and an empty line
/// at the end:
///
/// ```text
/// GET <url.resource> HTTP/1.1
/// Host: <url.host_header()>
/// Upgrade: websocket
/// Connection: Upgrade
/// Sec-WebSocket-Key: <key>
/// Sec-WebSocket-Version: 13
/// Sec-WebSocket-Protocol: <subprotocols joined by ", "; only if there are any>
/// ```
pub fn client_request(
    url: &WsUrl,
    key: &str,
    subprotocols: &[&str],
) -> Vec<u8> {
    todo!("write the request line and headers above, then the empty line")
}
// ANCHOR_END: client_request
