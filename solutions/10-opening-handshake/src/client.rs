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
    // BEGIN SOLUTION: 16 bytes from getrandom::fill, BASE64_STANDARD encoded
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(io::Error::other)?;
    Ok(BASE64_STANDARD.encode(nonce))
    // END SOLUTION
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
    // BEGIN SOLUTION: write the request line and headers above, then the empty line
    let mut head = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        head,
        "GET {} HTTP/1.1\r\n\
         Host: {}\r\n\
         Upgrade: websocket\r\n\
         Connection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\n\
         Sec-WebSocket-Version: 13\r\n",
        url.resource,
        url.host_header(),
    );
    if !subprotocols.is_empty() {
        let _ = write!(
            head,
            "Sec-WebSocket-Protocol: {}\r\n",
            subprotocols.join(", ")
        );
    }
    head.push_str("\r\n");
    head.into_bytes()
    // END SOLUTION
}
// ANCHOR_END: client_request
