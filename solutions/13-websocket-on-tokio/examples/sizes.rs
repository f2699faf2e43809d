//! What one idle connection's task costs, in bytes of its future: the
//! echo server's task written two ways.
//!
//! ```console
//! $ cargo run --release -p solution-13 --example sizes
//! ```
//!
//! A spawned task is one allocation as large as its future, and a future is
//! as large as its largest state: every local that lives across an await is
//! in it. The compiler overlaps locals that are never alive together, but a
//! temporary, such as the `Result` an `if let` matches on, stays alive to
//! the end of the block, beside the socket taken out of it.

use std::mem::size_of_val;
use std::sync::Arc;

use chapter_13::{Config, WebSocket, accept, echo};
use tokio::net::TcpStream;

/// The handshake's `Result` is matched by an `if let`: it lives as long as
/// the connection does.
async fn result_kept(stream: TcpStream, config: Arc<Config>) {
    if let Ok(mut socket) = accept(stream, &config).await {
        let _ = echo(&mut socket).await;
    }
}

/// As `echo-server` does it: `let else` moves the socket out and the
/// `Result` is gone.
async fn result_dropped(stream: TcpStream, config: Arc<Config>) {
    let Ok(mut socket) = accept(stream, &config).await else {
        return;
    };
    let _ = echo(&mut socket).await;
}

fn main() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let config = Arc::new(Config::default());
        let socket = std::mem::size_of::<WebSocket<TcpStream>>();
        let stream = TcpStream::connect(address).await?;
        let kept = size_of_val(&result_kept(stream, Arc::clone(&config)));
        let stream = TcpStream::connect(address).await?;
        let dropped = size_of_val(&result_dropped(stream, config));
        println!("WebSocket<TcpStream>:            {socket:>5} bytes");
        println!("echo task, if let (baseline):    {kept:>5} bytes");
        println!("echo task, let else:             {dropped:>5} bytes");
        let ratio = dropped as f64 / kept as f64;
        println!("let else / if let:               {ratio:>5.2}");
        Ok(())
    })
}
