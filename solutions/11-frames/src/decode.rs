//! The decoder: a whole frame from a buffer, or "need more bytes", or a
//! protocol error.

use crate::error::FrameError;
use crate::frame::{Frame, MAX_CONTROL_PAYLOAD, Role};
use crate::header::{Header, HeaderRead, parse_header};
use crate::mask::apply_mask;

/// A sensible default for the largest frame a decoder accepts: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

// ANCHOR: decoded
/// What [`Decoder::decode`] found at the start of its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// Not enough bytes yet: at least this many more are needed. Never more
    /// than the rest of the frame, so reading exactly this many never waits for
    /// bytes that will not come.
    NeedMore(usize),
    /// A whole frame, and how many bytes of the input it used.
    Frame { frame: Frame, consumed: usize },
}
// ANCHOR_END: decoded

// ANCHOR: decoder
/// Decodes frames from the start of a buffer, however the bytes were chunked
/// when they arrived. It keeps no bytes of its own: the caller keeps a buffer,
/// appends what it reads, calls [`Decoder::decode`], and removes `consumed`
/// bytes once a frame comes out.
#[derive(Clone, Debug)]
pub struct Decoder {
    /// Our end: a server requires masked frames, a client unmasked ones.
    role: Role,
    /// The largest payload accepted, in bytes.
    max_frame: usize,
}
// ANCHOR_END: decoder

impl Decoder {
    pub fn new(role: Role, max_frame: usize) -> Decoder {
        Decoder { role, max_frame }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    // ANCHOR: check
    /// Exercise 11.7: the rules of RFC 6455 section 5 that a header can break,
    /// checked in this order (the first broken one is the error):
    ///
    /// 1. RSV1-3 are 0: no extension is negotiated here (5.2).
    /// 2. A control frame has FIN set (5.5) and
    /// 3. at most 125 bytes of payload (5.5).
    /// 4. A server gets masked frames only, a client unmasked ones only (5.1).
    /// 5. The payload is at most `max_frame` bytes.
    pub fn check(&self, header: &Header) -> Result<(), FrameError> {
        // BEGIN SOLUTION: return the error for the first rule the header breaks, else Ok
        if header.rsv != 0 {
            return Err(FrameError::ReservedBits(header.rsv));
        }
        if header.opcode.is_control() {
            if !header.fin {
                return Err(FrameError::FragmentedControl);
            }
            if header.payload_len > MAX_CONTROL_PAYLOAD as u64 {
                return Err(FrameError::ControlTooLong(header.payload_len));
            }
        }
        match (self.role, header.mask) {
            (Role::Server, None) => return Err(FrameError::UnmaskedFromClient),
            (Role::Client, Some(_)) => {
                return Err(FrameError::MaskedFromServer);
            }
            _ => {}
        }
        if header.payload_len > self.max_frame as u64 {
            return Err(FrameError::TooLarge {
                length: header.payload_len,
                max: self.max_frame,
            });
        }
        Ok(())
        // END SOLUTION
    }
    // ANCHOR_END: check

    // ANCHOR: decode
    /// Exercise 11.8: decode one frame from the start of `input`.
    ///
    /// Read the header (or say how many more bytes it needs), check it, then
    /// wait until the whole payload is there. Only then allocate: a copy of the
    /// payload, unmasked. A header that breaks a rule is an error as soon as
    /// the header is complete, before any payload arrives and before anything
    /// is allocated for it.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, FrameError> {
        // BEGIN SOLUTION: parse_header, check, wait for the payload, copy and unmask it
        let (header, header_len) = match parse_header(input)? {
            HeaderRead::NeedMore(more) => return Ok(Decoded::NeedMore(more)),
            HeaderRead::Complete { header, consumed } => (header, consumed),
        };
        self.check(&header)?;
        // check() capped the length at max_frame, a usize, so it fits one.
        // (Saturating: a frame as long as the whole address space could never
        // be complete anyway.)
        let payload_len = header.payload_len as usize;
        let frame_len = header_len.saturating_add(payload_len);
        let Some(payload) = input.get(header_len..frame_len) else {
            return Ok(Decoded::NeedMore(frame_len - input.len()));
        };
        let mut payload = payload.to_vec();
        if let Some(key) = header.mask {
            apply_mask(&mut payload, key, 0);
        }
        let frame = Frame {
            fin: header.fin,
            opcode: header.opcode,
            payload,
        };
        Ok(Decoded::Frame {
            frame,
            consumed: frame_len,
        })
        // END SOLUTION
    }
    // ANCHOR_END: decode
}
