//! Exercises 12.3 to 12.8: a WebSocket connection without I/O.
//!
//! Bytes from the socket go in ([`Connection::receive_data`]); events come out
//! ([`Connection::next_event`]) and so do the bytes to write back
//! ([`Connection::data_to_send`]). The connection never reads or writes a socket itself,
//! so every rule of RFC 6455 can be tested with plain byte strings.

use std::collections::VecDeque;

use frames::{Decoded, Decoder, Frame, MAX_CONTROL_PAYLOAD, OpCode, Role};

use crate::close::{encode_close_payload, is_valid_close_code, parse_close_payload};
use crate::error::{ProtocolError, SendError};
use crate::utf8::Utf8Validator;

// ANCHOR: event
/// What the peer did, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A whole text message, however many frames it came in.
    Text(String),
    /// A whole binary message.
    Binary(Vec<u8>),
    /// A ping. While the connection is open, the pong is already waiting in
    /// `data_to_send`.
    Ping(Vec<u8>),
    /// A pong, asked for or not. Nothing is sent back.
    Pong(Vec<u8>),
    /// The peer's close frame. Code 1005 means the frame carried no code.
    Close { code: u16, reason: String },
    /// The peer broke the protocol: a close frame with `error.close_code()` is waiting in
    /// `data_to_send`, and nothing more is read.
    Failed(ProtocolError),
}
// ANCHOR_END: event

// ANCHOR: state
/// Where the closing handshake stands (RFC 6455 section 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Messages flow both ways.
    Open,
    /// We sent a close frame and wait for the peer's. We send nothing more, but still read.
    Closing,
    /// Both close frames went (or the connection failed): nothing more is sent or read.
    /// The socket can be closed once `data_to_send` is written.
    Closed,
}
// ANCHOR_END: state

/// Limits and test settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The largest message accepted, in bytes, however it is fragmented. A larger one
    /// fails the connection with 1009.
    pub max_message: usize,
    /// For tests only: a client masks every frame with this key instead of a fresh random
    /// one, so its bytes are the same on every run. A real client must not set it: RFC 6455
    /// section 5.3 wants a new, unpredictable key for every frame.
    pub fixed_mask: Option<[u8; 4]>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            // The default of tungstenite, an established Rust library.
            max_message: 64 << 20,
            fixed_mask: None,
        }
    }
}

/// One WebSocket connection, after the opening handshake.
pub struct Connection {
    role: Role,
    config: Config,
    state: State,
    decoder: Decoder,
    /// The start of a frame that the last read cut off, waiting for its other bytes.
    incoming: Vec<u8>,
    /// The kind (Text or Binary) of the fragmented message going on, if any.
    message: Option<OpCode>,
    /// The payload of that message's fragments so far.
    fragments: Vec<u8>,
    /// Checks a fragmented text message as its fragments arrive.
    utf8: Utf8Validator,
    events: VecDeque<Event>,
    outgoing: Vec<u8>,
}

impl Connection {
    /// A connection with the default limits.
    pub fn new(role: Role) -> Self {
        Self::with_config(role, Config::default())
    }

    pub fn with_config(role: Role, config: Config) -> Self {
        Connection {
            role,
            // A frame larger than a whole message can never be accepted, so the decoder
            // refuses it from its header, before a byte of payload is stored. Control
            // frames are never counted against the message limit: a ping or close of up to
            // 125 bytes is always valid (RFC 6455 section 5.5), however small the limit.
            decoder: Decoder::new(role, config.max_message.max(MAX_CONTROL_PAYLOAD)),
            config,
            state: State::Open,
            incoming: Vec::new(),
            message: None,
            fragments: Vec::new(),
            utf8: Utf8Validator::new(),
            events: VecDeque::new(),
            outgoing: Vec::new(),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn state(&self) -> State {
        self.state
    }

    // ANCHOR: receive_data
    /// Bytes read from the socket, cut anywhere.
    pub fn receive_data(&mut self, data: &[u8]) {
        if self.incoming.is_empty() {
            // The usual case: decode straight from `data`, keep only a cut frame at its end.
            let used = self.decode_frames(data);
            self.incoming.extend_from_slice(&data[used..]);
        } else {
            // The start of a frame waits from the last read: the new bytes go after it.
            let mut incoming = std::mem::take(&mut self.incoming);
            incoming.extend_from_slice(data);
            let used = self.decode_frames(&incoming);
            incoming.drain(..used);
            self.incoming = incoming;
        }
        if self.state == State::Closed {
            // Nothing is read after the closing handshake or a failure (RFC 6455 7.1.7).
            self.incoming.clear();
        }
    }

    /// Decodes and handles whole frames from the start of `input`; returns the number of
    /// bytes they took.
    fn decode_frames(&mut self, input: &[u8]) -> usize {
        let mut used = 0;
        while self.state != State::Closed {
            match self.decoder.decode(&input[used..]) {
                Ok(Decoded::NeedMore(_)) => break,
                Ok(Decoded::Frame { frame, consumed }) => {
                    used += consumed;
                    if let Err(error) = self.handle_frame(frame) {
                        self.fail(error);
                        break;
                    }
                }
                Err(error) => {
                    self.fail(ProtocolError::Frame(error));
                    break;
                }
            }
        }
        used
    }

    fn handle_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        match frame.opcode {
            OpCode::Text | OpCode::Binary | OpCode::Continuation => self.on_data_frame(frame),
            OpCode::Ping => {
                self.on_ping(frame.payload);
                Ok(())
            }
            OpCode::Pong => {
                self.on_pong(frame.payload);
                Ok(())
            }
            OpCode::Close => self.on_close(&frame.payload),
        }
    }
    // ANCHOR_END: receive_data

    // ANCHOR: outputs
    /// The next thing the peer did, oldest first.
    pub fn next_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Every event waiting, oldest first.
    pub fn events(&mut self) -> impl Iterator<Item = Event> + '_ {
        std::iter::from_fn(|| self.next_event())
    }

