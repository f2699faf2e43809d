//! The chat server of chapter 14 on loopback, and clients for it: what every
//! server test of the chapter starts from.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chapter_14::limits::Limits;
use chapter_14::relay::{self, Backoff, Link};
use chapter_14::rooms::Rooms;
use chapter_14::server::{Server, serve};
use support::Section;
use support::background::Background;
use support::tokio::{Served, serve_on_loopback, within_async};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use websocket::{Config, Message, WebSocket};

/// Far above what a correct server needs on loopback.
pub const SOON: Duration = Duration::from_secs(5);

/// A server running on its own thread, stopped when dropped.
pub struct Running {
    pub addr: SocketAddr,
    server: Background<Served<std::io::Result<()>>>,
}

impl Running {
    /// A chat URL on this server.
    pub fn url(&self, room: &str) -> String {
        format!("ws://{}/chat/{room}", self.addr)
    }

    pub fn wss_url(&self, host: &str, room: &str) -> String {
        format!("wss://{host}:{}/chat/{room}", self.addr.port())
    }

    /// Stops the server and returns how many of its tasks were still alive.
    pub fn stop(self) -> usize {
        self.server.stop().tasks_left
    }
}

/// Starts the server with `limits`, over TLS when `tls` is given.
pub fn start(limits: Limits, tls: Option<TlsAcceptor>, read: Section) -> Running {
    let (server, addr) = serve_on_loopback("serve()", read, move |listener, shutdown| {
        let (rooms, _no_relay) = Rooms::new();
        let server = Arc::new(Server { limits, tls, rooms });
        serve(listener, server, shutdown.wait())
    });
    Running { addr, server }
}

/// Starts the server with its rooms linked to the other servers through
/// Redis at `redis_url`; returns it and a watch on its relay's link.
pub fn start_linked(redis_url: &str, read: Section) -> (Running, watch::Receiver<Link>) {
    let client = redis::Client::open(redis_url).expect("a Redis URL");
    let (linked, link) = std::sync::mpsc::channel();
    let (server, addr) =
        serve_on_loopback("serve() with a relay", read, move |listener, shutdown| {
            let (rooms, inbox) = Rooms::new();
            let backoff = Backoff {
                first: Duration::from_millis(20),
                most: Duration::from_millis(200),
            };
            let _ = linked.send(relay::spawn(client, rooms.clone(), inbox, backoff));
            let server = Arc::new(Server {
                limits: quick_limits(),
                tls: None,
                rooms,
            });
            serve(listener, server, shutdown.wait())
        });
    let link = link
        .recv_timeout(SOON)
        .expect("the server starts its relay");
    (Running { addr, server }, link)
}

/// Limits for tests: the defaults, with the timeouts a test can wait for.
pub fn quick_limits() -> Limits {
    let mut limits = Limits::default();
    limits.websocket.handshake_timeout = Duration::from_millis(500);
    limits.send_timeout = Duration::from_millis(500);
    limits
}

/// A chat client of `room` at `addr` (chapter 13's client).
pub async fn join(addr: SocketAddr, room: &str, read: Section) -> WebSocket<TcpStream> {
    let what = format!("a client joining {room:?} (chapter 13's connect)");
    let (url, config) = (format!("ws://{addr}/chat/{room}"), Config::default());
    let connected = within_async(SOON, &what, read, websocket::connect(&url, &config));
    match connected.await {
        Ok(socket) => socket,
        Err(error) => panic!("{what}: {error}"),
    }
}

/// The next text message, or what came instead, under a deadline.
pub async fn next_text<S>(socket: &mut WebSocket<S>, who: &str, read: Section) -> String
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let what = format!("{who} to receive a message");
    match within_async(SOON, &what, read, socket.receive()).await {
        Ok(Some(Message::Text(text))) => text,
        other => format!("(not a text message: {other:?})"),
    }
}

/// Two good clients in `room` exchange `rounds` messages both ways; returns
/// how many arrived. What every abuse test checks meanwhile.
pub async fn good_clients_chat(
    addr: SocketAddr,
    room: &str,
    rounds: usize,
    read: Section,
) -> usize {
    let mut alice = join(addr, room, read).await;
    let mut bob = join(addr, room, read).await;
    let mut arrived = 0;
    for round in 0..rounds {
        let line = format!("round {round}");
        alice.send(line.as_str()).await.expect("alice sends");
        // Everyone in the room hears it, the sender too.
        if next_text(&mut bob, "bob", read).await == line {
            arrived += 1;
        }
        if next_text(&mut alice, "alice", read).await == line {
            arrived += 1;
        }
    }
    arrived
}
