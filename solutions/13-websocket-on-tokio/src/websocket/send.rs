//! Exercise 13.4: sending, with a bound on what waits to be written.

use std::future::poll_fn;
use std::task::Poll;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::{Instant, sleep_until};

use super::WebSocket;
use crate::error::Error;
use crate::message::Message;

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocket<S> {
    // ANCHOR: send
    /// Queues `message`, writes what the socket takes now, and waits while
    /// more than `Config::max_queued` bytes are still queued.
    pub async fn send(
        &mut self,
        message: impl Into<Message>,
    ) -> Result<(), Error> {
        let sent = match message.into() {
            Message::Text(text) => self.connection.send_text(text),
            Message::Binary(data) => self.connection.send_binary(data),
        };
        sent.map_err(Error::Send)?;
        self.take_output();
        self.write_now().await?;
        self.wait_for_room(self.timing.max_queued).await
    }

    /// Waits until everything queued is written and flushed.
    pub async fn flush(&mut self) -> Result<(), Error> {
        self.take_output();
        self.wait_for_room(0).await?;
        poll_fn(|cx| self.poll_write_all(cx)).await?;
        Ok(())
    }
    // ANCHOR_END: send

    // ANCHOR: wait_for_room
    /// Exercise 13.4: the sender waits (backpressure) until at most `bound`
    /// bytes are queued. Meanwhile keep writing (`poll_io`, not reading:
    /// this is the sender's time, and what arrives would pile up unread),
    /// and let the deadlines run (`next_deadline`, `on_deadline`): a peer
    /// that reads nothing is given up on once its pong is overdue, instead
    /// of holding the sender, and memory, for ever.
    async fn wait_for_room(&mut self, bound: usize) -> Result<(), Error> {
        // BEGIN SOLUTION: while over bound: select! poll_io(cx, false) or deadline
        while self.queued() > bound {
            let deadline = self.next_deadline();
            tokio::select! {
                moved = poll_fn(|cx| self.poll_io(cx, false)) => moved?,
                () = sleep_until(deadline.unwrap_or_else(Instant::now)),
                    if deadline.is_some() =>
                {
                    self.on_deadline(Instant::now())?;
                }
            }
        }
        Ok(())
        // END SOLUTION
    }
    // ANCHOR_END: wait_for_room

    /// Writes what the socket takes, without waiting for more room.
    async fn write_now(&mut self) -> Result<(), Error> {
        poll_fn(|cx| match self.poll_io(cx, false) {
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            _ => Poll::Ready(Ok(())),
        })
        .await?;
        Ok(())
    }
}
