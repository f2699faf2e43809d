//! Running async code from the tests, every part of it under a deadline.
//!
//! Each server runs on a tokio runtime of its own, on a thread of its own; the test
//! talks to it with ordinary blocking sockets that have timeouts (`support::net`).

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::thread;

use support::{Section, deadline};
use tokio::sync::oneshot;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a tokio runtime for the test")
}

/// Runs the future that `make` builds to its end, failing the test when it takes longer
/// than the default deadline.
#[track_caller]
pub fn block_on<T, F, Fut>(what: &str, read: Section, make: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    deadline::within(deadline::DEFAULT, what, read, move || {
        runtime().block_on(make())
    })
}

/// A server on a loopback port, running until this value is dropped.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The runtime drops the server's future, its tasks and their sockets.
            let _ = stop.send(());
        }
    }
}

/// Binds `127.0.0.1:0` and runs `serve(listener)` on a runtime of its own thread.
pub fn start<F, Fut>(serve: F) -> Running
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test listener");
    let addr = listener.local_addr().expect("the listener's address");
    listener
        .set_nonblocking(true)
        .expect("make the test listener non-blocking");
    let (stop, stopped) = oneshot::channel::<()>();
    thread::Builder::new()
        .name("test server".into())
        .spawn(move || {
            runtime().block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .expect("hand the listener to tokio");
                tokio::select! {
                    () = serve(listener) => {}
                    _ = stopped => {}
                }
            });
        })
        .expect("start the test server's thread");
    Running {
        addr,
        stop: Some(stop),
    }
}
