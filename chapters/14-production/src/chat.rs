//! A chat member on a WebSocket: the handshake names the room
//! (`/chat/<room>`), then every text message the client sends goes to the
//! room, and everything said in the room goes to the client.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, sleep_until, timeout};
use websocket::{Config, Error, Message, WebSocket};

use crate::limits::Limits;
use crate::page::PAGE;
use crate::rooms::{Rooms, Said};

/// The longest room name; a name is letters, digits, `-` and `_`.
pub const MAX_ROOM_NAME: usize = 64;

/// A client that completed the handshake, in the room it asked for.
pub struct Joined<S> {
    pub room: Arc<str>,
    /// What the room says, from before the client had its 101.
    pub heard: broadcast::Receiver<Said>,
    pub socket: WebSocket<S>,
}

// ANCHOR: room_of
/// The room in a request target `/chat/<room>`, if it is one: 1 to
/// [`MAX_ROOM_NAME`] ASCII letters, digits, `-` and `_`. A room name is
/// input like any other: it becomes a key in memory and a Redis channel.
pub fn room_of(target: &str) -> Option<&str> {
    todo!("strip \"/chat/\", then check the length and every char")
}
// ANCHOR_END: room_of

/// The server's handshake (chapter 13's pieces) within
/// `config.handshake_timeout`, for a request to a room: `Ok(None)` when the
/// request was for the page instead, which is sent. Any other target is
/// answered `404 Not Found`. The client joins the room before its 101 goes
/// out: once it has the answer, it hears everything said there.
pub async fn accept<S>(
    mut stream: S,
    rooms: &Rooms,
    config: &Config,
) -> Result<Option<Joined<S>>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let handshake = async {
        let (request, leftover) = websocket::read_request(&mut stream).await?;
        let path = request.target.split('?').next().unwrap_or_default();
        if path == "/" {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                PAGE.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(PAGE.as_bytes()).await?;
            stream.shutdown().await?;
            return Ok(None);
        }
        let Some(room) = room_of(&request.target) else {
            stream.write_all(NOT_FOUND).await?;
            stream.flush().await?;
            let why = format!("no room at {:?}", request.target);
            return Err(Error::Handshake(why));
        };
        let room: Arc<str> = room.into();
        let heard = rooms.join(&room);
        let socket = websocket::upgrade(stream, &request, &leftover, config);
        Ok(Some(Joined {
            room,
            heard,
            socket: socket.await?,
        }))
    };
    match timeout(config.handshake_timeout, handshake).await {
        Ok(joined) => joined,
        Err(_elapsed) => Err(Error::Timeout(websocket::Waited::Handshake)),
    }
}

const NOT_FOUND: &[u8] =
    b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

// ANCHOR: member
/// One member, until its connection ends: what it says goes to the room,
/// what the room hears goes to it, within the limits: idle members are
/// closed (1001), and slow consumers dropped.
pub async fn member<S>(
    joined: Joined<S>,
    rooms: &Rooms,
    limits: &Limits,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Joined {
        room,
        mut heard,
        mut socket,
    } = joined;
    todo!("select! on receive(), heard.recv() and the idle deadline")
}
// ANCHOR_END: member

fn too_slow() -> Error {
    let why = "the client does not read what it is sent";
    Error::Io(io::Error::new(io::ErrorKind::TimedOut, why))
}
