//! The client side of the load: one connection that sends a message and
//! waits for its echo, over WebSocket or over chapter 4's length-prefixed
//! TCP. The same code talks to every WebSocket server compared.

// Shared by several programs, each using only part of it.
#![allow(dead_code)]

use std::io;
use std::net::{IpAddr, SocketAddr};

use frames::{apply_mask, encode_length};
use handshake::{WsUrl, check_response, client_request, parse_response};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What to load: a WebSocket server (`ws://ADDR/PATH`) or a length-prefixed
/// TCP echo (`tcp://ADDR`).
#[derive(Clone, Debug)]
pub enum Target {
    WebSocket { addr: SocketAddr, url: WsUrl },
    Tcp { addr: SocketAddr },
}

impl Target {
    pub fn parse(url: &str) -> io::Result<Target> {
        let bad = || {
            invalid(format!("{url:?}: expected ws://IP:PORT/ or tcp://IP:PORT"))
        };
        if let Some(addr) = url.strip_prefix("tcp://") {
            let addr = addr.trim_end_matches('/').parse().map_err(|_| bad())?;
            return Ok(Target::Tcp { addr });
        }
        let url = WsUrl::parse(url).map_err(|_| bad())?;
        // Loopback measurements only: an IP address, no name to look up.
        let ip: IpAddr = url.host.parse().map_err(|_| bad())?;
        let addr = SocketAddr::new(ip, url.port);
        Ok(Target::WebSocket { addr, url })
    }

    /// The bytes each message takes on the wire, as sent and as echoed, for
    /// a payload of `size` bytes.
    pub fn wire_bytes(&self, size: usize) -> (usize, usize) {
        match self {
            // A 4-byte length prefix each way.
            Target::Tcp { .. } => (4 + size, 4 + size),
            // A header of 2, 4 or 10 bytes (RFC 6455 section 5.2), and a
            // masking key of 4 bytes from the client only (section 5.3).
            Target::WebSocket { .. } => {
                let header = match size {
                    0..=125 => 2,
                    126..=65535 => 4,
                    _ => 10,
                };
                (header + 4 + size, header + size)
            }
        }
    }
}

/// One connection, ready for round trips.
pub struct Client {
    stream: BufReader<TcpStream>,
    websocket: bool,
    /// The message as it goes on the wire, rebuilt for each send.
    out: Vec<u8>,
    /// The payload of the echo, to compare with what was sent.
    echo: Vec<u8>,
    /// Masking keys, drawn from the operating system in batches.
    keys: Keys,
}

impl Client {
    pub async fn connect(target: &Target) -> io::Result<Client> {
        let (addr, url) = match target {
            Target::Tcp { addr } => (addr, None),
            Target::WebSocket { addr, url } => (addr, Some(url)),
        };
        let stream = TcpStream::connect(addr).await.map_err(|e| {
            io::Error::new(e.kind(), format!("cannot connect to {addr}: {e}"))
        })?;
        // One write per message: nothing for Nagle's algorithm to wait for.
        stream.set_nodelay(true)?;
        let mut client = Client {
            stream: BufReader::with_capacity(64 * 1024, stream),
            websocket: url.is_some(),
            out: Vec::new(),
            echo: Vec::new(),
            keys: Keys::default(),
        };
        if let Some(url) = url {
            client.handshake(url).await?;
        }
        Ok(client)
    }

    /// Chapter 10's client handshake, over tokio.
    async fn handshake(&mut self, url: &WsUrl) -> io::Result<()> {
        let key = handshake::random_key()?;
        let stream = self.stream.get_mut();
        stream.write_all(&client_request(url, &key, &[])).await?;
        let mut received = Vec::new();
        loop {
            if stream.read_buf(&mut received).await? == 0 {
                return Err(invalid("the server closed during the handshake"));
            }
            let parsed = parse_response(&received).map_err(invalid)?;
            if let Some((response, consumed)) = parsed {
                check_response(&response, &key, &[]).map_err(invalid)?;
                if consumed != received.len() {
                    return Err(invalid("bytes came before the first message"));
                }
                return Ok(());
            }
        }
    }

