//! The other ends the chapter 6 tests talk to, written with std only so that no test
//! trusts the reader's code to check the reader's code:
//!
//! - [`closed_port`]: a UDP port where nobody receives, held so no one else can take it;
//! - [`Echo`]: a server that answers each numbered request with its payload in capitals;
//! - [`Relay`]: sits between a client and a server and drops datagrams on a fixed plan.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use support::hex::hex_bytes;
use support::net;

/// How often a peer's thread looks up from its socket to see whether it should
/// stop.
const POLL: Duration = Duration::from_millis(10);

/// The test's own encoding of a numbered datagram: 4-byte big-endian id, then
/// payload.
pub fn numbered(id: u32, payload: &[u8]) -> Vec<u8> {
    let mut datagram = id.to_be_bytes().to_vec();
    datagram.extend_from_slice(payload);
    datagram
}

/// The id and payload of a numbered datagram, if it is long enough to be one.
pub fn unnumbered(datagram: &[u8]) -> Option<(u32, &[u8])> {
    let (id, payload) = datagram.split_first_chunk::<4>()?;
    Some((u32::from_be_bytes(*id), payload))
}

// ANCHOR: closed_port
/// A UDP port on loopback where nobody receives datagrams from us, so the
/// kernel answers them with ICMP "port unreachable".
///
/// Dropping a socket to free its port would be a race: another program could
/// bind the port before the test uses it. Instead a socket keeps the port,
/// bound (so no one else can bind it) and connected to itself: a connected UDP
/// socket takes datagrams from its peer only, so for every other sender the
/// port is closed. Keep the socket alive as long as the port must stay closed.
pub fn closed_port() -> (UdpSocket, SocketAddr) {
    let holder = net::udp();
    let address = holder.local_addr().unwrap();
    holder.connect(address).unwrap();
    (holder, address)
}
// ANCHOR_END: closed_port

/// A peer's thread, stopped and joined when the value is dropped.
struct Worker<T> {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<T>>,
}

impl<T: Send + 'static> Worker<T> {
    fn start(work: impl FnOnce(&AtomicBool) -> T + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::spawn(move || work(&flag));
        Worker {
            stop,
            thread: Some(thread),
        }
    }

    fn finish(&mut self) -> Option<T> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take()?.join().ok()
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Joined only when the test did not: a panic has already been reported
        // then.
    }
}

/// Receives one datagram, or `None` once `stop` is set and nothing is waiting.
fn next(
    socket: &UdpSocket,
    stop: &AtomicBool,
) -> Option<(Vec<u8>, SocketAddr)> {
    let mut buffer = vec![0; 65_536];
    loop {
        match socket.recv_from(&mut buffer) {
            Ok((len, from)) => {
                buffer.truncate(len);
                return Some((buffer, from));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if stop.load(Ordering::SeqCst) {
                    return None;
                }
            }
            // An ICMP error from an earlier send to a client that is gone: not
            // ours to handle.
            Err(_) => {}
        }
    }
}

/// A server that answers request `id` with `payload` in capitals, under the
/// same id.
pub struct Echo {
    pub address: SocketAddr,
    _worker: Worker<()>,
}

impl Echo {
    pub fn start() -> Echo {
        let socket = net::udp();
        socket.set_read_timeout(Some(POLL)).unwrap();
        let address = socket.local_addr().unwrap();
        let worker = Worker::start(move |stop| {
            while let Some((datagram, from)) = next(&socket, stop) {
                if let Some((id, payload)) = unnumbered(&datagram) {
                    let _ = socket.send_to(
                        &numbered(id, &payload.to_ascii_uppercase()),
                        from,
                    );
                }
            }
        });
        Echo {
            address,
            _worker: worker,
        }
    }
}

/// Which datagrams a [`Relay`] drops: every `n`th request on the way to the
/// server and every `n`th reply on the way back (0 = none). A fixed plan, not
/// chance, so every run of a test sees the same losses.
#[derive(Clone, Copy, Debug)]
pub struct Loss {
    pub every_nth_request: usize,
    pub every_nth_reply: usize,
}

/// What the relay did, line by line, shared with the test so it can add its own
/// lines in the order things happened.
pub type Log = Arc<Mutex<Vec<String>>>;

/// Forwards datagrams from a client to `server` and the server's replies back,
/// dropping some on a fixed plan and writing down each datagram it handles,
/// before it sends it on.
pub struct Relay {
    pub address: SocketAddr,
    pub log: Log,
    worker: Worker<Counts>,
}

/// How many datagrams a relay saw and dropped, in each direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub requests: usize,
    pub requests_dropped: usize,
    pub replies: usize,
    pub replies_dropped: usize,
}

impl Relay {
    pub fn start(server: SocketAddr, loss: Loss) -> Relay {
        let socket = net::udp();
        socket.set_read_timeout(Some(POLL)).unwrap();
        let address = socket.local_addr().unwrap();
        let log: Log = Arc::default();
        let shared = Arc::clone(&log);
        let worker = Worker::start(move |stop| {
            let mut counts = Counts::default();
            let mut client = None;
            while let Some((datagram, from)) = next(&socket, stop) {
                let shown = describe(&datagram);
                let (to, dropped) = if from == server {
                    counts.replies += 1;
                    let dropped = is_nth(counts.replies, loss.every_nth_reply);
                    counts.replies_dropped += usize::from(dropped);
                    let Some(to) = client else { continue };
                    (to, dropped)
                } else {
                    client = Some(from);
                    counts.requests += 1;
                    let dropped =
                        is_nth(counts.requests, loss.every_nth_request);
                    counts.requests_dropped += usize::from(dropped);
                    (server, dropped)
                };
                let kind = if from == server { "reply  " } else { "request" };
                let fate = if dropped {
                    "DROPPED".to_string()
                } else {
                    to.to_string()
                };
                shared
                    .lock()
                    .unwrap()
                    .push(format!("relay: {kind} {shown}  {from} -> {fate}"));
                if !dropped {
                    let _ = socket.send_to(&datagram, to);
                }
            }
            counts
        });
        Relay {
            address,
            log,
            worker,
        }
    }

    /// Stops the relay once it has handled every datagram already sent to it.
    pub fn finish(mut self) -> Counts {
        self.worker.finish().unwrap_or_default()
    }
}

fn is_nth(count: usize, n: usize) -> bool {
    n > 0 && count.is_multiple_of(n)
}

/// `3 "ping 3"` for a numbered datagram, its bytes in hex otherwise (`[00 00
/// ff]`).
fn describe(datagram: &[u8]) -> String {
    match unnumbered(datagram) {
        Some((id, payload)) => {
            format!("{id} {:?}", String::from_utf8_lossy(payload))
        }
        None => format!("[{}]", hex_bytes(datagram)),
    }
}
