//! Chapter 12: a message handed over as an owned buffer is copied once, into
//! the bytes to send, and not a second time on the way.
//!
//! This test program counts, per thread, the bytes every allocation asks
//! for. (Its own program, because the counting allocator serves every test
//! in it.)

use chapter_12::{Connection, Role};
use frames::OpCode;
use support::alloc::allocated_by;
use support::{Book, Section, expect_that};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const SENDING: Section = BOOK.section("12.3 Sending frames");

#[global_allocator]
static COUNTING: support::alloc::Counting = support::alloc::Counting;

const SIZE: usize = 1 << 20;

/// A call that sends SIZE bytes, and whether it succeeded.
type Send = fn(&mut Connection) -> bool;

#[test]
fn an_owned_message_is_copied_only_into_the_bytes_to_send() {
    for role in [Role::Server, Role::Client] {
        let sends: [(&str, Send); 3] = [
            ("send_binary(vec)", |c| c.send_binary(vec![7; SIZE]).is_ok()),
            ("send_text(string)", |c| {
                c.send_text("a".repeat(SIZE)).is_ok()
            }),
            ("send_fragment(Binary, vec, true)", |c| {
                c.send_fragment(OpCode::Binary, vec![7; SIZE], true).is_ok()
            }),
        ];
        for (call, send) in sends {
            let mut connection = Connection::new(role);
            // The message itself is SIZE bytes; the copy to send at most a
            // frame header more. A second copy would be another SIZE.
            let (sent, allocated) = allocated_by(|| send(&mut connection));
            expect_that(
                sent && allocated <= 2 * SIZE + 64,
                &format!("bytes allocated by {call} of 1 MiB ({role:?})"),
                &format!(
                    "the message and one copy of it: at most {}",
                    2 * SIZE + 64
                ),
                format!("{allocated} (sent: {sent})"),
                SENDING,
            );
        }
    }
}
