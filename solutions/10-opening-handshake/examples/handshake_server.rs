//! A WebSocket server that completes the opening handshake, then shows the raw
//! bytes the client sends next: its first frames, which chapter 11 decodes.
//!
//! ```console
//! $ cargo run -p chapter-10 --example handshake-server       # or: -- 9001
//! ```
//!
//! Then, in a browser's developer console on any page:
//!
//! ```js
//! ws = new WebSocket("ws://127.0.0.1:9001/chat", ["chat.v1"]);
//! ws.onopen = () => ws.send("hello");
//! ```
//!
//! It uses your `accept_websocket` (exercise 10.8), so it works once chapter
//! 10 passes.

use std::io::{self, Read};
use std::net::TcpListener;
use std::time::Duration;

use chapter_10::{Origins, ServerConfig, accept_websocket};

fn main() -> io::Result<()> {
    // A person types this port into a browser, so it is fixed; tests always use
    // port 0.
    let port: u16 = match std::env::args().nth(1) {
        Some(port) => port.parse().map_err(io::Error::other)?,
        None => 9001,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on ws://{}", listener.local_addr()?);
    let config = ServerConfig {
        subprotocols: vec!["chat.v1".to_string()],
        origins: Origins::Any,
    };
    for stream in listener.incoming() {
        let mut stream = stream?;
        let peer = stream.peer_addr()?;
        // A client that sends half a request and waits must not hold the
        // server forever.
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        match accept_websocket(&mut stream, &config) {
            Err(error) => println!("{peer}: refused: {error}"),
            Ok(established) => {
                println!(
                    "{peer}: WebSocket open, subprotocol {:?}",
                    established.subprotocol
                );
                let mut next = established.leftover;
                let mut buffer = [0; 1024];
                if next.is_empty()
                    && let Ok(read) = stream.read(&mut buffer)
                {
                    next.extend_from_slice(&buffer[..read]);
                }
                println!(
                    "{peer}: the next {} bytes, a frame (chapter 11):",
                    next.len()
                );
                for row in next.chunks(16) {
                    let hex: Vec<String> =
                        row.iter().map(|b| format!("{b:02x}")).collect();
                    println!("  {}", hex.join(" "));
                }
            }
        }
    }
    Ok(())
}
