//! Chapter 4: `read_frame` checks a frame's length before it sets memory aside
//! for it.
//!
//! This test program counts, per thread, the bytes every allocation asks for,
//! so a test can see what `read_frame` allocated. (Its own program, because the
//! counting allocator serves every test in it.) Without counting, allocating
//! first goes unseen: Linux hands out a zeroed 1 GiB buffer without touching
//! its memory, and the check then fails as it should.

use std::io::{self, Cursor};

use chapter_4::read_frame;
use support::alloc::allocated_by;
use support::{Book, Section, deadline, expect_eq, expect_that};

const BOOK: Book = Book::page("ch04-byte-streams.md");
const LENGTH_PREFIX: Section = BOOK.section("4.4 Framing by length");

#[global_allocator]
static COUNTING: support::alloc::Counting = support::alloc::Counting;

#[test]
fn read_frame_sets_nothing_aside_for_a_length_over_the_limit() {
    // A header that announces 1 GiB, and no payload.
    let header = (1u32 << 30).to_be_bytes().to_vec();
    let (result, allocated) = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        || {
            let mut reader = Cursor::new(header);
            let (result, allocated) =
                allocated_by(|| read_frame(&mut reader, 1024));
            let result = result
                .map(|payload| payload.map(|p| p.len()))
                .map_err(|e| e.kind());
            (result, allocated)
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::InvalidData),
        "read_frame() with limit 1024 of a header announcing 1 GiB",
        LENGTH_PREFIX,
    );
    expect_that(
        allocated < 64 * 1024,
        "bytes allocated by read_frame() while refusing a header announcing 1 GiB",
        "a few, for the error: the length is checked before vec![0; len]",
        format!("{allocated} bytes"),
        LENGTH_PREFIX,
    );
}
