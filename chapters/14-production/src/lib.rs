//! Chapter 14: Production.
//!
//! Read `book/src/ch14-production.md`, replace each `todo` placeholder in
//! the files of this folder with your code, and check your work with
//! `cargo test -p chapter-14`.
//!
//! | file         | what it holds                                          |
//! |--------------|--------------------------------------------------------|
//! | `tls.rs`     | 14.1 the TLS configurations, from a test CA            |
//! | `client.rs`  | 14.2 a `wss://` client                                 |
//! | `server.rs`  | 14.3 the connection limit (503)                        |
//! | `chat.rs`    | 14.3 `room_of`; 14.4 a member within its limits        |
//! | `relay.rs`   | 14.5 rooms through Redis, 14.6 linking again           |
//! | `limits.rs`, `rooms.rs`, `page.rs`: settings, rooms, the web page   |

pub mod chat;
pub mod client;
pub mod limits;
pub mod page;
pub mod relay;
pub mod rooms;
pub mod server;
pub mod tls;
