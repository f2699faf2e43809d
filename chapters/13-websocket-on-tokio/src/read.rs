//! One read, into a buffer that exists only while the read runs.

use std::future::poll_fn;
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, ReadBuf};

/// How much one read asks for.
pub const READ_SIZE: usize = 16 * 1024;

// ANCHOR: poll_read_with
/// Polls one read into a buffer on the stack and gives the bytes to `take`
/// (no bytes: the peer's end). The buffer is a local of this poll, never
/// part of a future: a task waiting for data holds no buffer at all.
pub fn poll_read_with<S, T>(
    stream: &mut S,
    cx: &mut Context<'_>,
    take: impl FnOnce(&[u8]) -> T,
) -> Poll<io::Result<T>>
where
    S: AsyncRead + Unpin,
{
    // Uninitialised memory is fine: ReadBuf tracks what the read filled.
    let mut buffer = [MaybeUninit::<u8>::uninit(); READ_SIZE];
    let mut buffer = ReadBuf::uninit(&mut buffer);
    ready!(Pin::new(stream).poll_read(cx, &mut buffer))?;
    Poll::Ready(Ok(take(buffer.filled())))
}
// ANCHOR_END: poll_read_with

/// [`poll_read_with`] as a future, for the handshake.
pub async fn read_with<S, T>(
    stream: &mut S,
    mut take: impl FnMut(&[u8]) -> T,
) -> io::Result<T>
where
    S: AsyncRead + Unpin,
{
    poll_fn(|cx| poll_read_with(stream, cx, &mut take)).await
}
