//! Chapter 13: A WebSocket server and client on tokio.
//!
//! Read `book/src/ch13-websocket-on-tokio.md`, replace each `todo`
//! placeholder in the files of this folder (and `websocket/`) with your code,
//! and check your work with `cargo test -p chapter-13`.
//!
//! The sans-I/O core of chapters 9 to 12 does the protocol; this crate only
//! moves bytes between it and a stream, and keeps time. Everything is generic
//! over the stream (`AsyncRead + AsyncWrite + Unpin`), so chapter 14 can put
//! TLS underneath without changing a line here.
//!
//! | file                    | exercises                              |
//! |-------------------------|----------------------------------------|
//! | `server.rs`             | 13.1 the handshake under a deadline    |
//! | `websocket/io.rs`       | 13.2 reading, 13.3 writing             |
//! | `websocket/send.rs`     | 13.4 the bounded queue                 |
//! | `websocket/heartbeat.rs`| 13.5 heartbeats                        |
//! | `websocket/close.rs`    | 13.6 closing the socket                |
//! | `client.rs`             | 13.7 a client                          |
//! | `websocket.rs`          | the loop that ties them together       |
//! | `read.rs`, `config.rs`, `error.rs`, `message.rs`, `echo.rs`: helpers |

mod client;
mod config;
mod echo;
mod error;
mod message;
mod read;
mod server;
mod websocket;

pub use client::{client_handshake, connect};
pub use config::Config;
pub use echo::echo;
pub use error::{Error, Waited};
pub use message::Message;
pub use server::{accept, read_request, upgrade};
pub use websocket::WebSocket;

/// What the tests and examples need from the chapters below, under one roof.
pub use handshake::{Origins, WsUrl};
pub use http_head::Request;
pub use protocol::{CloseFrame, ProtocolError, Role, SendError, code};
