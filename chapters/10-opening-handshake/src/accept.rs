//! The one piece of cryptography in the handshake: proof that the server read
//! the key.

use base64::prelude::{BASE64_STANDARD, Engine as _};
use sha1::{Digest, Sha1};

// ANCHOR: accept_key
/// The fixed GUID of RFC 6455 section 1.3. No WebSocket server would append it
/// to a key by accident, so an answer that contains the right hash is one from
/// a WebSocket server.
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Exercise 10.1: the `Sec-WebSocket-Accept` value for a client's
/// `Sec-WebSocket-Key` (RFC 6455 section 4.2.2): the SHA-1 hash of the key
/// followed by [`WEBSOCKET_GUID`], in base64.
///
/// The key is used as the text it was sent as; it is not decoded first.
pub fn accept_key(key: &str) -> String {
    todo!("base64 of SHA-1 of the key's bytes, then the GUID's")
}
// ANCHOR_END: accept_key
