//! Exercises 12.3 to 12.8: a WebSocket connection without I/O.
//!
//! Bytes from the socket go in ([`Connection::receive_data`], and
//! [`Connection::receive_eof`] when the socket reports its end); events come
//! out ([`Connection::next_event`]) and so do the bytes to write back
//! ([`Connection::data_to_send`]). The connection never reads or writes a
//! socket itself, so every rule of RFC 6455 can be tested with byte strings.

mod send;

use std::collections::VecDeque;

use frames::{
    Decoded, Decoder, Frame, HeaderRead, MAX_CONTROL_PAYLOAD, OpCode, Role,
    apply_mask, parse_header,
};

use crate::close::{
    encode_close_payload, is_valid_close_code, parse_close_payload,
};
use crate::code;
use crate::error::{ProtocolError, SendError};
use crate::event::{Event, State};
use crate::utf8::Utf8Validator;

// ANCHOR: config
/// Limits on what the peer may send. A frame or message over its limit
/// fails the connection with 1009.
#[derive(Clone, Debug)]
pub struct Config {
    /// The largest frame payload accepted, in bytes. The decoder refuses a
    /// larger frame from its header, before storing a byte of it.
    pub max_frame: usize,
    /// The largest message accepted, in bytes, however it is fragmented.
    pub max_message: usize,
}

impl Default for Config {
    fn default() -> Self {
        // The defaults of tungstenite, an established Rust library.
        Config {
            max_frame: 16 << 20,
            max_message: 64 << 20,
        }
    }
}
// ANCHOR_END: config

/// One WebSocket connection, after the opening handshake.
pub struct Connection {
    role: Role,
    config: Config,
    state: State,
    decoder: Decoder,
    /// Bytes received and not yet decoded start at `incoming[start]`.
    incoming: Vec<u8>,
    start: usize,
    /// The socket reported its end: nothing more will arrive.
    eof: bool,
    /// The kind (Text or Binary) of the fragmented message going on, if any.
    message: Option<OpCode>,
    /// The payload of that message's fragments so far.
    fragments: Vec<u8>,
    /// Checks text as it arrives, across fragments and before frames end.
    utf8: Utf8Validator,
    /// How many payload bytes of the text frame under way `utf8` has seen.
    text_checked: usize,
    /// The kind of the fragmented message we are sending, if any.
    sending: Option<OpCode>,
    events: VecDeque<Event>,
    outgoing: Vec<u8>,
    /// A fixed masking key, for tests only (see `with_fixed_mask`).
    fixed_mask: Option<[u8; 4]>,
}

impl Connection {
    /// A connection with the default limits.
    pub fn new(role: Role) -> Self {
        Self::with_config(role, Config::default())
    }

    pub fn with_config(role: Role, config: Config) -> Self {
        // A frame larger than a whole message can never be accepted either.
        // Control frames are never held to the limits: a ping or close of
        // up to 125 bytes is always valid (RFC 6455 section 5.5).
        let max_frame = config
            .max_frame
            .min(config.max_message)
            .max(MAX_CONTROL_PAYLOAD);
        Connection {
            role,
            decoder: Decoder::new(role, max_frame),
            config,
            state: State::Open,
            incoming: Vec::new(),
            start: 0,
            eof: false,
            message: None,
            fragments: Vec::new(),
            utf8: Utf8Validator::new(),
            text_checked: 0,
            sending: None,
            events: VecDeque::new(),
            outgoing: Vec::new(),
            fixed_mask: None,
        }
    }

