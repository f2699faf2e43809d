//! One chat server process; run two or more on different ports with the
//! same Redis, and their rooms are one.
//!
//! ```console
//! $ redis-server --port 6379 --save "" &
//! $ cargo run -p solution-14 --example chat-node -- 127.0.0.1:8001 redis://127.0.0.1:6379/
//! $ cargo run -p solution-14 --example chat-node -- 127.0.0.1:8002 redis://127.0.0.1:6379/
//! ```
//!
//! Then open http://127.0.0.1:8001/ and http://127.0.0.1:8002/ in two
//! windows. `--tls` serves https:// and wss:// with a new test certificate
//! and prints the Chromium switch that trusts it. Built with `-p chapter-14`,
//! it runs your code.

use std::io;
use std::sync::Arc;

use base64::Engine;
use chapter_14::limits::Limits;
use chapter_14::relay::{self, Backoff, Link};
use chapter_14::rooms::Rooms;
use chapter_14::server::{Server, serve};
use chapter_14::tls::{self, TestCertificates};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

const USAGE: &str = "usage: chat-node HOST:PORT REDIS_URL [--tls]";

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (address, redis_url, tls) = match &args[..] {
        [address, url] => (address, url, false),
        [address, url, flag] if flag == "--tls" => (address, url, true),
        _ => return Err(io::Error::other(USAGE)),
    };
    let client =
        redis::Client::open(redis_url.as_str()).map_err(io::Error::other)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind(address).await?;
        let addr = listener.local_addr()?;
        let tls = if tls { Some(acceptor()?) } else { None };
        let scheme = if tls.is_some() { "https" } else { "http" };
        println!("chat on {scheme}://{addr}/ (rooms: /?room=NAME)");
        let (rooms, inbox) = Rooms::new();
        let mut link =
            relay::spawn(client, rooms.clone(), inbox, Backoff::default());
        // Say how the link to Redis goes, as it changes.
        tokio::spawn(async move {
            while link.changed().await.is_ok() {
                match &*link.borrow_and_update() {
                    Link::Up { rooms } => {
                        println!("relay: linked, rooms {rooms:?}")
                    }
                    Link::Down { attempts: 0 } => println!("relay: linking"),
                    Link::Down { attempts } => {
                        println!(
                            "relay: Redis away, {attempts} attempts failed"
                        )
                    }
                }
            }
        });
        let limits = Limits::default();
        let server = Arc::new(Server { limits, tls, rooms });
        serve(listener, server, std::future::pending()).await
    })
}

/// A new test CA and certificate, and the switch that makes Chromium trust it.
fn acceptor() -> io::Result<TlsAcceptor> {
    let certificates =
        TestCertificates::generate().map_err(io::Error::other)?;
    let digest =
        ring::digest::digest(&ring::digest::SHA256, &certificates.server_spki);
    let pin = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    println!("chromium --ignore-certificate-errors-spki-list={pin}");
    let config = tls::server_config(&certificates).map_err(io::Error::other)?;
    Ok(TlsAcceptor::from(config))
}
