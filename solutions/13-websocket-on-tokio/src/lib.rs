//! Chapter 13: A WebSocket server and client on tokio.
//!
//! Read `book/src/ch13-websocket-on-tokio.md`, replace each `todo` placeholder below with your code,
//! and check your work with `cargo test -p chapter-13`.

// ANCHOR: answer
/// Exercise 13.1: a placeholder, to be replaced by the chapter's first exercise.
pub fn answer() -> u32 {
    // BEGIN SOLUTION: return the answer, 42
    42
    // END SOLUTION
}
// ANCHOR_END: answer