    /// The bytes to write to the socket, now. Each byte is returned once.
    pub fn data_to_send(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outgoing)
    }
    // ANCHOR_END: outputs

    // ANCHOR: send
    pub fn send_text(&mut self, text: &str) -> Result<(), SendError> {
        self.ensure_open()?;
        self.queue_frame(OpCode::Text, text.as_bytes().to_vec());
        Ok(())
    }

    pub fn send_binary(&mut self, data: &[u8]) -> Result<(), SendError> {
        self.ensure_open()?;
        self.queue_frame(OpCode::Binary, data.to_vec());
        Ok(())
    }

    pub fn send_ping(&mut self, payload: &[u8]) -> Result<(), SendError> {
        self.ensure_open()?;
        if payload.len() > 125 {
            return Err(SendError::ControlTooLong(payload.len()));
        }
        self.queue_frame(OpCode::Ping, payload.to_vec());
        Ok(())
    }

    /// After a close frame, in either direction, no more frames are sent (section 5.5.1).
    fn ensure_open(&self) -> Result<(), SendError> {
        match self.state {
            State::Open => Ok(()),
            State::Closing | State::Closed => Err(SendError::Closed),
        }
    }
    // ANCHOR_END: send

    // ANCHOR: queue_frame
    /// Exercise 12.3: append one whole frame (FIN set) to the bytes to send. A client
    /// masks every frame with a fresh key from [`Connection::mask_key`]; a server never
    /// masks (RFC 6455 section 5.1).
    fn queue_frame(&mut self, opcode: OpCode, payload: Vec<u8>) {
        todo!(
            "build a Frame with fin = true, pick Some(self.mask_key()) for a client or None for a server, frames::encode it into self.outgoing"
        )
    }

    /// A new masking key from the operating system's random source, or the fixed key of
    /// a test.
    fn mask_key(&self) -> [u8; 4] {
        self.config.fixed_mask.unwrap_or_else(|| {
            // Without a random source no client can work safely; there is nothing to fall
            // back to, so this is the one panic of the crate.
            let random = getrandom::u32().expect("the operating system gave no random bytes");
            random.to_ne_bytes()
        })
    }
    // ANCHOR_END: queue_frame

    // ANCHOR: fail
    /// Exercise 12.4: the peer broke the protocol. Tell it why with a close frame (unless
    /// ours is already sent), report the error, and read nothing more (section 7.1.7).
    fn fail(&mut self, error: ProtocolError) {
        todo!(
            "if Open, queue a Close frame carrying error.close_code(); then state Closed and an Event::Failed"
        )
    }
    // ANCHOR_END: fail

    // ANCHOR: on_data_frame
    /// Exercise 12.5: a text, binary or continuation frame. Reassemble fragmented
    /// messages (RFC 6455 section 5.4) and check text as soon as it arrives (8.1).
    fn on_data_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        todo!(
            "find the message's kind from the opcode and self.message (or an error), then deliver a whole frame at once, or validate and collect a fragment"
        )
    }

    /// A complete message becomes an event. Text must be UTF-8.
    fn deliver(&mut self, kind: OpCode, payload: Vec<u8>) -> Result<(), ProtocolError> {
        let event = match kind {
            OpCode::Text => {
                let text = String::from_utf8(payload).map_err(|_| ProtocolError::InvalidUtf8)?;
                Event::Text(text)
            }
            _ => Event::Binary(payload),
        };
        self.events.push_back(event);
        Ok(())
    }
    // ANCHOR_END: on_data_frame

    // ANCHOR: on_ping
    /// Exercise 12.6: a ping. Answer with a pong carrying the same payload (RFC 6455
    /// section 5.5.2), but only while Open: section 5.5.2 excuses the pong once the peer's
    /// close has arrived; this connection also sends none after its own close frame, since
    /// nothing may follow a close frame (section 5.5.1).
    fn on_ping(&mut self, payload: Vec<u8>) {
        todo!("while Open, queue a Pong with a copy of the payload; report Event::Ping")
    }

    /// Exercise 12.6: a pong, which may come without a ping (a heartbeat): report it,
    /// send nothing (section 5.5.3).
    fn on_pong(&mut self, payload: Vec<u8>) {
        todo!("report Event::Pong, send nothing")
    }
    // ANCHOR_END: on_ping

    // ANCHOR: close
    /// Exercise 12.7: start the closing handshake with `code` and `reason`. Afterwards no
    /// frame is sent; the peer's close frame will end the handshake.
    pub fn close(&mut self, code: u16, reason: &str) -> Result<(), SendError> {
        todo!(
            "only while Open; refuse invalid codes and reasons over 123 bytes; queue the Close frame and move to Closing"
        )
    }

    /// Exercise 12.7: the peer's close frame. Check it, answer it if we have not sent
    /// ours yet (section 5.5.1), report it, and read nothing more.
    fn on_close(&mut self, payload: &[u8]) -> Result<(), ProtocolError> {
        todo!(
            "parse_close_payload; if Open, echo the payload in a Close frame; then state Closed and an Event::Close"
        )
    }
    // ANCHOR_END: close

    // ANCHOR: check_message_size
    /// Exercise 12.8: would `incoming` more bytes make the message under way larger than
    /// `max_message`? Then it is an error, whatever the fragments are like.
    fn check_message_size(&self, incoming: usize) -> Result<(), ProtocolError> {
        todo!("the fragments so far plus `incoming`, compared with self.config.max_message")
    }
    // ANCHOR_END: check_message_size
}
