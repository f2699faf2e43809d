//! The echo server's connection: what the example, the Autobahn adapter
//! and the tests all run.

use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::Error;
use crate::websocket::WebSocket;

// ANCHOR: echo
/// Sends every message back, until the connection ends.
pub async fn echo<S>(socket: &mut WebSocket<S>) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    while let Some(message) = socket.receive().await? {
        socket.send(message).await?;
    }
    Ok(())
}
// ANCHOR_END: echo
