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
    // BEGIN SOLUTION: accept in a loop; tokio::spawn a task that runs echo(stream)
    loop {
        let (stream, _peer) = listener.accept().await?;
        // The task owns its stream; the loop goes straight back to accepting.
        tokio::spawn(async move {
            // One connection's error (a reset) ends that connection only.
            let _ = echo(stream).await;
        });
    }
    // END SOLUTION
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Writes back every byte the peer sends, until the peer closes its side.
pub async fn echo(mut stream: TcpStream) -> io::Result<()> {
    // BEGIN SOLUTION: read into a buffer until Ok(0); write_all what each read gave
    // The buffer lives in the task: while the task waits, this is its memory.
    let mut buffer = [0; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buffer[..n]).await?;
    }
    // END SOLUTION
}
// ANCHOR_END: echo
