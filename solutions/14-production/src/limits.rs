//! Every limit the production server sets, in one place, each with a name, a
//! default and the reason for it. A server without limits lets one client,
//! careless or hostile, take what all the others need.

use std::time::Duration;

// ANCHOR: limits
/// The limits of one server. Chapter 13's `Config` has the limits of one
/// connection (the handshake timeout, the frame and message sizes, the
/// outgoing queue, heartbeats); chapter 9's reader refuses a request head
/// over 8 KiB or 100 headers with 431. This adds what only a server sees.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Chapter 13's settings for each connection, with production values.
    pub websocket: websocket::Config,
    /// A member that sends no message for this long is closed (1001,
    /// "idle"). Pongs keep the TCP connection alive, not the member.
    pub idle_timeout: Duration,
    /// The slow-consumer policy: a message that waits longer than this to
    /// be written means the client does not read; it is disconnected, so
    /// it holds neither memory nor a place in the room for ever.
    pub send_timeout: Duration,
    /// Connections served at once; more are refused before their handshake
    /// is read: `503 Service Unavailable` over plain TCP, a closed
    /// connection over TLS (a 503 would cost a TLS handshake).
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // A chat message is text a person typed: 64 KiB is generous, and
        // caps what one connection can make the server hold.
        let mut sizes = websocket::Config::default().limits;
        sizes.max_frame = 64 * 1024;
        sizes.max_message = 64 * 1024;
        let websocket = websocket::Config {
            // A browser's handshake takes one round trip; a slow network a
            // few.
            handshake_timeout: Duration::from_secs(5),
            limits: sizes,
            ..websocket::Config::default()
        };
        Limits {
            websocket,
            idle_timeout: Duration::from_secs(10 * 60),
            send_timeout: Duration::from_secs(10),
            max_connections: 10_000,
        }
    }
}
// ANCHOR_END: limits

/// What a client over the limit of connections reads (RFC 9110 section
/// 15.6.4): come back later, and this connection closes.
pub const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
Connection: close\r\n\
Retry-After: 5\r\n\
Content-Length: 0\r\n\r\n";
