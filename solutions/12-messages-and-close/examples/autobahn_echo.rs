//! A thin blocking adapter over chapters 10 and 12, for the Autobahn test
//! cases (run by kosoku: `.ci/autobahn solution-12 autobahn_echo`).
//!
//! ```console
//! $ cargo run --release -p solution-12 --example autobahn_echo -- \
//!       server 127.0.0.1:9001
//! $ cargo run --release -p solution-12 --example autobahn_echo -- \
//!       client ws://127.0.0.1:9001
//! ```
//!
//! `server` echoes every message on every connection, one thread each.
//! `client` plays the Autobahn client protocol: it asks the fuzzing server
//! how many cases there are (`/getCaseCount`), runs each one
//! (`/runCase?case=N&agent=...`, echoing every message), then asks for the
//! reports (`/updateReports`). The protocol work is all in the sans-I/O
//! `Connection`; this file only moves bytes, as chapter 13 will on tokio.
//! Built with `-p chapter-12` instead, it drives your own connection.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use chapter_12::{Connection, Event, Role};
use handshake::{Origins, ServerConfig, accept_websocket, connect};

/// How long to wait for the peer once a close frame went either way.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(3);
/// How long the handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
const AGENT: &str = "socket-to-websocket";

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["server", address] => serve(address),
        ["client", url] => run_cases(url.trim_end_matches('/')),
        _ => Err(io::Error::other(
            "usage: autobahn_echo server HOST:PORT | client ws://HOST:PORT",
        )),
    }
}

fn serve(address: &str) -> io::Result<()> {
    let listener = TcpListener::bind(address)?;
    println!("listening on ws://{}", listener.local_addr()?);
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || {
            if let Err(error) = echo_connection(stream) {
                eprintln!("connection ended: {error}");
            }
        });
    }
    Ok(())
}

fn echo_connection(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    let config = ServerConfig {
        subprotocols: Vec::new(),
        origins: Origins::Any,
    };
    let established = accept_websocket(&mut stream, &config)?;
    stream.set_read_timeout(None)?;
    let connection = Connection::new(Role::Server);
    drive(stream, connection, &established.leftover, echo)?;
    Ok(())
}

/// Answers every message with the same message: the owned buffer of the
/// event goes back as it is.
fn echo(connection: &mut Connection, event: Event) {
    // A send can only fail once the connection is closing; then the
    // message needs no answer.
    let _ = match event {
        Event::Text(text) => connection.send_text(text),
        Event::Binary(data) => connection.send_binary(data),
        _ => Ok(()),
    };
}

// ANCHOR: drive
/// The whole life of one connection after the handshake: read, hand the
/// bytes to the connection, act on each event, write what it produced, and
/// close the socket when and as it says.
fn drive(
    mut stream: TcpStream,
    mut connection: Connection,
    leftover: &[u8],
    mut on_event: impl FnMut(&mut Connection, Event),
) -> io::Result<()> {
    connection.receive_data(leftover);
    let mut buffer = vec![0; 64 << 10];
    loop {
        while let Some(event) = connection.next_event() {
            on_event(&mut connection, event);
        }
        let outgoing = connection.data_to_send();
        if !outgoing.is_empty() {
            stream.write_all(&outgoing)?;
        }
        if connection.should_close_tcp() {
            return close_socket(stream);
        }
        if connection.close_expected() {
            // The peer's close frame or end should come soon (RFC 6455
            // section 7.1.1); do not wait for it forever.
            stream.set_read_timeout(Some(CLOSE_TIMEOUT))?;
        }
        match stream.read(&mut buffer) {
            Ok(0) => connection.receive_eof(),
            Ok(read) => connection.receive_data(&buffer[..read]),
            Err(error) if connection.close_expected() => {
                // The peer never finished closing: give up on it.
                let _ = stream.shutdown(Shutdown::Both);
                return Err(error);
            }
            Err(error) => return Err(error),
        }
    }
}
// ANCHOR_END: drive

/// Closes our direction first, then reads what the peer still sends until
/// its end, so that unread bytes do not turn the close into a reset (which
/// could destroy our last frames before the peer has read them).
fn close_socket(mut stream: TcpStream) -> io::Result<()> {
    // An error here means the peer has already gone: nothing left to do.
    if stream.shutdown(Shutdown::Write).is_err() {
        return Ok(());
    }
    stream.set_read_timeout(Some(CLOSE_TIMEOUT))?;
    let mut buffer = [0; 4096];
    while let Ok(read) = stream.read(&mut buffer) {
        if read == 0 {
            break;
        }
    }
    Ok(())
}

fn run_cases(base: &str) -> io::Result<()> {
    let mut count = String::new();
    client(&format!("{base}/getCaseCount"), |_, event| {
        if let Event::Text(text) = event {
            count = text;
        }
    })?;
    let count: u32 = count.trim().parse().map_err(io::Error::other)?;
    println!("{count} cases");
    for case in 1..=count {
        let url = format!("{base}/runCase?case={case}&agent={AGENT}");
        if let Err(error) = client(&url, echo) {
            eprintln!("case {case}: {error}");
        }
    }
    client(&format!("{base}/updateReports?agent={AGENT}"), |_, _| {})
}

fn client(
    url: &str,
    on_event: impl FnMut(&mut Connection, Event),
) -> io::Result<()> {
    let (stream, established) = connect(url, &[], HANDSHAKE_TIMEOUT)?;
    stream.set_nodelay(true)?;
    let connection = Connection::new(Role::Client);
    drive(stream, connection, &established.leftover, on_event)
}
