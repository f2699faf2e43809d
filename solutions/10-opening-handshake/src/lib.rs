//! Chapter 10: The opening handshake.
//!
//! Read `book/src/ch10-opening-handshake.md`, replace each `todo` placeholder
//! in the files of this folder with your code, and check your work with `cargo
//! test -p chapter-10`.
//!
//! RFC 6455 section 4: a WebSocket connection starts as an HTTP/1.1 request
//! that asks to upgrade, and becomes a WebSocket when the server answers 101
//! Switching Protocols. The request is read with chapter 9's parser,
//! `http_head` (see this crate's Cargo.toml). Everything is sans-I/O except
//! `blocking.rs`, which wires it to a stream.
//!
//! | file           | exercises                                       |
//! |----------------|-------------------------------------------------|
//! | `accept.rs`    | 10.1 the accept value                           |
//! | `validate.rs`  | 10.2 validating the upgrade request             |
//! | `policy.rs`    | 10.3 subprotocol and origin                     |
//! | `answer.rs`    | 10.4 the server's answer                        |
//! | `url.rs`       | 10.5 a ws:// URL                                |
//! | `client.rs`    | 10.6 the client's request                       |
//! | `response.rs`  | 10.7 checking the server's answer               |
//! | `blocking.rs`  | 10.8 over a real connection                     |

mod accept;
mod answer;
mod blocking;
mod client;
mod policy;
mod response;
mod url;
mod validate;

pub use accept::{WEBSOCKET_GUID, accept_key};
pub use answer::{Answer, ServerConfig, answer, rejection};
pub use blocking::{Established, accept_websocket, client_handshake, connect};
pub use client::{client_request, random_key};
pub use policy::{Origins, choose_subprotocol};
pub use response::{Response, ResponseError, check_response, parse_response};
pub use url::{UrlError, WsUrl};
pub use validate::{HandshakeError, Offer, validate_request};
