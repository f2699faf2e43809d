//! Exercise 13.5: keeping time. Heartbeats find a peer that has silently
//! gone (a laptop closed, a cable pulled: no FIN ever comes), and the close
//! timeout ends a closing handshake the peer never finishes.

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::WebSocket;
use crate::error::{Error, Waited};

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    // ANCHOR: next_deadline
    /// When the clock next matters, if ever: while closing, the end of the
    /// close timeout; while a ping is unanswered, the end of the pong
    /// timeout; otherwise when the next ping is due.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        if let Some(since) = self.closing_since {
            return Some(since + self.timing.close_timeout);
        }
        if let Some(sent) = self.ping_sent {
            return Some(sent + self.timing.pong_timeout);
        }
        let interval = self.timing.ping_interval?;
        Some(self.last_heard + interval)
    }
    // ANCHOR_END: next_deadline

    // ANCHOR: on_deadline
    /// Exercise 13.5: the clock reached `next_deadline()` (check: the peer
    /// may have been heard from since, which moves it). Then:
    /// - closing: give up (`self.finished`), and report how the connection
    ///   ended (`self.ending`: `Ok` is a clean close whose TCP end never
    ///   came), or else `Error::Timeout(Waited::Close)`;
    /// - a ping unanswered: give up with `Error::Timeout(Waited::Pong)`;
    /// - otherwise a ping is due: send one (`send_ping`), note when, and
    ///   queue it (`take_output`).
    pub(super) fn on_deadline(&mut self, now: Instant) -> Result<(), Error> {
        // BEGIN SOLUTION: not due: Ok; closing; unanswered ping; else ping
        match self.next_deadline() {
            Some(deadline) if deadline <= now => {}
            _ => return Ok(()),
        }
        if self.closing_since.is_some() {
            self.finished = true;
            return match self.ending.take() {
                Some(ending) => ending,
                None => Err(Error::Timeout(Waited::Close)),
            };
        }
        if self.ping_sent.is_some() {
            self.finished = true;
            return Err(Error::Timeout(Waited::Pong));
        }
        self.connection.send_ping(b"").map_err(Error::Send)?;
        self.ping_sent = Some(now);
        self.take_output();
        Ok(())
        // END SOLUTION
    }
    // ANCHOR_END: on_deadline
}
