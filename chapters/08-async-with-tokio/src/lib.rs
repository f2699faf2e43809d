//! Chapter 8: Async with tokio.
//!
//! Read `book/src/ch08-async-with-tokio.md`, replace each `todo` placeholder in
//! the files of this folder with your code, and check your work with
//! `cargo test -p chapter-8`.
//!
//! - `echo.rs`: exercise 8.1, a listener and one task per connection.
//! - `lines.rs`: exercises 8.2 and 8.3, lines from a buffered reader, with a
//!   time limit.
//! - `shout.rs`: exercises 8.4 and 8.5, `select!` and a graceful shutdown.
//! - `chat.rs`: exercise 8.6, a chat room on a broadcast channel.
//! - `experiment/`: exercise 8.7, the worker pool, and the experiment that
//!   compares four ways to serve many connections. Run it with
//!   `cargo run --release -p solution-8 --example experiment`.

pub mod chat;
pub mod echo;
pub mod experiment;
pub mod lines;
pub mod shout;
