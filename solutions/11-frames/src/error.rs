//! Every way a frame can break the rules of RFC 6455 section 5.

use std::fmt;

// ANCHOR: frame_error
/// A frame the decoder refuses. Each is a protocol error: the
/// connection must be failed (chapter 12 closes it with status 1002, or
/// 1009 for [`FrameError::TooLarge`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The opcode is one RFC 6455 reserves (0x3-0x7, 0xB-0xF). Section 5.2.
    ReservedOpcode(u8),
    /// RSV1, RSV2 or RSV3 is set, but no extension was negotiated that gives it
    /// a meaning. The value holds the three bits as RSV1 = 4, RSV2 = 2, RSV3 =
    /// 1. Section 5.2.
    ReservedBits(u8),
    /// A control frame announces more than 125 bytes of payload. Section 5.5.
    ControlTooLong(u64),
    /// A control frame without FIN: control frames must not be fragmented.
    /// Section 5.5.
    FragmentedControl,
    /// A server received a frame without the MASK bit. Section 5.1.
    UnmaskedFromClient,
    /// A client received a frame with the MASK bit. Section 5.1.
    MaskedFromServer,
    /// A 64-bit length with its most significant bit set. Section 5.2.
    LengthTopBitSet,
    /// The frame announces more payload than this decoder accepts.
    TooLarge { length: u64, max: usize },
}
// ANCHOR_END: frame_error

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::ReservedOpcode(bits) => {
                write!(f, "reserved opcode 0x{bits:X}")
            }
            FrameError::ReservedBits(bits) => write!(
                f,
                "reserved bits set without an extension (RSV1-3 = {bits:03b})"
            ),
            FrameError::ControlTooLong(length) => write!(
                f,
                "control frame with {length} bytes of payload \
                 (at most 125 allowed)"
            ),
            FrameError::FragmentedControl => {
                write!(f, "fragmented control frame (FIN not set)")
            }
            FrameError::UnmaskedFromClient => {
                write!(f, "unmasked frame from a client")
            }
            FrameError::MaskedFromServer => {
                write!(f, "masked frame from a server")
            }
            FrameError::LengthTopBitSet => {
                write!(
                    f,
                    "64-bit payload length with its most significant bit set"
                )
            }
            FrameError::TooLarge { length, max } => write!(
                f,
                "frame of {length} bytes is larger than the limit \
                 of {max} bytes"
            ),
        }
    }
}

impl std::error::Error for FrameError {}
