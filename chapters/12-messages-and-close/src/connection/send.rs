//! Exercise 12.3: what the application sends. Every frame goes through
//! `queue_frame` into the bytes that `data_to_send` hands out.
//!
//! A child module of `connection`, so that it may use the connection's
//! private fields; `pub(super)` lets `connection.rs` call back.

use frames::{Frame, MAX_CONTROL_PAYLOAD, OpCode, Role};

use super::Connection;
use crate::error::SendError;
use crate::event::State;

impl Connection {
    // ANCHOR: send
    /// A whole text message. Give it a `String` to spare a copy.
    pub fn send_text(
        &mut self,
        text: impl Into<String>,
    ) -> Result<(), SendError> {
        self.send_message(OpCode::Text, text.into().into_bytes())
    }

    /// A whole binary message. Give it a `Vec<u8>` to spare a copy.
    pub fn send_binary(
        &mut self,
        data: impl Into<Vec<u8>>,
    ) -> Result<(), SendError> {
        self.send_message(OpCode::Binary, data.into())
    }

    fn send_message(
        &mut self,
        opcode: OpCode,
        payload: Vec<u8>,
    ) -> Result<(), SendError> {
        self.ensure_open()?;
        if self.sending.is_some() {
            return Err(SendError::MessageUnderWay);
        }
        self.queue_frame(Frame::new(opcode, payload));
        Ok(())
    }

    /// One fragment of a message (RFC 6455 section 5.4), for a message too
    /// large to hold at once. `opcode` is Text or Binary, the same for every
    /// fragment; `fin` marks the last one. Control frames may be sent in
    /// between; other messages wait until this one is finished.
    pub fn send_fragment(
        &mut self,
        opcode: OpCode,
        payload: impl Into<Vec<u8>>,
        fin: bool,
    ) -> Result<(), SendError> {
        self.ensure_open()?;
        if !matches!(opcode, OpCode::Text | OpCode::Binary) {
            return Err(SendError::NotAMessage(opcode));
        }
        let wire_opcode = match self.sending {
            None => opcode,
            Some(kind) if kind == opcode => OpCode::Continuation,
            Some(_) => return Err(SendError::MessageUnderWay),
        };
        self.sending = if fin { None } else { Some(opcode) };
        self.queue_frame(Frame {
            fin,
            opcode: wire_opcode,
            payload: payload.into(),
        });
        Ok(())
    }

    pub fn send_ping(&mut self, payload: &[u8]) -> Result<(), SendError> {
        self.ensure_open()?;
        if payload.len() > MAX_CONTROL_PAYLOAD {
            return Err(SendError::ControlTooLong(payload.len()));
        }
        self.queue_frame(Frame::new(OpCode::Ping, payload));
        Ok(())
    }

    /// After a close frame, in either direction, no more frames are sent
    /// (section 5.5.1).
    pub(super) fn ensure_open(&self) -> Result<(), SendError> {
        match self.state {
            State::Open => Ok(()),
            State::Closing | State::Closed => Err(SendError::Closed),
        }
    }
    // ANCHOR_END: send

    // ANCHOR: queue_frame
    /// Exercise 12.3: append `frame` to the bytes to send. A client masks
    /// every frame with a fresh key from [`Connection::mask_key`]; a server
    /// never masks (RFC 6455 section 5.1).
    pub(super) fn queue_frame(&mut self, frame: Frame) {
        todo!("mask for a client only; frames::encode into self.outgoing")
    }

    /// A new masking key from the operating system's random source, or the
    /// fixed key of a test.
    fn mask_key(&self) -> [u8; 4] {
        self.fixed_mask.unwrap_or_else(|| {
            // Without a random source no client can work safely; there is
            // nothing to fall back to, so this is the one panic of the crate.
            let random = getrandom::u32()
                .expect("the operating system gave no random bytes");
            random.to_ne_bytes()
        })
    }
    // ANCHOR_END: queue_frame
}
