//! One WebSocket connection over a stream: the sans-I/O `Connection` of
//! chapter 12, the socket, and the clock.
//!
//! ```text
//!  socket ──read──▶ Connection ──events──▶ receive() ──▶ application
//!  socket ◀─write── queued bytes ◀──────── send()    ◀── application
//!                     ▲ pongs, close replies, heartbeat pings
//! ```
//!
//! Nothing runs in the background: the connection moves only while the
//! application awaits `receive`, `send`, `flush` or `close`. One task per
//! connection, and no buffer held while it waits.

mod close;
mod heartbeat;
mod io;
mod send;

use std::future::poll_fn;

use protocol::{CloseFrame, Connection, Event, Role};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Duration, Instant, sleep_until};

use crate::config::Config;
use crate::error::Error;
use crate::message::Message;

/// The settings a live connection needs; the rest of [`Config`] is for the
/// handshake and the core.
#[derive(Clone, Copy, Debug)]
struct Timing {
    ping_interval: Option<Duration>,
    pong_timeout: Duration,
    close_timeout: Duration,
    max_queued: usize,
}

// ANCHOR: websocket
/// A WebSocket over a stream `S`: a `TcpStream` here, a TLS stream in
/// chapter 14.
pub struct WebSocket<S> {
    stream: S,
    connection: Connection,
    timing: Timing,
    /// What the connection produced that the socket has not taken yet:
    /// `queue[written..]`. Empty (no allocation) when all is written.
    queue: Vec<u8>,
    written: usize,
    /// All of `queue` was written but not flushed yet (a TLS stream may
    /// hold bytes until flushed).
    unflushed: bool,
    /// When the peer last sent anything: proof that it is alive.
    last_heard: Instant,
    /// When our ping went out, while it is unanswered.
    ping_sent: Option<Instant>,
    /// When a close frame went either way, or the connection failed.
    closing_since: Option<Instant>,
    /// The peer's end of the stream has been read.
    eof: bool,
    /// How the connection ended, before the application has been told.
    ending: Option<Result<(), Error>>,
    /// The application has been told: nothing more happens.
    finished: bool,
    /// The peer's close frame, once it came.
    close_frame: Option<CloseFrame>,
    subprotocol: Option<String>,
}
// ANCHOR_END: websocket

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    /// A WebSocket over a stream whose opening handshake is done.
    pub fn new(stream: S, role: Role, config: &Config) -> Self {
        WebSocket {
            stream,
            connection: Connection::with_config(role, config.limits.clone()),
            timing: Timing {
                ping_interval: config.ping_interval,
                pong_timeout: config.pong_timeout,
                close_timeout: config.close_timeout,
                max_queued: config.max_queued,
            },
            queue: Vec::new(),
            written: 0,
            unflushed: false,
            last_heard: Instant::now(),
            ping_sent: None,
            closing_since: None,
            eof: false,
            ending: None,
            finished: false,
            close_frame: None,
            subprotocol: None,
        }
    }

    /// Bytes that came with the end of the handshake: the peer's first
    /// frames.
    pub(crate) fn receive_leftover(&mut self, leftover: &[u8]) {
        if !leftover.is_empty() {
            self.connection.receive_data(leftover);
        }
    }

    pub(crate) fn set_subprotocol(&mut self, subprotocol: Option<String>) {
        self.subprotocol = subprotocol;
    }

    /// The subprotocol both sides agreed on in the handshake, if any.
    pub fn subprotocol(&self) -> Option<&str> {
        self.subprotocol.as_deref()
    }

    /// The peer's close frame (code and reason), once it has come.
    pub fn close_frame(&self) -> Option<&CloseFrame> {
        self.close_frame.as_ref()
    }

    /// The stream underneath, for its addresses or options.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// Bytes waiting to be written.
    pub fn queued(&self) -> usize {
        self.queue.len() - self.written
    }

    /// The bytes of memory this connection's buffers hold now (the
    /// core's and the queue), for measurements.
    pub fn buffer_capacity(&self) -> usize {
        self.connection.buffer_capacity() + self.queue.capacity()
    }

    // ANCHOR: receive
    /// The next message from the peer. Meanwhile: reads, answers pings and
    /// close frames, writes what is queued, sends heartbeats, and closes
    /// the socket when the closing handshake is over.
    ///
    /// `Ok(None)`: the connection closed cleanly (see [`Self::close_frame`]).
    /// An error ends the connection too; after either, `Ok(None)`.
    ///
    /// Cancel safe: every byte read is in the core at once, so a `select!`
    /// may drop this future and call again without losing anything.
    pub async fn receive(&mut self) -> Result<Option<Message>, Error> {
        loop {
            if self.finished {
                return Ok(None);
            }
            if let Some(message) = self.next_message() {
                return Ok(Some(message));
            }
            self.take_output();
            if self.ending.is_some() && self.connection.should_close_tcp() {
                return self.finish().await;
            }
            if self.connection.close_expected() && self.closing_since.is_none()
            {
                self.closing_since = Some(Instant::now());
            }
            let deadline = self.next_deadline();
            tokio::select! {
                moved = poll_fn(|cx| self.poll_io(cx, true)) => {
                    if let Err(error) = moved {
                        return self.end_with_error(error.into());
                    }
                }
                () = sleep_until(deadline.unwrap_or_else(Instant::now)),
                    if deadline.is_some() =>
                {
                    if let Err(error) = self.on_deadline(Instant::now()) {
                        return self.end_with_error(error);
                    }
                }
            }
        }
    }
    // ANCHOR_END: receive

    /// Takes the core's events until one is a message. Pings are answered
    /// by the core already; the end of the connection is noted.
    fn next_message(&mut self) -> Option<Message> {
        while let Some(event) = self.connection.next_event() {
            match event {
                Event::Text(text) => return Some(Message::Text(text)),
                Event::Binary(data) => return Some(Message::Binary(data)),
                Event::Ping(_) | Event::Pong(_) => {}
                Event::Close { code, .. }
                    if code == protocol::code::ABNORMAL_CLOSURE =>
                {
                    self.ending = Some(Err(Error::Lost));
                }
                Event::Close { code, reason } => {
                    self.close_frame = Some(CloseFrame { code, reason });
                    self.ending = Some(Ok(()));
                }
                Event::Failed(error) => {
                    self.ending = Some(Err(Error::Protocol(error)));
                }
            }
        }
        None
    }

    /// Moves what the core produced into the queue.
    fn take_output(&mut self) {
        let bytes = self.connection.data_to_send();
        if bytes.is_empty() {
            return;
        }
        if self.queued() == 0 {
            // The usual case: the core's buffer becomes the queue, no copy.
            self.queue = bytes;
            self.written = 0;
        } else {
            self.queue.extend_from_slice(&bytes);
        }
    }

    /// The connection is over, badly: the application hears it once.
    fn end_with_error(
        &mut self,
        error: Error,
    ) -> Result<Option<Message>, Error> {
        self.finished = true;
        self.queue = Vec::new();
        self.written = 0;
        match self.ending.take() {
            // The closing handshake was over: what failed after it (a
            // reset, a timeout) does not make it less clean.
            Some(Ok(())) => Ok(None),
            // The first thing that went wrong is the one to tell.
            Some(Err(first)) => Err(first),
            None => Err(error),
        }
    }
}
