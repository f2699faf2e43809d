//! Run anything that can block under a time limit.
//!
//! A test that waits on a socket waits forever when the code under test is wrong: a server
//! that never answers, a read that never returns. [`within`] runs the work on its own
//! thread and gives up after the limit, so the test fails in seconds with a message
//! instead of hanging the whole run.

use std::any::Any;
use std::panic;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::report::{Failure, Section};

/// The limit most checks use: far above what a correct solution needs on loopback,
/// far below what a person waits before thinking the run is stuck.
pub const DEFAULT: Duration = Duration::from_secs(5);

/// Runs `work` and returns its result, or fails the test once `limit` has passed.
///
/// A panic inside `work` (a `todo!()` in an unsolved exercise, a failed check) is passed
/// on unchanged, so the reader sees the original message.
#[track_caller]
pub fn within<T, F>(limit: Duration, what: &str, read: Section, work: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, result) = mpsc::channel();
    // The worker takes the test's name, so a panic inside it is reported under that name.
    let name = thread::current().name().unwrap_or(what).to_string();
    let worker = thread::Builder::new()
        .name(name)
        .spawn(move || {
            // The receiver may be gone after a timeout; nothing is left to tell then.
            let _ = done.send(work());
        })
        .expect("the operating system refused to start a test thread");
    match result.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => resume(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        // The worker is left blocked; the test process ends it when the run is over.
        Err(mpsc::RecvTimeoutError::Timeout) => timed_out(limit, what, read),
    }
}

/// Ends the test because `what` was still running after `limit`: the one message every
/// deadline (this one, `support::tokio::within_async`, a background server's stop) gives.
#[track_caller]
pub fn timed_out(limit: Duration, what: &str, read: Section) -> ! {
    Failure {
        what: what.to_string(),
        expected: format!("to finish within {limit:?}"),
        found: "still running when the time ran out: a loop that never ends, or a read, \
                accept or connect waiting for something that never comes?"
            .to_string(),
        read,
    }
    .fail()
}

fn resume(panic: Box<dyn Any + Send>) -> ! {
    panic::resume_unwind(panic)
}