    /// For tests only: a client masks every frame with `key` instead of a
    /// fresh random one, so its bytes are the same on every run. A real
    /// client must not: RFC 6455 section 5.3 wants a new, unpredictable key
    /// for every frame.
    pub fn with_fixed_mask(mut self, key: [u8; 4]) -> Self {
        self.fixed_mask = Some(key);
        self
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn state(&self) -> State {
        self.state
    }

    // ANCHOR: receive_data
    /// Bytes read from the socket, cut anywhere. They are only stored here:
    /// `next_event` decodes them, one frame at a time, as the application
    /// asks. So the application can answer every message that came before
    /// a close frame or an error in the same read.
    pub fn receive_data(&mut self, data: &[u8]) {
        if self.state == State::Closed || self.eof {
            // Nothing is read after the closing handshake or a failure
            // (RFC 6455 section 7.1.7).
            return;
        }
        // Forget the bytes already decoded before keeping new ones.
        self.incoming.drain(..self.start);
        self.start = 0;
        self.incoming.extend_from_slice(data);
    }

    /// The socket reported its end (a read of 0 bytes). Unless the closing
    /// handshake is over, the connection was lost: once the frames already
    /// received are read, `next_event` reports `Close` with code 1006.
    pub fn receive_eof(&mut self) {
        self.eof = true;
    }
    // ANCHOR_END: receive_data

    // ANCHOR: next_event
    /// The next thing the peer did, oldest first. Decodes the next frames
    /// received (answering pings and close frames) until one is an event.
    pub fn next_event(&mut self) -> Option<Event> {
        if self.events.is_empty() {
            self.read_frames();
        }
        self.events.pop_front()
    }

    /// Decodes and handles frames until one gives an event, a frame is not
    /// all there yet, or reading has ended. After a failure it stops at
    /// once, even if `fail` (exercise 12.4) does not end reading yet: the
    /// broken frame is still there and would fail again, forever.
    fn read_frames(&mut self) {
        while self.events.is_empty() && self.state != State::Closed {
            let input = &self.incoming[self.start..];
            match self.decoder.decode(input) {
                Ok(Decoded::Frame { frame, consumed }) => {
                    self.start += consumed;
                    if let Err(error) = self.handle_frame(frame) {
                        self.fail(error);
                        break;
                    }
                }
                Ok(Decoded::NeedMore(_)) => {
                    if let Err(error) = self.check_frame_under_way() {
                        self.fail(error);
                    } else if self.eof {
                        self.lost();
                    }
                    break;
                }
                Err(error) => {
                    self.fail(ProtocolError::Frame(error));
                    break;
                }
            }
        }
        self.reclaim();
    }

    fn handle_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        match frame.opcode {
            OpCode::Text | OpCode::Binary | OpCode::Continuation => {
                self.on_data_frame(frame)
            }
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

    /// The socket ended before the closing handshake did (section 7.1.5).
    fn lost(&mut self) {
        self.state = State::Closed;
        self.events.push_back(Event::Close {
            code: code::ABNORMAL_CLOSURE,
            reason: String::new(),
        });
    }

    /// Once everything received is decoded, give the buffer's memory back:
    /// an idle connection holds no receive buffer at all, whatever size
    /// of frame came before. The next read allocates what it needs.
    fn reclaim(&mut self) {
        if self.state == State::Closed || self.start == self.incoming.len() {
            self.incoming = Vec::new();
            self.start = 0;
        }
    }
    // ANCHOR_END: next_event

    // ANCHOR: outputs
    /// Every event waiting, oldest first.
    pub fn events(&mut self) -> impl Iterator<Item = Event> + '_ {
        std::iter::from_fn(|| self.next_event())
    }

    /// The bytes to write to the socket, now. Each byte is returned once.
    pub fn data_to_send(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outgoing)
    }
    // ANCHOR_END: outputs

    // ANCHOR: transport
    /// Should the I/O layer expect the socket to end soon, and so stop
    /// waiting for it after a timeout? Yes once a close frame went either
    /// way, or the connection failed.
    pub fn close_expected(&self) -> bool {
        self.state != State::Open
    }

    /// Should the I/O layer close the socket, once `data_to_send` is
    /// written? RFC 6455 section 7.1.1: the server closes the TCP connection
    /// first; a client waits until the server has (`receive_eof`), reading
    /// until then, or until a timeout says the server never will.
    pub fn should_close_tcp(&self) -> bool {
        self.state == State::Closed && (self.role == Role::Server || self.eof)
    }

    /// The bytes of memory the connection's buffers hold now.
    pub fn buffer_capacity(&self) -> usize {
        self.incoming.capacity()
            + self.fragments.capacity()
            + self.outgoing.capacity()
    }
    // ANCHOR_END: transport

    // ANCHOR: fail
    /// Exercise 12.4: the peer broke the protocol. Tell it why with a close
    /// frame (unless ours is already sent), report the error, and read
    /// nothing more (section 7.1.7).
    fn fail(&mut self, error: ProtocolError) {
        todo!("if Open, a Close with close_code(); Closed; Event::Failed")
    }
    // ANCHOR_END: fail

    // ANCHOR: on_data_frame
    /// Exercise 12.5: the kind of message a data frame with `opcode`
    /// belongs to: a new one (Text, Binary) or the one going on
    /// (Continuation). RFC 6455 section 5.4.
    fn message_kind(&self, opcode: OpCode) -> Result<OpCode, ProtocolError> {
        todo!("Continuation continues self.message; a new one needs None")
    }

