//! The chat server: a page over plain HTTP, and a room of WebSockets.
//! The browser test runs it too (tests/13-websocket-on-tokio/browser.rs).

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};

use chapter_13::{
    Config, Error, Message, WebSocket, code, read_request, upgrade,
};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// The page, with its script: connect to /ws, show what arrives.
const PAGE: &str = include_str!("page.html");

/// How many messages may wait for one member before it counts as too slow
/// and is dropped: the room never waits for its slowest member.
const MEMBER_QUEUE: usize = 32;

/// Every member's queue, by member number.
#[derive(Clone, Default)]
struct Room {
    members: Arc<Mutex<HashMap<u64, mpsc::Sender<Arc<str>>>>>,
}

// ANCHOR: broadcast
impl Room {
    fn join(&self, id: u64) -> mpsc::Receiver<Arc<str>> {
        let (sender, receiver) = mpsc::channel(MEMBER_QUEUE);
        self.lock().insert(id, sender);
        receiver
    }

    fn leave(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Offers `text` to every member without waiting for any. A member
    /// whose queue is full is dropped: its task sees its queue end and
    /// closes the connection.
    fn broadcast(&self, text: &str) {
        let text: Arc<str> = Arc::from(text);
        self.lock()
            .retain(|_, member| member.try_send(text.clone()).is_ok());
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::Sender<Arc<str>>>> {
        // A panic while the lock is held leaves the map as it was: use it.
        self.members
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
// ANCHOR_END: broadcast

pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let room = Room::default();
    let config = Arc::new(Config::default());
    for id in 0.. {
        let (stream, _) = listener.accept().await?;
        let (room, config) = (room.clone(), Arc::clone(&config));
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            if let Err(error) = route(stream, id, &room, &config).await {
                eprintln!("connection {id}: {error}");
            }
        });
    }
    Ok(())
}

/// One request: the page, the WebSocket, or nothing.
async fn route(
    mut stream: TcpStream,
    id: u64,
    room: &Room,
    config: &Config,
) -> Result<(), Error> {
    let read = timeout(config.handshake_timeout, read_request(&mut stream));
    let Ok(request) = read.await else {
        return Err(Error::Timeout(chapter_13::Waited::Handshake));
    };
    let (request, leftover) = request?;
    let path = request.target.split('?').next().unwrap_or("");
    match (request.method.as_str(), path) {
        ("GET", "/ws") => {
            let socket = upgrade(stream, &request, &leftover, config).await?;
            chat(socket, id, room).await
        }
        ("GET", "/") => respond(&mut stream, "200 OK", PAGE).await,
        _ => respond(&mut stream, "404 Not Found", "not found\n").await,
    }
}

/// A plain HTTP response, then the end of the connection.
async fn respond(
    stream: &mut TcpStream,
    status: &str,
    body: &str,
) -> Result<(), Error> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(())
}

// ANCHOR: chat
/// One member: what it says goes to the room, what the room says comes
/// to it. `receive` is cancel safe, so `select!` may drop it for the other
/// branch without losing a byte.
async fn chat(
    mut socket: WebSocket<TcpStream>,
    id: u64,
    room: &Room,
) -> Result<(), Error> {
    let mut inbox = room.join(id);
    let ended = loop {
        tokio::select! {
            received = socket.receive() => match received {
                Ok(Some(Message::Text(text))) => room.broadcast(&text),
                Ok(Some(Message::Binary(_))) => {}
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            },
            said = inbox.recv() => match said {
                Some(text) => {
                    if let Err(error) = socket.send(text.to_string()).await {
                        break Err(error);
                    }
                }
                // The room dropped us: we could not keep up.
                None => {
                    let why = "too slow";
                    break socket.close(code::POLICY_VIOLATION, why).await;
                }
            },
        }
    };
    room.leave(id);
    ended
}
// ANCHOR_END: chat
