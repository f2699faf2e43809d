//! A server under test on its own thread, and clients that never wait
//! forever for it.
//!
//! The server runs in the support crate's `Background`, which stops it at the
//! end of the test, even a failing one. Every read from the server is a loop
//! of short reads: between two of them the test looks whether the server's
//! thread has ended. A `todo!()` or a panic in the loop then fails the test at
//! once with its own message, instead of after a long timeout.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use chapter_7::{Server, Service, Stats};
use socket2::{Domain, Socket, Type};
use support::background::Background;
use support::net;
use support::report::Failure;
use support::{Section, expect_bytes};

/// How long a test waits for bytes a correct server sends at once.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// How long one read waits before the test looks at the server again.
const GLANCE: Duration = Duration::from_millis(20);

/// How long a test gives a server whose connection just ended to
/// say it panicked.
pub const ENDING: Duration = Duration::from_millis(100);

/// A server running `Server::run` (or `serve_echo`, `serve_chat`) on its own
/// thread until the test stops it.
pub struct Running {
    pub addr: SocketAddr,
    /// The loop's counters; `None` for `serve_echo` and `serve_chat`, which
    /// keep theirs to themselves.
    stats: Option<Arc<Stats>>,
    /// The function that runs the loop, for failure messages.
    what: &'static str,
    /// The section the test's failures point at.
    read: Section,
    /// `None` once the test has seen it end.
    server: RefCell<Option<Background<io::Result<()>>>>,
}

impl Running {
    /// Starts a server of `service` on `listener`.
    pub fn start(
        listener: TcpListener,
        service: Service,
        read: Section,
    ) -> Running {
        let addr = listener.local_addr().unwrap();
        let mut server = Server::new(listener, service).expect("Server::new");
        let stats = server.stats();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let background = Background::start(
            "Server::run()",
            read,
            move || server.run(&flag),
            move || stop.store(true, Ordering::Relaxed),
        );
        Running {
            addr,
            stats: Some(stats),
            what: "Server::run()",
            read,
            server: RefCell::new(Some(background)),
        }
    }

    /// `serve` (`serve_echo` or `serve_chat`, named `what`) on a fresh
    /// loopback listener, with a stop flag the test sets when it stops it.
    pub fn serving(
        what: &'static str,
        serve: fn(TcpListener, Arc<AtomicBool>) -> io::Result<()>,
        read: Section,
    ) -> Running {
        let listener = net::listener();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let background = Background::start(
            what,
            read,
            move || serve(listener, flag),
            move || stop.store(true, Ordering::Relaxed),
        );
        Running {
            addr,
            stats: None,
            what,
            read,
            server: RefCell::new(Some(background)),
        }
    }

    /// A server of `service` on a fresh loopback listener.
    pub fn new(service: Service, read: Section) -> Running {
        Running::start(net::listener(), service, read)
    }

    /// Fails the test if the server's thread has ended: with the server's
    /// own panic (a `todo!()` for example), or saying it returned although
    /// nobody stopped it.
    pub fn check_alive(&self, read: Section) {
        self.check_alive_within(Duration::ZERO, read);
    }

