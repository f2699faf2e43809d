//! Checks for code that reads messages from a stream, one call at a time.
//!
//! A framing bug shows on one call of many, and only for some ways the peer cuts its
//! bytes. So a failure says which call it was, how the peer wrote, and what the calls
//! before it returned:
//!
//! ```text
//! check failed: read_frame() call 2, the peer writes one byte at a time, after ["hello"]
//! ```

use std::fmt::{Debug, Display};

use crate::report::{Failure, Section};

/// Calls `next` until it returns `Ok(None)` (the stream has ended) and returns what each
/// call gave, shown by `show`. An error ends the test, naming the call that failed.
///
/// `what` names the function (`"Lines::next_line()"`), `peer` says how the peer wrote
/// (`"the peer writes one byte at a time"`).
#[track_caller]
pub fn read_all<T, E: Display>(
    what: &str,
    peer: &str,
    read: Section,
    mut next: impl FnMut() -> Result<Option<T>, E>,
    show: impl Fn(&T) -> String,
) -> Vec<String> {
    let mut so_far = Vec::new();
    loop {
        match next() {
            Ok(Some(message)) => so_far.push(show(&message)),
            Ok(None) => return so_far,
            Err(error) => Failure {
                what: call(what, so_far.len() + 1, peer, &so_far),
                expected: "Ok: the next message, or None once the stream has ended".to_string(),
                found: format!("Err: {error}"),
                read,
            }
            .fail(),
        }
    }
}

/// `read_frame() call 2, the peer writes one byte at a time, after ["hello"]`.
fn call(what: &str, number: usize, peer: &str, so_far: &[String]) -> String {
    if so_far.is_empty() {
        format!("{what} call {number}, {peer}, the first call")
    } else {
        format!("{what} call {number}, {peer}, after {so_far:?}")
    }
}

/// Asserts the messages read are the messages sent. When some are missing and the rest
/// arrived in order, the failure adds `lost_cause`: what usually loses messages (break
/// it into lines of about 60 characters with `\n`, to fit the book's column).
#[track_caller]
pub fn expect_messages<T: PartialEq + Debug>(
    found: &[T],
    expected: &[T],
    what: &str,
    lost_cause: &str,
    read: Section,
) {
    if found == expected {
        return;
    }
    let mut shown = format!("{found:?}");
    if found.len() < expected.len() && is_in_order_within(found, expected) {
        let lost = expected.len() - found.len();
        let messages = if lost == 1 { "message" } else { "messages" };
        shown.push_str(&format!(
            "\n{lost} {messages} lost. Likely cause:\n{lost_cause}"
        ));
    }
    Failure {
        what: what.to_string(),
        expected: format!("{expected:?}"),
        found: shown,
        read,
    }
    .fail()
}

/// Is every item of `part` in `whole`, in the same order?
fn is_in_order_within<T: PartialEq>(part: &[T], whole: &[T]) -> bool {
    let mut rest = whole.iter();
    part.iter()
        .all(|item| rest.any(|candidate| candidate == item))
}
