//! The Autobahn test cases (kosoku) against this chapter's WebSocket, in
//! both roles. `.ci/autobahn solution-13 autobahn` runs them all and prints the summary.
//!
//! ```console
//! $ cargo run --release -p solution-13 --example autobahn -- \
//!       server 127.0.0.1:9001
//! $ cargo run --release -p solution-13 --example autobahn -- \
//!       client ws://127.0.0.1:9001
//! ```
//!
//! `server` echoes every message on every connection, a task each.
//! `client` plays the Autobahn client protocol: it asks the fuzzing server
//! how many cases there are (`/getCaseCount`), runs each one
//! (`/runCase?case=N&agent=...`, echoing every message), then asks for the
//! reports (`/updateReports`).

use std::io;

use chapter_13::{Config, Error, Message, accept, connect, echo};
use tokio::net::TcpListener;
use tokio::runtime::Builder;

const AGENT: &str = "socket-to-websocket-tokio";
const USAGE: &str =
    "usage: autobahn server HOST:PORT | autobahn client ws://HOST:PORT";

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = Builder::new_current_thread().enable_all().build()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["server", address] => runtime.block_on(serve(address)),
        ["client", url] => {
            runtime.block_on(run_cases(url.trim_end_matches('/')))
        }
        _ => Err(io::Error::other(USAGE).into()),
    }
}

async fn serve(address: &str) -> Result<(), Error> {
    let listener = TcpListener::bind(address).await?;
    println!("listening on ws://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            let config = Config::default();
            match accept(stream, &config).await {
                Ok(mut socket) => {
                    if let Err(error) = echo(&mut socket).await {
                        eprintln!("connection ended: {error}");
                    }
                }
                Err(error) => eprintln!("handshake: {error}"),
            }
        });
    }
}

async fn run_cases(base: &str) -> Result<(), Error> {
    let config = Config::default();
    let mut socket = connect(&format!("{base}/getCaseCount"), &config).await?;
    let count = match socket.receive().await? {
        Some(Message::Text(text)) => text,
        other => {
            return Err(Error::Handshake(format!("no case count: {other:?}")));
        }
    };
    while socket.receive().await?.is_some() {}
    let count: u32 = count.trim().parse().map_err(io::Error::other)?;
    println!("{count} cases");
    for case in 1..=count {
        let url = format!("{base}/runCase?case={case}&agent={AGENT}");
        let outcome = match connect(&url, &config).await {
            Ok(mut socket) => echo(&mut socket).await,
            Err(error) => Err(error),
        };
        if let Err(error) = outcome {
            eprintln!("case {case}: {error}");
        }
    }
    let url = format!("{base}/updateReports?agent={AGENT}");
    let mut socket = connect(&url, &config).await?;
    loop {
        match socket.receive().await {
            Ok(Some(_)) => {}
            // kosoku ends this connection without a close frame, once the
            // reports are written: that is its way of saying done.
            Ok(None) | Err(Error::Lost) => return Ok(()),
            Err(error) => return Err(error),
        }
    }
}
