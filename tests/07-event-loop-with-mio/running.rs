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

/// A server running `Server::run` on its own thread until the test stops it.
pub struct Running {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
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
            stats,
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
            what: "Server::run()".into(),
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
                what: "Server::run() after the stop flag is set".into(),
                expected: "Ok(())".into(),
                found: format!("Err({error})"),
                read,
            }
            .fail()
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
                    found: format!("{accepted}"),
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
        counter(&self.stats).load(Ordering::Relaxed)
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
    stream.write_all(message).expect("the test client's write");
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
            found: format!("{} bytes, then {end:?}", received.len()),
            read,
        }
        .fail()
    }
    expect_bytes(&received, expected, what, read);
}

/// A client connected to `addr`, with the test timeouts.
pub fn client(addr: SocketAddr) -> TcpStream {
    net::connect(addr).expect("connect a test client to the server")
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

/// `len` bytes that do not repeat soon, so a lost, doubled or
/// moved piece shows.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}
