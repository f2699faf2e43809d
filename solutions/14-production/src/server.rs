//! The production server: admission (the connection limit), TLS when it is
//! configured, the opening handshake under its deadline, then a chat member.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use crate::chat;
use crate::limits::{BUSY, Limits};
use crate::rooms::Rooms;

/// Everything a server shares between its connections.
pub struct Server {
    pub limits: Limits,
    /// `Some`: every connection starts with TLS (`wss://`).
    pub tls: Option<TlsAcceptor>,
    pub rooms: Rooms,
}

/// How long a refused client has to read the 503 before the connection
/// closes: closing with its request unread would send a reset, and the
/// client might lose the answer.
const LINGER: Duration = Duration::from_secs(1);

// ANCHOR: serve
/// Accepts connections until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    server: Arc<Server>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(server.limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let tcp = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => tcp,
                Err(error) => {
                    // Out of file descriptors, say: wait for some to be
                    // freed rather than spin on the same error.
                    eprintln!("accept: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // BEGIN SOLUTION: a slot (try_acquire_owned) or refuse
        match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => {
                tokio::spawn(connection(tcp, Arc::clone(&server), slot));
            }
            Err(_) => {
                tokio::spawn(refuse(tcp, server.tls.is_some()));
            }
        }
        // END SOLUTION
    }
}
// ANCHOR_END: serve

// ANCHOR: refuse
/// A client over the limit: 503 over plain TCP, then a short wait for it to
/// read that and close; over TLS only the close.
async fn refuse(mut tcp: TcpStream, tls: bool) {
    if tls {
        return;
    }
    // BEGIN SOLUTION: BUSY, shutdown, read for LINGER at most
    let refused = async {
        tcp.write_all(BUSY).await?;
        tcp.shutdown().await?;
        let mut ignored = [0; 1024];
        while tcp.read(&mut ignored).await? > 0 {}
        io::Result::Ok(())
    };
    let _ = timeout(LINGER, refused).await;
    // END SOLUTION
}
// ANCHOR_END: refuse

/// One admitted connection; its slot is given back when it ends.
async fn connection(
    tcp: TcpStream,
    server: Arc<Server>,
    _slot: OwnedSemaphorePermit,
) {
    let _ = tcp.set_nodelay(true);
    let limits = &server.limits;
    let Some(acceptor) = &server.tls else {
        return member(tcp, &server).await;
    };
    // The TLS handshake is part of the opening handshake: same deadline.
    let deadline = limits.websocket.handshake_timeout;
    match timeout(deadline, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => member(tls, &server).await,
        Ok(Err(error)) => eprintln!("TLS handshake: {error}"),
        Err(_elapsed) => {
            eprintln!("TLS handshake: took longer than {deadline:?}")
        }
    }
}

/// The WebSocket handshake, then the chat, on TCP or TLS alike.
async fn member<S>(stream: S, server: &Server)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let limits = &server.limits;
    let accepted = chat::accept(stream, &server.rooms, &limits.websocket);
    let socket = match accepted.await {
        Ok(Some(joined)) => joined,
        Ok(None) => return, // it asked for the page
        Err(error) => return eprintln!("handshake: {error}"),
    };
    if let Err(error) = chat::member(socket, &server.rooms, limits).await {
        eprintln!("member: {error}");
    }
}
