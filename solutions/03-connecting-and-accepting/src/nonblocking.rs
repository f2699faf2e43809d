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
    // BEGIN SOLUTION: Socket::new, set_nonblocking, connect; is_in_progress: InProgress
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    socket.set_nonblocking(true)?;
    match socket.connect(&address.into()) {
        Ok(()) => Ok((socket, ConnectStart::Connected)),
        Err(e) if is_in_progress(&e) => Ok((socket, ConnectStart::InProgress)),
        Err(e) => Err(e),
    }
    // END SOLUTION
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
    // BEGIN SOLUTION: loop: take_error() Some: failed; peer_addr() Ok: connected; sleep
    let give_up = Instant::now() + timeout;
    loop {
        // SO_ERROR holds why the handshake failed, if it did.
        // Reading it clears it.
        if let Some(error) = socket.take_error()? {
            return Err(error);
        }
        // getpeername() succeeds only once the handshake is complete.
        match socket.peer_addr() {
            Ok(_) => {
                socket.set_nonblocking(false)?;
                return Ok(socket.into());
            }
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {}
            Err(e) => return Err(e),
        }
        if Instant::now() >= give_up {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "no answer to the connection request within {timeout:?}"
                ),
            ));
        }
        thread::sleep(POLL_INTERVAL);
    }
    // END SOLUTION
}
// ANCHOR_END: finish_connect
