//! Chapter 4: Byte streams have no messages.
//!
//! Read `book/src/ch04-byte-streams.md`, replace each `todo` placeholder in
//! this folder with your code, and check your work with
//! `cargo test -p chapter-4`.
//!
//! - `exact.rs`: 4.1 and 4.2, reading and writing a whole buffer.
//! - `lines.rs`: 4.3, messages that end with a delimiter.
//! - `frames.rs`: 4.4, messages that start with their length.
//! - `deadline.rs`: 4.5, one time limit for a whole message.
//! - `protocol.rs`: 4.6 and 4.7, a small request/response protocol on frames.

mod deadline;
mod exact;
mod frames;
mod lines;
mod protocol;

pub use deadline::Deadline;
pub use exact::{fill, send_all};
pub use frames::{HEADER_LEN, read_frame, write_frame};
pub use lines::{DELIMITER, Lines, write_line};
pub use protocol::{MAX_MESSAGE, Store, call, respond, serve};
