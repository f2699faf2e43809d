//! The one style of failure message: what was expected, what happened, where to read.
//!
//! ```text
//! exercise check failed: the socket's type
//!   expected: Stream
//!      found: Datagram
//!   read: book/src/ch01-creating-sockets.md, section "1.1 A TCP socket"
//! ```

use std::fmt::{self, Debug, Display};

/// A chapter's page in the book, named once at the top of a test file.
#[derive(Clone, Copy, Debug)]
pub struct Book {
    /// File name under `book/src/`, for example `ch01-creating-sockets.md`.
    pub page: &'static str,
}

impl Book {
    pub const fn page(page: &'static str) -> Self {
        Book { page }
    }

    /// A section of this page, by its heading as the reader sees it.
    pub const fn section(self, heading: &'static str) -> Section {
        Section {
            page: self.page,
            heading,
        }
    }
}

/// Where in the book a failing check is explained.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    pub page: &'static str,
    pub heading: &'static str,
}

impl Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "book/src/{}, section \"{}\"", self.page, self.heading)
    }
}

/// A failed expectation, formatted the same way everywhere.
#[derive(Debug)]
pub struct Failure {
    pub what: String,
    pub expected: String,
    pub found: String,
    pub read: Section,
}

impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "check failed: {}", self.what)?;
        write_labelled(f, "expected", &self.expected)?;
        write_labelled(f, "found", &self.found)?;
        write!(f, "      read: {}", self.read)
    }
}

/// Writes `label: text`, right-aligned labels, with continuation lines indented under the text.
fn write_labelled(f: &mut fmt::Formatter<'_>, label: &str, text: &str) -> fmt::Result {
    let mut lines = text.lines();
    writeln!(f, "{label:>10}: {}", lines.next().unwrap_or(""))?;
    for line in lines {
        writeln!(f, "{:>10}  {line}", "")?;
    }
    Ok(())
}

impl Failure {
    /// Ends the test with this message. The panic message is what `cargo test` prints.
    #[track_caller]
    pub fn fail(self) -> ! {
        panic!("\n{self}\n")
    }
}

/// Asserts `found == expected`; on failure names `what` was checked and where to read.
#[track_caller]
pub fn expect_eq<T: PartialEq + Debug>(found: T, expected: T, what: &str, read: Section) {
    if let Err(message) = check_eq(found, expected, what, read) {
        panic!("\n{message}\n")
    }
}

/// Like [`expect_eq`], but returns the failure text instead of panicking. For property
/// tests: a panic is printed at every step of proptest's shrinking, while an `Err`
/// (`check_eq(..).map_err(TestCaseError::fail)?`) is reported once, for the smallest case.
pub fn check_eq<T: PartialEq + Debug>(
    found: T,
    expected: T,
    what: &str,
    read: Section,
) -> Result<(), String> {
    if found == expected {
        return Ok(());
    }
    let failure = Failure {
        what: what.to_string(),
        expected: format!("{expected:?}"),
        found: format!("{found:?}"),
        read,
    };
    Err(failure.to_string())
}

/// Like [`expect_that`], but returns the failure text instead of panicking (see [`check_eq`]).
pub fn check_that(
    holds: bool,
    what: &str,
    expected: &str,
    found: impl Display,
    read: Section,
) -> Result<(), String> {
    if holds {
        return Ok(());
    }
    let failure = Failure {
        what: what.to_string(),
        expected: expected.to_string(),
        found: found.to_string(),
        read,
    };
    Err(failure.to_string())
}

/// Unwraps the result of an exercise; on an error, fails with what was expected instead.
///
/// ```text
/// check failed: tcp_socket()
///   expected: Ok: an IPv4 TCP socket
///      found: Err: Protocol not supported (os error 93)
/// ```
#[track_caller]
pub fn expect_ok<T, E: Display>(
    result: Result<T, E>,
    what: &str,
    expected: &str,
    read: Section,
) -> T {
    match result {
        Ok(value) => value,
        Err(error) => Failure {
            what: what.to_string(),
            expected: format!("Ok: {expected}"),
            found: format!("Err: {error}"),
            read,
        }
        .fail(),
    }
}

/// Asserts a condition stated in words: `expected` says what should hold, `found` what did.
#[track_caller]
pub fn expect_that(holds: bool, what: &str, expected: &str, found: impl Display, read: Section) {
    if let Err(message) = check_that(holds, what, expected, found, read) {
        panic!("\n{message}\n")
    }
}

/// Asserts two byte strings are equal; on failure shows both as hex with a caret under the
/// first byte that differs.
#[track_caller]
pub fn expect_bytes(found: &[u8], expected: &[u8], what: &str, read: Section) {
    if let Some(diff) = crate::hex::diff(expected, found) {
        Failure {
            what: what.to_string(),
            expected: bytes(expected.len()),
            found: format!("{} that differ:\n{diff}", bytes(found.len())),
            read,
        }
        .fail()
    }
}

/// `1 byte`, `7 bytes`.
fn bytes(count: usize) -> String {
    if count == 1 {
        "1 byte".to_string()
    } else {
        format!("{count} bytes")
    }
}

/// Prints each panic of a test thread once per place in the code, however often it
/// happens again.
///
/// Property tests need this: when a case fails, proptest shrinks it, running the test
/// again and again, and an unsolved `todo!()` panics on every run. Without this, each of
/// those panics is printed and a reader scrolls through thousands of identical lines.
/// Call it first in every `proptest!` body; installing it a second time does nothing.
pub fn print_each_panic_once() {
    use std::collections::HashSet;
    use std::sync::{Mutex, Once};

    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        let seen: Mutex<HashSet<(String, String)>> = Mutex::new(HashSet::new());
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current().name().unwrap_or("").to_string();
            let place = info.location().map(ToString::to_string).unwrap_or_default();
            let first_time = seen
                .lock()
                .map(|mut seen| seen.insert((thread, place)))
                .unwrap_or(true);
            if first_time {
                default(info);
            }
        }));
    });
}

/// Ends a test whose output differs from its saved snapshot (see [`crate::assert_snapshot!`]).
#[track_caller]
pub fn snapshot_differs(read: Section) -> ! {
    Failure {
        what: "your output against the saved snapshot".to_string(),
        expected: "the saved snapshot: the -old lines above (the answer key: never update it)"
            .to_string(),
        found: "your output: the +new lines above".to_string(),
        read,
    }
    .fail()
}

/// `insta::assert_snapshot!` that, when the output differs, ends with the workbook's message
/// and the book section to read, after insta's own diff:
///
/// ```ignore
/// support::assert_snapshot!(BOOK.section("1.3 What kind of socket is this?"), table);
/// ```
///
/// The test crate needs `insta` as a dev-dependency; the snapshot keeps insta's usual name.
#[macro_export]
macro_rules! assert_snapshot {
    ($read:expr, $($insta:tt)+) => {{
        let read: $crate::Section = $read;
        let compared = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            ::insta::assert_snapshot!($($insta)+);
        }));
        if compared.is_err() {
            $crate::report::snapshot_differs(read);
        }
    }};
}

/// [`assert_snapshot!`] for a value's `Debug` form (`insta::assert_debug_snapshot!`).
#[macro_export]
macro_rules! assert_debug_snapshot {
    ($read:expr, $($insta:tt)+) => {{
        let read: $crate::Section = $read;
        let compared = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| {
            ::insta::assert_debug_snapshot!($($insta)+);
        }));
        if compared.is_err() {
            $crate::report::snapshot_differs(read);
        }
    }};
}
