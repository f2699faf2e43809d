//! Exercise 8.6: a chat room on a broadcast channel.
//!
//! Every line a member sends goes to every other member as `<id>: <line>`. A
//! member whose connection cannot keep up misses lines, and is told how many.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use crate::lines::{MAX_LINE, read_line};

/// One line said in the room, shared by all receivers without copying the text.
#[derive(Debug, Clone)]
pub struct Said {
    pub from: u64,
    pub line: Arc<str>,
}

/// Accepts members for ever; `capacity` lines wait in the room for a slow
/// member.
pub async fn serve(listener: TcpListener, capacity: usize) -> io::Result<()> {
    let (room, _) = broadcast::channel(capacity);
    let mut next_id = 0;
    loop {
        let (stream, _peer) = listener.accept().await?;
        next_id += 1;
        tokio::spawn(member(stream, next_id, room.clone()));
    }
}

// ANCHOR: member
/// One member of the room: sends what the client says to the room, and writes
/// what the others say to the client. A lagging receiver writes `! missed <n>
/// lines` and goes on.
pub async fn member(
    stream: TcpStream,
    id: u64,
    room: broadcast::Sender<Said>,
) -> io::Result<()> {
    todo!("subscribe; select! between read_line and recv from the room")
}
// ANCHOR_END: member