    /// [`Running::check_alive`], after giving a server that is ending
    /// `grace` to say so: a connection that ends may be the sign of a server
    /// thread that panicked.
    pub fn check_alive_within(&self, grace: Duration, read: Section) {
        let give_up = Instant::now() + grace;
        loop {
            let ended = match &*self.server.borrow() {
                Some(server) => server.has_ended(),
                None => return,
            };
            if ended {
                break;
            }
            if Instant::now() >= give_up {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        let Some(server) = self.server.borrow_mut().take() else {
            return;
        };
        // It has ended: `stop` passes its panic on, or gives what it returned.
        let result = server.stop();
        Failure {
            what: self.what.into(),
            expected: "to keep serving until the stop flag is set".into(),
            found: format!(
                "it returned {result:?} while clients were connected"
            ),
            read,
        }
        .fail()
    }

    /// Sets the stop flag and checks that `run` returns `Ok(())` soon after
    /// (`Background` fails the test if it does not return at all).
    pub fn stop(self, read: Section) {
        let Some(server) = self.server.take() else {
            return;
        };
        let result = server.stop();
        if let Err(error) = result {
            Failure {
                what: format!("{} after the stop flag is set", self.what),
                expected: "Ok(())".into(),
                found: format!("Err({error})"),
                read,
            }
            .fail()
        }
    }

    /// A client connected to the server, with the test timeouts. A server
    /// that has ended (its `todo!()`, say) is reported as such, rather than
    /// as a refused connection.
    pub fn client(&self) -> TcpStream {
        match net::connect(self.addr) {
            Ok(stream) => stream,
            Err(error) => {
                self.check_alive_within(ENDING, self.read);
                Failure {
                    what: "a test client's connection to the server".into(),
                    expected: "connected".into(),
                    found: format!("{error}"),
                    read: self.read,
                }
                .fail()
            }
        }
    }

    /// Writes all of `bytes` to the server on `stream`. A write that fails
    /// because the server has ended is reported as the server's end.
    pub fn send(&self, stream: &mut TcpStream, bytes: &[u8]) {
        if let Err(error) = stream.write_all(bytes) {
            self.check_alive_within(ENDING, self.read);
            Failure {
                what: "a test client's write to the server".into(),
                expected: format!("{} bytes written", bytes.len()),
                found: format!("{error}"),
                read: self.read,
            }
            .fail()
        }
    }

    /// What the server's counters say now, for failure messages.
    pub fn summary(&self) -> String {
        match &self.stats {
            Some(_) => format!(
                "server so far: {} accepted, {} closed",
                self.count(|s| &s.accepted),
                self.count(|s| &s.closed)
            ),
            None => format!("{} keeps no counters", self.what),
        }
    }

    /// Waits until the server has accepted `clients` connections.
    pub fn wait_for_accepted(&self, clients: u64, read: Section) {
        let give_up = Instant::now() + PATIENCE;
        loop {
            self.check_alive(read);
            let accepted = self.count(|s| &s.accepted);
            if accepted >= clients {
                return;
            }
            if Instant::now() >= give_up {
                Failure {
                    what: "connections the server accepted".into(),
                    expected: format!("{clients} within {PATIENCE:?}"),
                    found: if accepted == 0 {
                        "0: none accepted, or not counted in stats.accepted?"
                            .into()
                    } else {
                        format!(
                            "{accepted}: accepting only one connection per \
                             event? (section 7.3)"
                        )
                    },
                    read,
                }
                .fail()
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// The loop's counter `name`, read now.
    pub fn count(
        &self,
        counter: fn(&Stats) -> &std::sync::atomic::AtomicU64,
    ) -> u64 {
        let stats = self.stats.as_ref().expect(
            "a test reads the counters of a server started by Running::new",
        );
        counter(stats).load(Ordering::Relaxed)
    }
}

/// How a [`receive`] ended.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum End {
    /// All the bytes asked for came.
    Complete,
    /// The server closed the connection.
    Eof,
    /// The connection failed with this error (a reset, usually).
    Failed(io::ErrorKind),
    /// The time ran out first.
    TimedOut,
}

/// Reads from `stream` until `want` bytes have come, the connection ends, or
/// `limit` has passed, looking at the server between reads.
pub fn receive(
    server: &Running,
    stream: &mut TcpStream,
    want: usize,
    limit: Duration,
    read: Section,
) -> (Vec<u8>, End) {
    stream.set_read_timeout(Some(GLANCE)).unwrap();
    let give_up = Instant::now() + limit;
    let mut received = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    while received.len() < want {
        let room = (want - received.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => {
                server.check_alive_within(ENDING, read);
                return (received, End::Eof);
            }
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                server.check_alive(read);
                if Instant::now() >= give_up {
                    return (received, End::TimedOut);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                server.check_alive_within(ENDING, read);
                return (received, End::Failed(e.kind()));
            }
        }
    }
    (received, End::Complete)
}

/// Reads until the connection ends or `limit` passes; how many bytes came, and
/// how it ended.
pub fn receive_until_closed(
    server: &Running,
    stream: &mut TcpStream,
    limit: Duration,
    read: Section,
) -> (usize, End) {
    let mut total = 0;
    let give_up = Instant::now() + limit;
    loop {
        let left = give_up.saturating_duration_since(Instant::now());
        let (bytes, end) = receive(server, stream, 1 << 20, left, read);
        total += bytes.len();
        if end != End::Complete {
            return (total, end);
        }
    }
}

/// Sends `message` and checks that exactly it comes back, whole, in time.
#[track_caller]
pub fn expect_echo(
    server: &Running,
    stream: &mut TcpStream,
    message: &[u8],
    what: &str,
    read: Section,
) {
    server.send(stream, message);
    expect_receives(server, stream, message, what, read);
}

/// Checks that exactly `expected` comes on `stream`, whole, in time.
#[track_caller]
pub fn expect_receives(
    server: &Running,
    stream: &mut TcpStream,
    expected: &[u8],
    what: &str,
    read: Section,
) {
    let (received, end) =
        receive(server, stream, expected.len(), PATIENCE, read);
    if end != End::Complete {
        Failure {
            what: what.into(),
            expected: format!("{} bytes within {PATIENCE:?}", expected.len()),
            found: format!(
                "{} bytes, then {end:?} ({})",
                received.len(),
                server.summary()
            ),
            read,
        }
        .fail()
    }
    expect_bytes(&received, expected, what, read);
}

/// A client whose receive buffer is as small as the kernel allows, so
/// that bytes sent to it and not read pile up on the server's side, not
/// in the kernel.
pub fn tiny_window_client(addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket
        .connect_timeout(&addr.into(), net::IO_TIMEOUT)
        .unwrap();
    net::with_timeouts(socket.into())
}

/// A listener whose accepted sockets have a tiny send buffer (Linux passes the
/// size on from the listener), so that the server's writes are cut short.
pub fn tiny_send_buffer_listener() -> TcpListener {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_send_buffer_size(4096).unwrap();
    socket.bind(&net::loopback_v4().into()).unwrap();
    socket.listen(128).unwrap();
    socket.into()
}

/// The kernel buffer size [`large_buffer_listener`] and
/// [`large_window_client`] ask for. Linux caps it at `net.core.rmem_max` and
/// `wmem_max` (and then doubles it).
const LARGE_BUFFER: usize = 1 << 20;

/// A listener whose accepted sockets have large receive and send buffers, so
/// that more than `MAX_OUTPUT` can wait in one, and one write can take it.
pub fn large_buffer_listener() -> TcpListener {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(LARGE_BUFFER).unwrap();
    socket.set_send_buffer_size(LARGE_BUFFER).unwrap();
    socket.bind(&net::loopback_v4().into()).unwrap();
    socket.listen(128).unwrap();
    socket.into()
}

/// A client with large receive and send buffers.
pub fn large_window_client(addr: SocketAddr) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(LARGE_BUFFER).unwrap();
    socket.set_send_buffer_size(LARGE_BUFFER).unwrap();
    socket
        .connect_timeout(&addr.into(), net::IO_TIMEOUT)
        .unwrap();
    net::with_timeouts(socket.into())
}

/// `len` bytes that do not repeat soon, so a lost, doubled or
/// moved piece shows.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}
