//! Chapter 7: Non-blocking I/O and an event loop with mio.
//!
//! Read `book/src/ch07-event-loop-with-mio.md`, replace each `todo`
//! placeholder in the files of this folder with your code, and check your
//! work with `cargo test -p chapter-7`.
//!
//! | file            | exercises                                              |
//! |-----------------|--------------------------------------------------------|
//! | `nonblocking.rs`| 7.1 reading until `WouldBlock`, 7.2 partial writes     |
//! | `server.rs`     | 7.3 accepting until `WouldBlock`, 7.6 the event loop   |
//! | `connection.rs` | 7.4 writable interest, 7.5 echo                        |
//! | `chat.rs`       | 7.7 a line chat                                        |
//! | `echo.rs`       | `serve_echo`, the server chapter 8 measures            |

pub mod chat;
mod connection;
pub mod echo;
mod nonblocking;
mod server;

pub use chat::{MAX_LINE, complete_lines, serve_chat};
pub use connection::{Connection, MAX_OUTPUT, Status};
pub use echo::serve_echo;
pub use nonblocking::{Drained, drain, flush};
pub use server::{LISTENER, Server, Service, Stats};
