//! Chapter 11: Frames.
//!
//! Read `book/src/ch11-frames.md`, replace each `todo` placeholder in the files
//! of this crate with your code, and check your work with `cargo test -p
//! chapter-11`. The exercises, in order:
//!
//! | exercise | file         | what                                           |
//! |----------|--------------|------------------------------------------------|
//! | 11.1     | `frame.rs`   | opcodes and which of them are control frames   |
//! | 11.2     | `length.rs`  | the 7-, 16- and 64-bit payload length          |
//! | 11.3     | `mask.rs`    | masking, one byte at a time                    |
//! | 11.4     | `mask.rs`    | masking, eight bytes at a time                 |
//! | 11.5     | `encode.rs`  | a frame to bytes, as a server and as a client  |
//! | 11.6     | `header.rs`  | reading a header from a buffer                 |
//! | 11.7     | `decode.rs`  | the rules a header must follow                 |
//! | 11.8     | `decode.rs`  | a whole frame from a buffer                    |
//!
//! Everything here is sans-I/O: bytes in, frames out, and the other way round.
//! No socket appears in this chapter; chapter 13 connects the codec to one.

mod decode;
mod encode;
mod error;
mod frame;
mod header;
mod length;
mod mask;

pub use decode::{Decoded, Decoder, MAX_FRAME};
pub use encode::encode;
pub use error::FrameError;
pub use frame::{Frame, MAX_CONTROL_PAYLOAD, OpCode, Role};
pub use header::{Header, HeaderRead, parse_header};
pub use length::encode_length;
pub use mask::{apply_mask, apply_mask_bytewise};
