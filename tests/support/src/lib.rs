//! Helpers shared by the tests of every chapter.
//!
//! A test in this workbook must do three things well: never hang, never depend on the
//! machine it runs on, and, when it fails, tell the reader what was expected, what
//! happened and where in the book to look. Each module takes one of those jobs:
//!
//! - [`deadline`]: run anything that can block under a time limit.
//! - [`net`]: loopback sockets on port 0 with timeouts already set.
//! - [`redact`]: replace ports and addresses so snapshots are the same on every machine.
//! - [`hex`]: annotated hex dumps and byte-by-byte comparisons with a caret.
//! - [`report`]: the one failure-message style every check uses.
//! - [`reads`]: reading messages call by call; a failure names the call, the peer's way
//!   of writing, and what came before.
//! - [`alloc`]: count what code allocates, to show a limit is checked before memory is set aside.
//! - [`background`]: run a reader's server on its own thread and stop it at the end.
//!
//! Three more, behind cargo features so that chapters without them never compile mio or
//! tokio: `mio` (feature `mio`: a loopback mio listener, an event loop in the background),
//! `tokio` (feature `tokio`: async deadlines, loopback, a server with a shutdown
//! signal) and `browser` (feature `browser`: headless Chromium loads a page and returns
//! its DOM; a missing browser skips the test, or fails it under `CI=true`).

pub mod alloc;
pub mod background;
pub mod deadline;
pub mod hex;
pub mod net;
pub mod reads;
pub mod redact;
pub mod report;

#[cfg(feature = "browser")]
pub mod browser;
#[cfg(feature = "mio")]
pub mod mio;
#[cfg(feature = "tokio")]
pub mod tokio;

pub use deadline::within;
pub use report::{
    Book, Section, check_eq, check_that, expect_bytes, expect_eq, expect_ok, expect_that,
    print_each_panic_once,
};
