//! Exercise 13.7: a client. `connect("ws://host:port/path")` and talk.

use handshake::{
    WsUrl, check_response, client_request, parse_response, random_key,
};
use protocol::Role;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::config::Config;
use crate::error::{Error, Waited};
use crate::read::read_with;
use crate::websocket::WebSocket;

// ANCHOR: connect
/// Exercise 13.7: connects to a `ws://` URL and completes the handshake,
/// all within `config.handshake_timeout`. Parse the URL (`WsUrl::parse`,
/// its error is `Error::Url`), connect a `TcpStream` to its host and port,
/// turn Nagle's algorithm off (`set_nodelay`: a message is written whole,
/// and should leave at once), and hand the stream to [`client_handshake`].
pub async fn connect(
    url: &str,
    config: &Config,
) -> Result<WebSocket<TcpStream>, Error> {
    // BEGIN SOLUTION: parse; timeout(connect, set_nodelay, client_handshake)
    let url = WsUrl::parse(url).map_err(Error::Url)?;
    let handshake = async {
        let stream = TcpStream::connect((url.host.as_str(), url.port)).await?;
        stream.set_nodelay(true)?;
        client_handshake(stream, &url, config).await
    };
    match timeout(config.handshake_timeout, handshake).await {
        Ok(result) => result,
        Err(_elapsed) => Err(Error::Timeout(Waited::Handshake)),
    }
    // END SOLUTION
}
// ANCHOR_END: connect

// ANCHOR: client_handshake
/// The client's side of the handshake on a connected stream (chapter 10's
/// pieces): write the request, read until a response head is whole, check
/// it. No deadline: the caller sets one.
pub async fn client_handshake<S>(
    mut stream: S,
    url: &WsUrl,
    config: &Config,
) -> Result<WebSocket<S>, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let offered: Vec<&str> =
        config.subprotocols.iter().map(String::as_str).collect();
    let key = random_key()?;
    stream
        .write_all(&client_request(url, &key, &offered))
        .await?;
    stream.flush().await?;
    let mut received = Vec::new();
    let (response, consumed) = loop {
        let read = read_with(&mut stream, |bytes| {
            received.extend_from_slice(bytes);
            bytes.len()
        })
        .await?;
        if read == 0 {
            return Err(Error::Handshake(
                "the server closed the connection before its answer".into(),
            ));
        }
        // parse_response refuses a head that does not end within 8 KiB:
        // `received` stays bounded.
        let parsed = parse_response(&received)
            .map_err(|error| Error::Handshake(error.to_string()))?;
        if let Some(done) = parsed {
            break done;
        }
    };
    let subprotocol = check_response(&response, &key, &offered)
        .map_err(|error| Error::Handshake(error.to_string()))?;
    let mut socket = WebSocket::new(stream, Role::Client, config);
    socket.set_subprotocol(subprotocol);
    socket.receive_leftover(&received[consumed..]);
    Ok(socket)
}
// ANCHOR_END: client_handshake