    /// Sends `payload` as one message and waits for the same bytes back.
    pub async fn round_trip(&mut self, payload: &[u8]) -> io::Result<()> {
        self.out.clear();
        if self.websocket {
            let key = self.keys.next()?;
            // FIN and the text opcode (RFC 6455 section 5.2): a browser
            // sends text, and the server checks it is UTF-8.
            self.out.push(0x81);
            let second = self.out.len();
            encode_length(payload.len(), &mut self.out);
            self.out[second] |= 0x80; // MASK: every client frame is masked
            self.out.extend_from_slice(&key);
            let start = self.out.len();
            self.out.extend_from_slice(payload);
            apply_mask(&mut self.out[start..], key, 0);
        } else {
            let len = u32::try_from(payload.len())
                .map_err(|_| invalid("a message of 4 GiB or more"))?;
            self.out.extend_from_slice(&len.to_be_bytes());
            self.out.extend_from_slice(payload);
        }
        self.stream.get_mut().write_all(&self.out).await?;
        let len = if self.websocket {
            self.read_frame_header().await?
        } else {
            self.stream.read_u32().await? as usize
        };
        if len != payload.len() {
            return Err(invalid(format!(
                "sent {} bytes, the echo has {len}",
                payload.len()
            )));
        }
        self.echo.resize(len, 0);
        self.stream.read_exact(&mut self.echo).await?;
        if self.echo != payload {
            return Err(invalid("the echo differs from the message sent"));
        }
        Ok(())
    }

    /// Reads the header of the server's frame, which must be an unmasked,
    /// final text frame; returns its payload length.
    async fn read_frame_header(&mut self) -> io::Result<usize> {
        let mut start = [0; 2];
        self.stream.read_exact(&mut start).await?;
        if start[0] != 0x81 || start[1] & 0x80 != 0 {
            return Err(invalid(format!(
                "expected an unmasked final text frame, got header {start:02x?}"
            )));
        }
        Ok(match start[1] & 0x7F {
            126 => usize::from(self.stream.read_u16().await?),
            127 => usize::try_from(self.stream.read_u64().await?)
                .map_err(|_| invalid("a frame too long for this machine"))?,
            len => usize::from(len),
        })
    }

    /// Ends politely: a WebSocket close frame (code 1000) and the server's
    /// answer, or a TCP half-close and the server's end.
    pub async fn close(mut self) -> io::Result<()> {
        if self.websocket {
            let key = self.keys.next()?;
            let mut code = 1000u16.to_be_bytes();
            apply_mask(&mut code, key, 0);
            let mut frame = vec![0x88, 0x80 | 2];
            frame.extend_from_slice(&key);
            frame.extend_from_slice(&code);
            self.stream.get_mut().write_all(&frame).await?;
        } else {
            self.stream.get_mut().shutdown().await?;
        }
        // Whatever comes back (the close frame, then the end) is read and
        // dropped, until the server closes.
        let mut rest = [0; 256];
        while self.stream.read(&mut rest).await? > 0 {}
        Ok(())
    }
}

/// Masking keys from the operating system's random source, 1024 at a time:
/// unpredictable as RFC 6455 section 5.3 requires, without a system call
/// per message.
#[derive(Default)]
struct Keys {
    batch: Vec<[u8; 4]>,
}

impl Keys {
    fn next(&mut self) -> io::Result<[u8; 4]> {
        if self.batch.is_empty() {
            let mut bytes = [0u8; 4096];
            getrandom::fill(&mut bytes).map_err(io::Error::other)?;
            let (keys, _) = bytes.as_chunks::<4>();
            self.batch.extend_from_slice(keys);
        }
        Ok(self.batch.pop().expect("a batch was just drawn"))
    }
}

pub fn invalid(what: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}
