//! Exercises 13.2 and 13.3: moving bytes between the socket and the core.
//!
//! A child module of `websocket`, so it may use the private fields.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;

use super::WebSocket;
use crate::read::poll_read_with;

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    // ANCHOR: poll_io
    /// Makes what progress the socket allows: writes the queue, and reads
    /// (if `may_read`, and the queue is within its bound: a peer that does
    /// not read our answers does not get to send more questions). Ready
    /// once anything moved. A peer that reads counts as alive as much as
    /// one that sends.
    pub(super) fn poll_io(
        &mut self,
        cx: &mut Context<'_>,
        may_read: bool,
    ) -> Poll<io::Result<()>> {
        let mut moved = false;
        let to_write = self.queued() > 0 || self.unflushed;
        if to_write && let Poll::Ready(result) = self.poll_write_queue(cx) {
            result?;
            moved = true;
            // The socket took bytes: once its buffers are full, that means
            // the peer is reading, and its pong may be behind our bytes.
            // The wait for it starts again.
            if self.ping_sent.is_some() {
                self.ping_sent = Some(Instant::now());
            }
        }
        let room = self.queued() <= self.timing.max_queued;
        let to_read = may_read && room && !self.eof;
        if to_read && let Poll::Ready(result) = self.poll_read_in(cx) {
            result?;
            moved = true;
        }
        if moved {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }
    // ANCHOR_END: poll_io

    // ANCHOR: poll_read_in
    /// Exercise 13.2: one read from the socket into the core. Use
    /// `poll_read_with` (a buffer on the stack, for this poll only); give
    /// the bytes to `receive_data`, or, when there are none, note the end
    /// of the stream in `self.eof` and tell the core (`receive_eof`).
    /// Either way the peer was heard from: `last_heard` is now, and any ping
    /// is answered.
    pub(super) fn poll_read_in(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        todo!("poll_read_with; receive_data or eof; last_heard, ping_sent")
    }
    // ANCHOR_END: poll_read_in

    // ANCHOR: poll_write_queue
    /// Exercise 13.3: write the queue, `self.queue[self.written..]`, as far
    /// as the socket takes it now, then flush. Ready once something was
    /// written (or the flush finished); Pending when the socket is full. A
    /// write of 0 bytes is an error (`io::ErrorKind::WriteZero`). Once all
    /// is written, give the memory back (`Vec::new()`) and flush, keeping
    /// `self.unflushed` true until the flush is done.
    pub(super) fn poll_write_queue(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        todo!("poll_write the rest; free the queue; poll_flush")
    }
    // ANCHOR_END: poll_write_queue

    /// Writes the whole queue and flushes, for `flush` and the close.
    pub(super) fn poll_write_all(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        while self.queued() > 0 || self.unflushed {
            ready!(self.poll_write_queue(cx))?;
        }
        Poll::Ready(Ok(()))
    }
}
