//! Run a reader's server on a thread of its own for one test, and stop it at the end.
//!
//! A server loops until it is told to stop. A test starts it, talks to it as a client,
//! then stops it: [`Background::stop`] asks the server to end (in whatever way it listens:
//! a flag, a shutdown signal), waits for it under a deadline and joins its thread, so no
//! thread and no listening port outlives the test. Dropping the guard does the same, so a
//! test that fails half way still leaves nothing running.
//!
//! ```ignore
//! let server = Background::start("serve()", SECTION, move || serve(listener, stop), ask);
//! // ... talk to the server ...
//! let served = server.stop(); // what serve() returned; its panic, if it panicked
//! ```
//!
//! The feature-gated helpers build on this: `support::mio::serve_on_loopback` and
//! `support::tokio::serve_on_loopback` bind the listener and know how to ask.

use std::any::Any;
use std::panic;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::deadline::DEFAULT;
use crate::report::{Failure, Section};

/// How to ask the server to stop.
type Ask = Box<dyn FnOnce() + Send>;

/// A server running on a background thread until [`Background::stop`] or drop.
#[must_use = "dropping the guard stops the server at once"]
pub struct Background<T> {
    what: String,
    read: Section,
    ask: Option<Ask>,
    result: mpsc::Receiver<thread::Result<T>>,
    thread: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Background<T> {
    /// Starts `work` on a thread named after the test (so its panic is reported under the
    /// test's name). `ask` is how to tell it to end; it is called once, by [`stop`] or
    /// on drop.
    ///
    /// [`stop`]: Background::stop
    pub fn start(
        what: &str,
        read: Section,
        work: impl FnOnce() -> T + Send + 'static,
        ask: impl FnOnce() + Send + 'static,
    ) -> Self {
        let (done, result) = mpsc::channel();
        let name = thread::current().name().unwrap_or(what).to_string();
        let thread = thread::Builder::new()
            .name(name)
            .spawn(move || {
                let outcome = panic::catch_unwind(panic::AssertUnwindSafe(work));
                // The guard may be gone already; nobody is left to tell then.
                let _ = done.send(outcome);
            })
            .expect("the operating system refused to start a test thread");
        Background {
            what: what.to_string(),
            read,
            ask: Some(Box::new(ask)),
            result,
            thread: Some(thread),
        }
    }

    /// Has the server ended on its own, returning or panicking, without being asked?
    pub fn has_ended(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Asks the server to stop and waits for it (5 s at most); returns what it returned.
    ///
    /// A panic in the server (a `todo!()` in an unsolved exercise) is passed on unchanged;
    /// a server still running after the deadline fails the test with the usual message.
    #[track_caller]
    pub fn stop(mut self) -> T {
        match self.finish(DEFAULT) {
            Ok(value) => value,
            Err(Ended::Panicked(panic)) => panic::resume_unwind(panic),
            Err(Ended::StillRunning) => {
                // Left behind: the test process ends the thread when the run is over.
                self.thread.take();
                self.would_not_stop()
            }
        }
    }

    /// Asks (once) and waits up to `limit`; joins the thread if it ended.
    fn finish(&mut self, limit: Duration) -> Result<T, Ended> {
        if let Some(ask) = self.ask.take() {
            ask();
        }
        let outcome = match self.result.recv_timeout(limit) {
            Ok(outcome) => outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => return Err(Ended::StillRunning),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                unreachable!("the thread sends its outcome before it ends")
            }
        };
        if let Some(thread) = self.thread.take() {
            // It has sent its outcome, so it is ending now: this join is immediate.
            let _ = thread.join();
        }
        outcome.map_err(Ended::Panicked)
    }
}

enum Ended {
    Panicked(Box<dyn Any + Send>),
    StillRunning,
}

impl<T> Drop for Background<T> {
    fn drop(&mut self) {
        if self.thread.is_none() {
            return;
        }
        if let Some(ask) = self.ask.take() {
            ask();
        }
        let ended = self.result.recv_timeout(DEFAULT).is_ok();
        if ended {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        } else if !thread::panicking() {
            // Dropped without `stop()` and the server would not end: say so. (While the
            // test is failing already, its own message matters more than this one.)
            self.thread.take();
            self.would_not_stop()
        }
    }
}

impl<T> Background<T> {
    #[track_caller]
    fn would_not_stop(&self) -> ! {
        Failure {
            what: format!("{}, once asked to stop", self.what),
            expected: format!("to return within {DEFAULT:?}"),
            found: "still running: does it look for the request to stop (a flag checked \
                    after every poll, the shutdown signal in a select!) while it waits?"
                .to_string(),
            read: self.read,
        }
        .fail()
    }
}
