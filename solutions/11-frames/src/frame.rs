//! What a frame is: an opcode, the FIN bit and a payload (RFC 6455
//! section 5.2).

// ANCHOR: opcode
/// The opcodes of RFC 6455 section 5.2: the low four bits of a frame's
/// first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpCode {
    /// 0x0: the next fragment of a message that a Text or Binary frame started.
    Continuation,
    /// 0x1: the first (or only) frame of a UTF-8 text message.
    Text,
    /// 0x2: the first (or only) frame of a binary message.
    Binary,
    /// 0x8: the closing handshake (chapter 12).
    Close,
    /// 0x9: "are you there?"; the peer answers with a Pong.
    Ping,
    /// 0xA: the answer to a Ping.
    Pong,
}
// ANCHOR_END: opcode

impl OpCode {
    // ANCHOR: opcode_methods
    /// Exercise 11.1: the opcode that the four bits `bits` stand for. The
    /// values RFC 6455 reserves for later use (0x3-0x7 and 0xB-0xF), and
    /// anything above 0xF, are `None`.
    pub fn from_u8(bits: u8) -> Option<OpCode> {
        // BEGIN SOLUTION: 0x0, 0x1, 0x2, 0x8, 0x9, 0xA to opcodes; else None
        match bits {
            0x0 => Some(OpCode::Continuation),
            0x1 => Some(OpCode::Text),
            0x2 => Some(OpCode::Binary),
            0x8 => Some(OpCode::Close),
            0x9 => Some(OpCode::Ping),
            0xA => Some(OpCode::Pong),
            _ => None,
        }
        // END SOLUTION
    }

    /// Exercise 11.1: the four bits that stand for this opcode on the wire.
    pub fn as_u8(self) -> u8 {
        // BEGIN SOLUTION: the inverse of from_u8
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
        }
        // END SOLUTION
    }

    /// Exercise 11.1: is this a control frame (Close, Ping, Pong)? Control
    /// frames talk about the connection rather than carry the
    /// application's data.
    pub fn is_control(self) -> bool {
        // BEGIN SOLUTION: control opcodes have the highest of the four bits set (5.5)
        self.as_u8() & 0x8 != 0
        // END SOLUTION
    }
    // ANCHOR_END: opcode_methods
}

// ANCHOR: frame
/// Which end of the connection we are. It decides masking: a client masks every
/// frame it sends, a server masks none (RFC 6455 sections 5.1 and 5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
}

/// One frame, with its payload already unmasked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// Set on the last frame of a message (and on every control frame).
    pub fin: bool,
    pub opcode: OpCode,
    pub payload: Vec<u8>,
}
// ANCHOR_END: frame

impl Frame {
    /// A frame with FIN set: a whole message, or a control frame.
    pub fn new(opcode: OpCode, payload: impl Into<Vec<u8>>) -> Frame {
        Frame {
            fin: true,
            opcode,
            payload: payload.into(),
        }
    }
}

/// A control frame's payload may hold at most this many bytes, so that it
/// always fits the 7-bit length (RFC 6455 section 5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;
