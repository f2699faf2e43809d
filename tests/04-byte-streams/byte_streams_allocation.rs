//! Chapter 4: `read_frame` checks a frame's length before it sets memory aside for it.
//!
//! This test program counts, per thread, the bytes every allocation asks for, so a test can
//! see what `read_frame` allocated. (Its own program, because the counting allocator serves
//! every test in it.) Without counting, allocating first goes unseen: Linux hands out a
//! zeroed 1 GiB buffer without touching its memory, and the check then fails as it should.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{self, Cursor};

use chapter_4::read_frame;
use support::{Book, deadline, expect_eq, expect_that};

const BOOK: Book = Book::page("ch04-byte-streams.md");

struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    let _ = ALLOCATED.try_with(|n| n.set(n.get().saturating_add(bytes)));
}

// SAFETY: every call is passed on to the system allocator unchanged; the counter is a
// thread-local Cell that needs no allocation itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc(layout) }
    }

    /// Passed on as it is, so a huge `vec![0; len]` stays as cheap as without counting.
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

#[test]
fn read_frame_sets_nothing_aside_for_a_length_over_the_limit() {
    let read = BOOK.section("4.4 Framing by length");
    // A header that announces 1 GiB, and no payload.
    let header = (1u32 << 30).to_be_bytes().to_vec();
    let (result, allocated) = deadline::within(deadline::DEFAULT, "read_frame()", read, || {
        let mut reader = Cursor::new(header);
        let before = ALLOCATED.with(Cell::get);
        let result = read_frame(&mut reader, 1024);
        let allocated = ALLOCATED.with(Cell::get) - before;
        let result = result
            .map(|payload| payload.map(|p| p.len()))
            .map_err(|e| e.kind());
        (result, allocated)
    });
    expect_eq(
        result,
        Err(io::ErrorKind::InvalidData),
        "read_frame() with limit 1024 of a header announcing 1 GiB",
        read,
    );
    expect_that(
        allocated < 64 * 1024,
        "bytes allocated by read_frame() while refusing a header announcing 1 GiB",
        "a few, for the error: the length is checked before vec![0; len]",
        format!("{allocated} bytes"),
        read,
    );
}
