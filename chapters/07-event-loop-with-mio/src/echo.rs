//! The echo server the rest of the workbook runs (chapter 8 measures it).

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::server::{Server, Service};

// ANCHOR: serve_echo
/// Serves the echo protocol to every client of `listener` on the calling
/// thread, until `stop` is set; returns within about 50 ms of that.
pub fn serve_echo(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    Server::new(listener, Service::Echo)?.run(&stop)
}
// ANCHOR_END: serve_echo
