//! A WebSocket echo server: every message comes back as it went.
//!
//! ```console
//! $ cargo run --release -p solution-13 --example echo-server -- 127.0.0.1:9001
//! listening on ws://127.0.0.1:9001
//! ```
//!
//! It runs on tokio's current-thread runtime, so that its figures compare
//! like for like with single-threaded servers; `--threads N` runs it on N
//! worker threads instead. Built with `-p chapter-13`, it runs your code.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use chapter_13::{Config, accept, echo};
use tokio::net::TcpListener;
use tokio::runtime::Builder;

const USAGE: &str = "usage: echo-server HOST:PORT [--threads N]";

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (address, threads) = match &args[..] {
        [address] => (address, None),
        [address, flag, n] if flag == "--threads" => {
            let n = n.parse::<usize>().map_err(|_| io::Error::other(USAGE))?;
            (address, Some(n.max(1)))
        }
        _ => return Err(io::Error::other(USAGE)),
    };
    let mut runtime = match threads {
        None => Builder::new_current_thread(),
        Some(n) => {
            let mut builder = Builder::new_multi_thread();
            builder.worker_threads(n);
            builder
        }
    };
    runtime.enable_all().build()?.block_on(serve(address))
}

// ANCHOR: serve
async fn serve(address: &str) -> io::Result<()> {
    let listener = TcpListener::bind(address).await?;
    println!("listening on ws://{}", listener.local_addr()?);
    let config = Arc::new(Config::default());
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                // Out of file descriptors, say: wait for some to be freed
                // rather than spin on the same error.
                eprintln!("accept: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let config = Arc::clone(&config);
        tokio::spawn(async move {
            // Messages are written whole: send each at once (no Nagle).
            let _ = stream.set_nodelay(true);
            // let-else, not if-let: an if-let would keep the handshake's
            // Result beside the socket for the connection's whole life, in
            // the task's memory (the `sizes` example measures it).
            let Ok(mut socket) = accept(stream, &config).await else {
                return;
            };
            let _ = echo(&mut socket).await;
        });
    }
}
// ANCHOR_END: serve
