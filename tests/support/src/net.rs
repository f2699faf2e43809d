//! Loopback sockets for tests: always port 0, always with timeouts.
//!
//! Tests never use a fixed port (two runs at once would collide) and never leave loopback.
//! Every stream these helpers hand out has read and write timeouts, so a peer that goes
//! quiet turns into a `TimedOut`/`WouldBlock` error instead of a hang.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::Duration;

/// How long a test socket waits for its peer before an operation fails.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// `127.0.0.1:0`: IPv4 loopback, any free port.
pub fn loopback_v4() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// `[::1]:0`: IPv6 loopback, any free port.
pub fn loopback_v6() -> SocketAddr {
    SocketAddr::from((Ipv6Addr::LOCALHOST, 0))
}

/// A listener on IPv4 loopback with a port the kernel chose.
pub fn listener() -> TcpListener {
    TcpListener::bind(loopback_v4()).expect("bind a test listener on 127.0.0.1:0")
}

/// Sets the test timeouts on a stream and returns it.
pub fn with_timeouts(stream: TcpStream) -> TcpStream {
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .expect("set timeouts on a test stream");
    stream
}

/// Connects to `addr` with the test timeout on the connect itself and on later I/O.
pub fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    TcpStream::connect_timeout(&addr, IO_TIMEOUT).map(with_timeouts)
}

/// Accepts one connection, failing instead of blocking if none arrives in time.
pub fn accept(listener: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    listener.set_nonblocking(true)?;
    let give_up = std::time::Instant::now() + IO_TIMEOUT;
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                stream.set_nonblocking(false)?;
                return Ok((with_timeouts(stream), peer));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if std::time::Instant::now() >= give_up {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("no connection arrived within {IO_TIMEOUT:?}"),
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Two ends of one loopback TCP connection: `(client, server)`.
pub fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = listener();
    let client = connect(listener.local_addr().unwrap()).expect("connect to the test listener");
    let (server, _) = accept(&listener).expect("accept the test connection");
    (client, server)
}

/// A UDP socket on IPv4 loopback with the test read timeout.
pub fn udp() -> UdpSocket {
    let socket = UdpSocket::bind(loopback_v4()).expect("bind a test UDP socket on 127.0.0.1:0");
    socket
        .set_read_timeout(Some(IO_TIMEOUT))
        .expect("set a timeout on a test UDP socket");
    socket
}
