//! Exercise 8.1: a listener and one task per connection.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: serve
/// Accepts connections for ever and echoes each one on a task of its own.
///
/// Returns only when `accept` fails for the listener itself (for example, no
/// file descriptors left).
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    todo!("accept in a loop; tokio::spawn a task that runs echo(stream)")
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Writes back every byte the peer sends, until the peer closes its side.
pub async fn echo(mut stream: TcpStream) -> io::Result<()> {
    todo!("read into a buffer until Ok(0); write_all what each read gave")
}
// ANCHOR_END: echo
