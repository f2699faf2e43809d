//! Chapter 9: Speaking HTTP/1.1.
//!
//! Read `book/src/ch09-http-requests.md`, replace each `todo` placeholder in
//! the files of this folder with your code, and check your work with
//! `cargo test -p chapter-9`.
//!
//! Everything here is sans-I/O: bytes go in, values and bytes come out, and no
//! function touches a socket. Chapter 10 builds the WebSocket handshake on top
//! of it, and the blocking, mio and tokio servers of later chapters feed it
//! whatever their sockets read.
//!
//! | file          | exercises                                        |
//! |---------------|--------------------------------------------------|
//! | `request.rs`  | 9.1 the request line, 9.2 a header field         |
//! | `headers.rs`  | 9.3 repeated headers and token lists             |
//! | `reader.rs`   | 9.4 reading a head in pieces, within limits      |
//! | `response.rs` | 9.5 a response head, 9.6 answering a bad head    |
//! | `error.rs`    | every way a head can be wrong (no exercise)      |

mod error;
mod headers;
mod reader;
mod request;
mod response;

pub use error::HeadError;
pub use headers::Headers;
pub use reader::{Limits, Progress, RequestReader};
pub use request::{
    Header, Request, RequestLine, Version, is_token, parse_header_line,
    parse_request_line,
};
pub use response::{Status, rejection, response_head};