    /// Exercise 12.5: a whole text, binary or continuation frame. Reassemble
    /// fragmented messages (section 5.4) and check text as it arrives (8.1):
    /// `self.text_checked` bytes of this frame were checked before it ended.
    fn on_data_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
        todo!("kind; whole message at once, or check text, collect, deliver")
    }

    /// A complete message becomes an event. Text must be UTF-8.
    fn deliver(
        &mut self,
        kind: OpCode,
        payload: Vec<u8>,
    ) -> Result<(), ProtocolError> {
        let event = match kind {
            OpCode::Text => {
                let text = String::from_utf8(payload)
                    .map_err(|_| ProtocolError::InvalidUtf8)?;
                Event::Text(text)
            }
            _ => Event::Binary(payload),
        };
        self.events.push_back(event);
        Ok(())
    }
    // ANCHOR_END: on_data_frame

    // ANCHOR: frame_under_way
    /// A data frame whose header is here but not all of its payload: the
    /// text that has arrived can be checked already (section 8.1: fail as
    /// soon as the bytes prove it invalid, not when the frame ends).
    fn check_frame_under_way(&mut self) -> Result<(), ProtocolError> {
        let input = &self.incoming[self.start..];
        // The decoder has accepted this header (or there is none yet).
        let Ok(HeaderRead::Complete { header, consumed }) = parse_header(input)
        else {
            return Ok(());
        };
        if header.opcode.is_control() {
            return Ok(());
        }
        let kind = self.message_kind(header.opcode)?;
        // At most max_frame: the decoder checked it, so it fits a usize.
        let size = self.fragments.len() + header.payload_len as usize;
        if kind != OpCode::Text || size > self.config.max_message {
            // A message over the limit fails with 1009 once this frame is
            // all there (12.8), whatever its text is like.
            return Ok(());
        }
        // Unmask a copy of the new bytes, a few at a time, on the stack.
        let new = &input[consumed..][self.text_checked..];
        let mut window = [0; 256];
        for piece in new.chunks(window.len()) {
            let window = &mut window[..piece.len()];
            window.copy_from_slice(piece);
            if let Some(key) = header.mask {
                apply_mask(window, key, self.text_checked);
            }
            self.utf8
                .feed(window)
                .map_err(|_| ProtocolError::InvalidUtf8)?;
            self.text_checked += piece.len();
        }
        Ok(())
    }
    // ANCHOR_END: frame_under_way

    // ANCHOR: on_ping
    /// Exercise 12.6: a ping. Answer with a pong carrying the same payload
    /// (RFC 6455 section 5.5.2), but only while Open: section 5.5.2 excuses
    /// the pong once the peer's close has arrived; this connection also
    /// sends none after its own close frame, since nothing may follow a
    /// close frame (section 5.5.1).
    fn on_ping(&mut self, payload: Vec<u8>) {
        todo!("while Open, queue a Pong with a copy; report Event::Ping")
    }

    /// Exercise 12.6: a pong, which may come without a ping (a heartbeat):
    /// report it, send nothing (section 5.5.3).
    fn on_pong(&mut self, payload: Vec<u8>) {
        todo!("report Event::Pong, send nothing")
    }
    // ANCHOR_END: on_ping

    // ANCHOR: close
    /// Exercise 12.7: start the closing handshake with `code` and `reason`.
    /// Afterwards no frame is sent; the peer's close frame will end the
    /// handshake.
    pub fn close(&mut self, code: u16, reason: &str) -> Result<(), SendError> {
        todo!("refuse what may not be sent, queue a Close frame, Closing")
    }

    /// Exercise 12.7: the peer's close frame. Check it, answer it if we have
    /// not sent ours yet (section 5.5.1), report it, and read nothing more.
    fn on_close(&mut self, payload: &[u8]) -> Result<(), ProtocolError> {
        todo!("parse it; echo it if Open; then Closed and Event::Close")
    }
    // ANCHOR_END: close

    // ANCHOR: check_message_size
    /// Exercise 12.8: would `incoming` more bytes make the message under way
    /// larger than `max_message`? Then it is an error, whatever the
    /// fragments are like.
    fn check_message_size(&self, incoming: usize) -> Result<(), ProtocolError> {
        todo!("fragments so far plus `incoming`, against max_message")
    }
    // ANCHOR_END: check_message_size
}
