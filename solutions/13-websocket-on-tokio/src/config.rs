//! Every setting of a connection, with a name and a default.

use std::time::Duration;

use handshake::Origins;

// ANCHOR: config
/// How a WebSocket behaves: its deadlines, its queue and its limits.
#[derive(Clone, Debug)]
pub struct Config {
    /// The whole opening handshake, from the first byte read (server) or
    /// the connect (client) to the 101 response.
    pub handshake_timeout: Duration,
    /// Ping the peer once it has been quiet this long; `None`: never.
    pub ping_interval: Option<Duration>,
    /// After a ping, how long the peer has to send anything (a pong, or
    /// any other frame) before the connection is given up. While our bytes
    /// keep leaving (the peer reads), the wait starts again.
    pub pong_timeout: Duration,
    /// Once a close frame went either way, how long to wait for the rest
    /// of the closing handshake and the end of the TCP connection.
    pub close_timeout: Duration,
    /// The most bytes waiting to be written before `send` waits for the
    /// peer to read some (and before the connection stops reading).
    pub max_queued: usize,
    /// The largest frame and message the peer may send (chapter 12).
    pub limits: protocol::Config,
    /// Subprotocols: a server's, favourite first; a client's offer.
    pub subprotocols: Vec<String>,
    /// Which pages a server lets in (chapter 10).
    pub origins: Origins,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            handshake_timeout: Duration::from_secs(10),
            ping_interval: Some(Duration::from_secs(30)),
            pong_timeout: Duration::from_secs(10),
            close_timeout: Duration::from_secs(5),
            max_queued: 64 * 1024,
            limits: protocol::Config::default(),
            subprotocols: Vec::new(),
            origins: Origins::Any,
        }
    }
}
// ANCHOR_END: config
