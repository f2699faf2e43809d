//! Chapter 14: Production.
//!
//! Read `book/src/ch14-production.md`, replace each `todo` placeholder below with your code,
//! and check your work with `cargo test -p chapter-14`.

// ANCHOR: answer
/// Exercise 14.1: a placeholder, to be replaced by the chapter's first exercise.
pub fn answer() -> u32 {
    // BEGIN SOLUTION: return the answer, 42
    42
    // END SOLUTION
}
// ANCHOR_END: answer
