//! The ceiling of chapter 14's load comparison: an echo server for chapter
//! 4's length-prefixed messages (a 4-byte big-endian length, then the
//! payload), on the same runtime as chapter 13's WebSocket echo server. The
//! same system calls, none of the WebSocket work.
//!
//!     cargo run --release -p solution-14 --example tcp-echo-server -- \
//!         127.0.0.1:0
//!
//! It prints `listening on tcp://ADDR`; `--example load -- tcp://ADDR`
//! drives it.

#[path = "bench/runtime.rs"]
mod runtime;

use std::io;
use std::process::ExitCode;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const USAGE: &str = "\
usage: tcp-echo-server ADDR [--threads N]
  Echoes every length-prefixed message (chapter 4's framing) it receives.
  ADDR      where to listen, such as 127.0.0.1:0 (port 0: any free port)
  --threads N   a multi-thread runtime of N workers (default: one thread)";

/// The largest message accepted: the load program sends 16 KiB at most.
const MAX_MESSAGE: usize = 1 << 20;

fn main() -> ExitCode {
    runtime::exit(run())
}

fn run() -> io::Result<()> {
    let Some(args) = runtime::server_args(USAGE)? else {
        return Ok(());
    };
    runtime::runtime(args.threads)?.block_on(async {
        let listener = TcpListener::bind(&args.addr).await?;
        println!("listening on tcp://{}", listener.local_addr()?);
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

/// Reads whole messages and writes each one back, in one write.
async fn echo(stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let mut message = Vec::new();
    loop {
        let mut header = [0; 4];
        match stream.read_exact(&mut header).await {
            Ok(_) => {}
            // The client is done (or gone between two messages).
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Ok(());
            }
            Err(e) => return Err(e),
        }
        let len = u32::from_be_bytes(header) as usize;
        if len > MAX_MESSAGE {
            return Err(runtime::invalid("a message over 1 MiB"));
        }
        // The buffer only grows: zeroing 16 KiB for every message would be
        // work a ceiling must not do.
        if message.len() < 4 + len {
            message.resize(4 + len, 0);
        }
        let message = &mut message[..4 + len];
        message[..4].copy_from_slice(&header);
        stream.read_exact(&mut message[4..]).await?;
        stream.get_mut().write_all(message).await?;
    }
}
