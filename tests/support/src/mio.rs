//! Helpers for tests of mio event loops (feature `mio`).
//!
//! A mio server is one thread looping on `Poll::poll`. A test runs it in the background
//! with [`serve_on_loopback`], talks to it through ordinary blocking clients that have
//! timeouts ([`crate::net::connect`]), then stops it:
//!
//! ```ignore
//! let (server, addr) = support::mio::serve_on_loopback("serve()", SECTION, |listener, stop| {
//!     serve(listener, &stop)
//! });
//! let mut client = support::net::connect(addr).unwrap();
//! // ... write, read, check ...
//! let served = server.stop(); // Ok(()) from serve(), or its panic
//! ```
//!
//! The loop sees the request to stop through [`Stop::requested`], which it checks after
//! every `poll`. To wake a loop that is blocked in `poll` with nothing to do, stopping
//! also opens one connection to the listener: a readable event on the listening socket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::background::Background;
use crate::net::loopback_v4;
use crate::report::Section;

/// A wake-up connection that takes longer than this is not needed: the loop is busy.
const WAKE_LIMIT: Duration = Duration::from_secs(1);

/// A non-blocking mio listener on `127.0.0.1`, on a port the kernel chose, and its address.
pub fn listener() -> (::mio::net::TcpListener, SocketAddr) {
    let listener = ::mio::net::TcpListener::bind(loopback_v4())
        .expect("bind a mio test listener on 127.0.0.1:0");
    let addr = listener.local_addr().expect("the test listener's address");
    (listener, addr)
}

/// The test's request that an event loop end. Cheap to clone; every clone sees the request.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    flag: Arc<AtomicBool>,
}

impl Stop {
    pub fn new() -> Self {
        Self::default()
    }

    /// Has the test asked the loop to end? Check it after every `poll`.
    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Asks the loop to end. (A loop blocked in `poll` also needs an event to wake up.)
    pub fn request(&self) {
        self.flag.store(true, Ordering::Release);
    }
}

/// Binds a mio listener on loopback and runs `server(listener, stop)` on a background
/// thread; returns the guard that stops it and the address clients connect to.
///
/// Stopping sets the [`Stop`] flag, then connects once to the listener so a loop waiting
/// in `poll` wakes up, sees the flag, and returns.
pub fn serve_on_loopback<T: Send + 'static>(
    what: &str,
    read: Section,
    server: impl FnOnce(::mio::net::TcpListener, Stop) -> T + Send + 'static,
) -> (Background<T>, SocketAddr) {
    let (listener, addr) = listener();
    let stop = Stop::new();
    let asked = stop.clone();
    let guard = Background::start(
        what,
        read,
        move || server(listener, stop),
        move || {
            asked.request();
            wake(addr);
        },
    );
    (guard, addr)
}

/// One connection to `addr`, closed at once. On loopback it is accepted into the backlog
/// or refused (the listener is gone already) straight away; either is fine.
fn wake(addr: SocketAddr) {
    let _ = std::net::TcpStream::connect_timeout(&addr, WAKE_LIMIT);
}
