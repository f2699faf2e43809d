//! Chapter 14: Production.
//!
//! Read `book/src/ch14-production.md`, replace each `todo` placeholder below
//! with your code, and check your work with `cargo test -p chapter-14`.

pub mod relay;
pub mod rooms;
pub mod tls;
