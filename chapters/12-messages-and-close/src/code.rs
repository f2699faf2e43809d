//! Status codes of RFC 6455 section 7.4.1 (and 7.4.2 for the ranges) by name.
//!
//! A module of its own, so that both `close.rs` and `error.rs` can use it
//! without importing each other.

/// The purpose of the connection is fulfilled.
pub const NORMAL: u16 = 1000;
/// The endpoint goes away: a server shutting down, a browser leaving the page.
pub const GOING_AWAY: u16 = 1001;
/// The peer broke the protocol.
pub const PROTOCOL_ERROR: u16 = 1002;
/// A kind of data the endpoint cannot take (say, binary to a
/// text-only endpoint).
pub const UNSUPPORTED_DATA: u16 = 1003;
/// Reserved, never sent: what the application sees when a close frame had
/// no code.
pub const NO_STATUS_RECEIVED: u16 = 1005;
/// Reserved, never sent: what the application sees when the connection dropped
/// without any close frame.
pub const ABNORMAL_CLOSURE: u16 = 1006;
/// A message's data does not match its type: a text message that is not UTF-8.
pub const INVALID_DATA: u16 = 1007;
/// The message breaks the endpoint's policy (a generic code).
pub const POLICY_VIOLATION: u16 = 1008;
/// A message too big to process.
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// The server met an unexpected condition.
pub const INTERNAL_ERROR: u16 = 1011;
