//! An established library's WebSocket echo server, for chapter 14's load
//! and memory comparisons: tokio-tungstenite with its default settings, on
//! the same runtime as chapter 13's echo server.
//!
//!     cargo run --release -p solution-14 --example tungstenite-echo-server \
//!         -- 127.0.0.1:0
//!
//! It prints `listening on ws://ADDR`, like chapter 13's.

#[path = "bench/runtime.rs"]
mod runtime;

use std::io;
use std::process::ExitCode;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Error;

const USAGE: &str = "\
usage: tungstenite-echo-server ADDR [--threads N]
  A WebSocket echo server written with tokio-tungstenite.
  ADDR      where to listen, such as 127.0.0.1:0 (port 0: any free port)
  --threads N   a multi-thread runtime of N workers (default: one thread)";

fn main() -> ExitCode {
    runtime::exit(run())
}

fn run() -> io::Result<()> {
    let Some(args) = runtime::server_args(USAGE)? else {
        return Ok(());
    };
    runtime::runtime(args.threads)?.block_on(async {
        let listener = TcpListener::bind(&args.addr).await?;
        println!("listening on ws://{}", listener.local_addr()?);
        loop {
            let (stream, _) = listener.accept().await?;
            tokio::spawn(async move {
                if let Err(error) = echo(stream).await {
                    eprintln!("connection ended: {error}");
                }
            });
        }
    })
}

/// The handshake, then every text or binary message back as it came.
/// tokio-tungstenite answers pings and close frames itself.
async fn echo(stream: TcpStream) -> Result<(), Error> {
    stream.set_nodelay(true)?;
    let mut socket = tokio_tungstenite::accept_async(stream).await?;
    while let Some(message) = socket.next().await {
        let message = message?;
        if message.is_text() || message.is_binary() {
            socket.send(message).await?;
        }
    }
    Ok(())
}
