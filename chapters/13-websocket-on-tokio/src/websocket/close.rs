//! Exercise 13.6: the end of a connection, in the order RFC 6455 section
//! 7.1.1 asks: close frames both ways, then the server closes TCP first.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;

use protocol::State;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, timeout_at};

use super::WebSocket;
use crate::error::Error;
use crate::message::Message;
use crate::read::read_with;

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    // ANCHOR: close
    /// Starts the closing handshake with `code` and `reason`, and waits for
    /// its end: messages that still arrive are dropped. Takes at most
    /// `Config::close_timeout`.
    pub async fn close(
        &mut self,
        code: u16,
        reason: &str,
    ) -> Result<(), Error> {
        if self.connection.state() == State::Open {
            self.connection.close(code, reason).map_err(Error::Send)?;
            self.closing_since = Some(Instant::now());
        }
        while self.receive().await?.is_some() {}
        Ok(())
    }

    /// The closing handshake is over (or the connection failed): close the
    /// socket within what is left of the close timeout, then tell the
    /// application how the connection ended.
    pub(super) async fn finish(&mut self) -> Result<Option<Message>, Error> {
        let since = *self.closing_since.get_or_insert_with(Instant::now);
        let deadline = since + self.timing.close_timeout;
        // An error or a timeout here means the peer is gone already: the
        // connection ended as `ending` says either way.
        let _ = timeout_at(deadline, self.close_socket()).await;
        self.finished = true;
        self.queue = Vec::new();
        self.written = 0;
        match self.ending.take() {
            Some(Err(error)) => Err(error),
            _ => Ok(None),
        }
    }
    // ANCHOR_END: close

    // ANCHOR: close_socket
    /// Exercise 13.6: close the TCP connection in the right order. First
    /// write everything queued (our close frame is in there:
    /// `poll_write_all`), then close our direction (`poll_shutdown`: a FIN
    /// after our last byte), then read and drop until the peer's end of
    /// stream (`read_with`), unless `self.eof` says it came already.
    /// Closing with unread bytes would send a reset, which can destroy our
    /// last frames before the peer reads them.
    async fn close_socket(&mut self) -> io::Result<()> {
        todo!("poll_write_all, poll_shutdown, read until 0 bytes")
    }
    // ANCHOR_END: close_socket
}
