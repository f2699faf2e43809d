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
    // BEGIN SOLUTION: subscribe; select! between read_line and recv from the room
    // Subscribe first: the member hears every line said from now on.
    let mut heard = room.subscribe();
    let (reading, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reading);
    let mut pending = Vec::new();
    loop {
        tokio::select! {
            line = read_line(&mut reader, &mut pending, MAX_LINE) => {
                let Some(line) = line? else { return Ok(()) };
                // Err means nobody listens, not even us: nothing to do.
                let _ = room.send(Said { from: id, line: line.into() });
            }
            said = heard.recv() => match said {
                Ok(said) if said.from == id => {}
                Ok(said) => {
                    let text = format!("{}: {}\n", said.from, said.line);
                    writer.write_all(text.as_bytes()).await?;
                }
                // The channel dropped lines this receiver had not taken: say
                // so.
                Err(RecvError::Lagged(missed)) => {
                    let text = format!("! missed {missed} lines\n");
                    writer.write_all(text.as_bytes()).await?;
                }
                Err(RecvError::Closed) => return Ok(()),
            }
        }
    }
    // END SOLUTION
}
// ANCHOR_END: member
