//! Count what code allocates, for tests that must show "nothing was set aside".
//!
//! A rule such as "check the length before allocating" cannot be seen from outside: Linux
//! hands out even a 1 GiB zeroed buffer without touching its memory. A test program that
//! installs [`Counting`] as its allocator can measure it instead:
//!
//! ```ignore
//! #[global_allocator]
//! static COUNTING: support::alloc::Counting = support::alloc::Counting;
//!
//! let (result, bytes) = support::alloc::allocated_by(|| read_frame(&mut reader, 1024));
//! ```
//!
//! The count is per thread, so tests running side by side do not disturb each other. Put
//! such tests in a test program of their own: the allocator serves every test in it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting the bytes each thread asks for.
pub struct Counting;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: the thread-local may already be gone while a thread shuts down.
    let _ = ALLOCATED.try_with(|n| n.set(n.get().saturating_add(bytes)));
}

/// Runs `work` and returns its result with the bytes it asked to allocate on this thread
/// (only meaningful in a test program whose global allocator is [`Counting`]).
pub fn allocated_by<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATED.with(Cell::get);
    let result = work();
    let after = ALLOCATED.with(Cell::get);
    (result, after - before)
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
