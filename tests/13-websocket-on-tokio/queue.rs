//! Chapter 13, exercise 13.4: a bounded queue, and a peer that never reads.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use chapter_13::{Config, Error, Message, Role, Waited, WebSocket};
use peers::*;
use support::tokio::{listener, run};
use support::{Book, Section, expect_eq, expect_that};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const QUEUE: Section = BOOK.section("13.4 A bounded queue");

const MESSAGE: usize = 16 * 1024;
const MAX_QUEUED: usize = 64 * 1024;

#[test]
fn a_peer_that_never_reads_holds_the_sender_and_not_memory() {
    let config = Config {
        ping_interval: Some(Duration::from_millis(200)),
        max_queued: MAX_QUEUED,
        ..quick_config()
    };
    let what = "send() to a peer that never reads \
                (Err(Timeout(Pong)) after ping_interval + pong_timeout: the \
                sender waits for room and for the clock)";
    let (sent, most_queued, most_memory, ending) =
        run(SOON, what, QUEUE, async move {
            let (listener, addr) = listener().await;
            // Connected, handshake done, and then it reads nothing.
            let client = raw_client(addr, b"");
            let server = async {
                let mut socket = accept_one(&listener, &config).await;
                let (mut sent, mut most_queued, mut most_memory) = (0, 0, 0);
                let message = Message::Binary(vec![7; MESSAGE]);
                let ending = loop {
                    if let Err(error) = socket.send(message.clone()).await {
                        break format!("Err({error:?})");
                    }
                    sent += MESSAGE;
                    most_queued = most_queued.max(socket.queued());
                    most_memory = most_memory.max(socket.buffer_capacity());
                    if sent > 256 << 20 {
                        break "still sending after 256 MiB".to_string();
                    }
                };
                (sent, most_queued, most_memory, ending)
            };
            let (_client, outcome) = tokio::join!(client, server);
            outcome
        });
    expect_eq(
        ending,
        format!("Err({:?})", Error::Timeout(Waited::Pong)),
        "how send() ended with a peer that reads nothing",
        QUEUE,
    );
    expect_that(
        most_queued <= MAX_QUEUED,
        "the most bytes queued after a send() returned",
        &format!("at most max_queued, {MAX_QUEUED}"),
        most_queued,
        QUEUE,
    );
    // buffer_capacity() counts the queue's memory: at least what it held.
    expect_that(
        most_memory >= most_queued
            && most_memory <= 2 * MAX_QUEUED + 2 * MESSAGE,
        "the most memory the connection's buffers held",
        &format!("about max_queued ({MAX_QUEUED}) and a message ({MESSAGE})"),
        most_memory,
        QUEUE,
    );
    expect_that(
        sent < 64 << 20,
        "bytes send() accepted before the sender had to wait for good",
        "what the kernel's buffers hold, a few MiB",
        sent,
        QUEUE,
    );
}

#[test]
fn a_peer_that_reads_late_gets_every_message_in_order() {
    let config = Config {
        max_queued: 4 * 1024,
        ..Config::default()
    };
    let (server, addr) = echo_server(config, QUEUE);
    let what = "256 messages of 16 KiB echoed through a 4 KiB queue";
    let count = support::within(SOON, what, QUEUE, move || {
        let mut client = tungstenite_client(addr);
        // The client reads each echo 8 messages late: the server's sends
        // wait for it, again and again.
        const LAG: u32 = 8;
        let mut count = 0u32;
        for i in 0..256 + LAG {
            if i < 256 {
                let mut data = vec![0; 16 << 10];
                data[..4].copy_from_slice(&i.to_be_bytes());
                client.send(tungstenite::Message::binary(data)).unwrap();
            }
            if i >= LAG {
                match client.read() {
                    Ok(tungstenite::Message::Binary(data))
                        if data[..4] == count.to_be_bytes() =>
                    {
                        count += 1;
                    }
                    _ => break,
                }
            }
        }
        count
    });
    expect_eq(count, 256, "messages echoed back, in order", QUEUE);
    server.stop();
}

/// A stream that counts the writes tried on it: a sender that waits for
/// room by spinning tries thousands, one that sleeps until woken a few.
struct CountingWrites {
    inner: tokio::io::DuplexStream,
    writes: Arc<AtomicUsize>,
}

impl AsyncWrite for CountingWrites {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes.fetch_add(1, Ordering::Relaxed);
        Pin::new(&mut self.inner).poll_write(cx, bytes)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl AsyncRead for CountingWrites {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

#[test]
fn a_sender_waiting_for_room_sleeps_instead_of_spinning() {
    let what = "writes tried while send() waits 500 ms for a peer to read, \
                with no ping_interval (no deadline to wait for)";
    let config = Config {
        ping_interval: None,
        max_queued: 1024,
        ..Config::default()
    };
    let writes = Arc::new(AtomicUsize::new(0));
    let counted = writes.clone();
    let sent = run(SOON, what, QUEUE, async move {
        // 4 KiB between the ends: a 64 KiB message waits for the peer.
        let (ours, mut peer) = tokio::io::duplex(4096);
        let stream = CountingWrites {
            inner: ours,
            writes: counted,
        };
        let mut socket = WebSocket::new(stream, Role::Server, &config);
        let server = async {
            let sent = socket.send(vec![7; 64 * 1024]).await;
            format!("{sent:?}")
        };
        let client = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut buffer = vec![0; 64 * 1024];
            // Read until the sender is done (its send() returned) or the
            // whole message came.
            let mut read = 0;
            while read < 60 * 1024 {
                match peer.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
        };
        tokio::join!(server, client).0
    });
    expect_eq(sent, "Ok(())".to_string(), "what send() returned", QUEUE);
    let writes = writes.load(Ordering::Relaxed);
    // Sleeping until woken: a write each time the peer makes room, about
    // 64 KiB / 4 KiB. A loop whose select! takes a sleep_until(now) branch
    // when there is no deadline tries one each millisecond: 500 or more.
    expect_that(
        writes <= 100,
        what,
        "a few dozen at most: a write each time the peer made room \
         (a deadline branch only if next_deadline() is Some)",
        writes,
        QUEUE,
    );
}
