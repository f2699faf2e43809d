//! Exercises 3.6 and 3.7: a connect that does not wait for the handshake.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: start_connect
/// What a non-blocking `connect` said when it returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectStart {
    /// The handshake finished before the call returned (rare, even on
    /// loopback).
    Connected,
    /// The SYN is on its way; the socket turns writable once the handshake
    /// ends.
    InProgress,
}

/// Exercise 3.6: a non-blocking TCP socket for `address`'s family, with a
/// connect to `address` started but not waited for.
pub fn start_connect(
    address: SocketAddr,
) -> io::Result<(Socket, ConnectStart)> {
    todo!("Socket::new, set_nonblocking, connect; is_in_progress: InProgress")
}

/// Is this the error a non-blocking `connect` returns when the handshake has
/// started but not finished (`EINPROGRESS`, see `man 2 connect`)?
///
/// std has no stable `ErrorKind` for it yet, so this compares the
/// operating system's error number: 115 on Linux (150 on its MIPS ports),
/// 36 on macOS and the BSDs.
pub fn is_in_progress(error: &io::Error) -> bool {
    #[cfg(all(
        target_os = "linux",
        not(any(target_arch = "mips", target_arch = "mips64"))
    ))]
    const EINPROGRESS: i32 = 115;
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "mips", target_arch = "mips64")
    ))]
    const EINPROGRESS: i32 = 150;
    #[cfg(not(target_os = "linux"))]
    const EINPROGRESS: i32 = 36;
    error.raw_os_error() == Some(EINPROGRESS)
}
// ANCHOR_END: start_connect

// ANCHOR: finish_connect
/// How long [`finish_connect`] sleeps between two looks at the socket.
const POLL_INTERVAL: Duration = Duration::from_millis(1);

/// Exercise 3.7: wait, at most `timeout`, for a connect started by
/// [`start_connect`] to end.
///
/// Success gives the socket as a blocking `TcpStream`. A refused
/// connection is the error the kernel kept for the socket (`SO_ERROR`); no
/// answer in time is `TimedOut`.
pub fn finish_connect(
    socket: Socket,
    timeout: Duration,
) -> io::Result<TcpStream> {
    todo!("loop: take_error() Some: failed; peer_addr() Ok: connected; sleep")
}
// ANCHOR_END: finish_connect
