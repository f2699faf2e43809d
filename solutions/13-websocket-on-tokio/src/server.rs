//! Exercise 13.1: the server's side of the opening handshake, on any stream,
//! under a deadline.

use handshake::{Answer, ServerConfig, answer};
use http_head::{Limits, Progress, Request, RequestReader};
use protocol::Role;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

use crate::config::Config;
use crate::error::{Error, Waited};
use crate::read::read_with;
use crate::websocket::WebSocket;

/// Reads an HTTP request head (chapter 9's reader): the request, and the
/// bytes after it, which are already the client's first frames. A head the
/// reader refuses gets its error response. No deadline: the caller sets
/// one.
pub async fn read_request<S>(
    stream: &mut S,
) -> Result<(Request, Vec<u8>), Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut reader = RequestReader::new(Limits::default());
    loop {
        let fed = read_with(stream, |bytes| match bytes {
            [] => None,
            bytes => Some(reader.feed(bytes).map(|progress| match progress {
                Progress::Done { request, consumed } => {
                    Some((request, bytes[consumed..].to_vec()))
                }
                Progress::NeedMore => None,
            })),
        })
        .await?;
        match fed {
            None => return Err(closed_early()),
            Some(Ok(None)) => continue,
            Some(Ok(Some(done))) => return Ok(done),
            Some(Err(error)) => {
                stream.write_all(&http_head::rejection(&error)).await?;
                stream.flush().await?;
                return Err(Error::Handshake(error.to_string()));
            }
        }
    }
}

/// Answers `request` (chapter 10): a 101 and a WebSocket that starts with
/// `leftover`, or the refusal and an error.
pub async fn upgrade<S>(
    mut stream: S,
    request: &Request,
    leftover: &[u8],
    config: &Config,
) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let server = ServerConfig {
        subprotocols: config.subprotocols.clone(),
        origins: config.origins.clone(),
    };
    match answer(request, &server) {
        Answer::Accept {
            response,
            subprotocol,
        } => {
            stream.write_all(&response).await?;
            stream.flush().await?;
            let mut socket = WebSocket::new(stream, Role::Server, config);
            socket.set_subprotocol(subprotocol);
            socket.receive_leftover(leftover);
            Ok(socket)
        }
        Answer::Reject { response, error } => {
            stream.write_all(&response).await?;
            stream.flush().await?;
            Err(Error::Handshake(error.to_string()))
        }
    }
}

// ANCHOR: accept
/// Exercise 13.1: the whole server handshake on a connected stream:
/// [`read_request`], then [`upgrade`], both within
/// `config.handshake_timeout`, or `Error::Timeout(Waited::Handshake)`.
/// A client that connects and says nothing must not hold a task and a
/// socket for ever.
pub async fn accept<S>(
    mut stream: S,
    config: &Config,
) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    // BEGIN SOLUTION: tokio::time::timeout around read_request, then upgrade
    let handshake = async {
        let (request, leftover) = read_request(&mut stream).await?;
        upgrade(stream, &request, &leftover, config).await
    };
    match timeout(config.handshake_timeout, handshake).await {
        Ok(result) => result,
        Err(_elapsed) => Err(Error::Timeout(Waited::Handshake)),
    }
    // END SOLUTION
}
// ANCHOR_END: accept

fn closed_early() -> Error {
    Error::Handshake(
        "the peer closed the connection before the end of the handshake"
            .to_string(),
    )
}
