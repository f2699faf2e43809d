//! Helpers for chapter 12's tests: frames as the peer sends them, and a log of
//! a scripted conversation that reads like a transcript.
//!
//! They build and read frames with chapter 11's reference codec (the `frames`
//! crate), never with the code under test, so a test cannot pass because two
//! wrongs agree.

// Each test file uses some of the helpers, not all.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::ops::Range;

use chapter_12::{Config, Connection, Event, Role};
use frames::{Decoded, Decoder, Frame, FrameError, OpCode};
use support::Book;
use support::hex::{Annotated, hex_bytes};
use support::report::{Failure, Section};

const BOOK: Book = Book::page("ch12-messages-and-close.md");
const SENDING: Section = BOOK.section("12.3 Sending frames");
const FAILING: Section = BOOK.section("12.4 Failing the connection");

/// The masking key of the examples in RFC 6455 section 5.7. Every frame a test
/// client sends uses it, so the bytes are the same on every run.
pub const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// The other end of a connection whose role is `us`.
pub fn peer_of(us: Role) -> Role {
    match us {
        Role::Server => Role::Client,
        Role::Client => Role::Server,
    }
}

/// The bytes of one frame as the peer of `us` sends it: masked with [`KEY`]
/// when the peer is a client, unmasked when it is a server.
pub fn from_peer(
    us: Role,
    fin: bool,
    opcode: OpCode,
    payload: &[u8],
) -> Vec<u8> {
    let mask = match peer_of(us) {
        Role::Client => Some(KEY),
        Role::Server => None,
    };
    let frame = Frame {
        fin,
        opcode,
        payload: payload.to_vec(),
    };
    let mut bytes = Vec::new();
    frames::encode(&frame, mask, &mut bytes);
    bytes
}

/// A connection whose frames, when it is a client, are masked with [`KEY`].
pub fn connection(us: Role, config: Config) -> Connection {
    Connection::with_config(us, config).with_fixed_mask(KEY)
}

/// Reads the bytes a connection of role `us` sent the way its peer reads them,
/// frame by frame, with where each frame lies in `bytes`. Bytes that are not
/// whole frames fail the test.
#[track_caller]
pub fn frames_sent(
    us: Role,
    bytes: &[u8],
    read: Section,
) -> Vec<(Frame, Range<usize>)> {
    match try_frames_sent(us, bytes, read) {
        Ok(frames) => frames,
        Err(failure) => failure.fail(),
    }
}

/// Like [`frames_sent`], but returns the failure instead of panicking, for
/// property tests (`.map_err(|f| TestCaseError::fail(f.to_string()))?`).
pub fn try_frames_sent(
    us: Role,
    bytes: &[u8],
    read: Section,
) -> Result<Vec<(Frame, Range<usize>)>, Failure> {
    let mut decoder = Decoder::new(peer_of(us), usize::MAX >> 1);
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match decoder.decode(&bytes[at..]) {
            Ok(Decoded::Frame { frame, consumed }) => {
                found.push((frame, at..at + consumed));
                at += consumed;
            }
            other => {
                let mut found = format!(
                    "{other:?} for\n{}",
                    support::hex::dump(&bytes[at..])
                );
                // Masking is queue_frame's job, for every frame sent.
                let masking = matches!(
                    other,
                    Err(FrameError::MaskedFromServer
                        | FrameError::UnmaskedFromClient)
                );
                if masking {
                    found.push_str(
                        "a client masks every frame it sends, a server \
                         masks none (queue_frame, RFC 6455 section 5.1)",
                    );
                }
                return Err(Failure {
                    what: format!(
                        "the bytes the connection sent ({us:?}), from byte {at}"
                    ),
                    expected: "whole, valid frames (chapter 11) as its peer \
                               reads them"
                        .into(),
                    found,
                    read: if masking { SENDING } else { read },
                });
            }
        }
    }
    Ok(found)
}

/// More events than the bytes of any test can give in one go. A connection
/// that gives more is giving the same ones again and again; the tests stop
/// there instead of looping (and allocating) forever.
pub const MAX_EVENTS: usize = 100;

/// Every event waiting, oldest first, as `connection.events()` gives them,
/// but at most [`MAX_EVENTS`]: more fail the test. `what` says what the
/// connection was given.
#[track_caller]
pub fn events_of(
    connection: &mut Connection,
    what: &str,
    read: Section,
) -> Vec<Event> {
    match try_events_of(connection, what, read) {
        Ok(events) => events,
        Err(failure) => failure.fail(),
    }
}

/// Like [`events_of`], but returns the failure instead of panicking, for
/// property tests.
pub fn try_events_of(
    connection: &mut Connection,
    what: &str,
    read: Section,
) -> Result<Vec<Event>, Failure> {
    let mut events: Vec<Event> =
        connection.events().take(MAX_EVENTS + 1).collect();
    match events.pop() {
        Some(next) if events.len() == MAX_EVENTS => {
            Err(endless_events(&events, &next, what, read))
        }
        Some(last) => {
            events.push(last);
            Ok(events)
        }
        None => Ok(events),
    }
}

/// Like [`events_of`], calling `answer` with each event as it comes out,
/// while the application may still send (an echo server's loop).
#[track_caller]
pub fn answer_events(
    connection: &mut Connection,
    what: &str,
    read: Section,
    answer: impl FnMut(&mut Connection, &Event),
) -> Vec<Event> {
    match try_answer_events(connection, what, read, answer) {
        Ok(events) => events,
        Err(failure) => failure.fail(),
    }
}

fn try_answer_events(
    connection: &mut Connection,
    what: &str,
    read: Section,
    mut answer: impl FnMut(&mut Connection, &Event),
) -> Result<Vec<Event>, Failure> {
    let mut events = Vec::new();
    while let Some(event) = connection.next_event() {
        if events.len() == MAX_EVENTS {
            return Err(endless_events(&events, &event, what, read));
        }
        answer(connection, &event);
        events.push(event);
    }
    Ok(events)
}

/// The failure of a connection whose `next_event()` never returned None.
fn endless_events(
    events: &[Event],
    next: &Event,
    what: &str,
    read: Section,
) -> Failure {
    let first: Vec<String> = events.iter().take(3).map(show_event).collect();
    let mut found = format!(
        "event {} still came: {}, after {}, ...",
        MAX_EVENTS + 1,
        show_event(next),
        first.join(", ")
    );
    // The usual cause: a failure that does not end reading, so the same
    // broken frame fails the connection again at every next_event().
    let read = if matches!(next, Event::Failed(_)) {
        found.push_str(
            "\nfail() must set the state to Closed: then next_event() reads \
             nothing more and returns None",
        );
        FAILING
    } else {
        read
    };
    Failure {
        what: format!("next_event() until it returns None, after: {what}"),
        expected: format!(
            "None after at most {MAX_EVENTS} events: each event is returned \
             once"
        ),
        found,
        read,
    }
}

/// The close code in a close frame's payload, or None for an empty payload.
pub fn close_code(payload: &[u8]) -> Option<u16> {
    (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]))
}

fn opcode_name(opcode: OpCode) -> &'static str {
    match opcode {
        OpCode::Continuation => "continuation",
        OpCode::Text => "text",
        OpCode::Binary => "binary",
        OpCode::Close => "close",
        OpCode::Ping => "ping",
        OpCode::Pong => "pong",
    }
}

/// A payload for people: quoted text when it is printable UTF-8, hex bytes
/// otherwise, and only the size when it is long.
pub fn show_payload(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if text.len() <= 40 && !text.chars().any(char::is_control) => {
            format!("{text:?}")
        }
        _ if payload.len() <= 16 => format!("[{}]", hex_bytes(payload)),
        _ => format!("[{} bytes]", payload.len()),
    }
}

/// A payload in full, for a failure message: quoted text when it is printable
/// UTF-8, every byte in hex otherwise.
pub fn show_payload_in_full(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}"),
        _ if payload.len() == 1 => format!("[{}] (1 byte)", hex_bytes(payload)),
        _ => format!("[{}] ({} bytes)", hex_bytes(payload), payload.len()),
    }
}

/// One event in one line with its whole payload, for a failure message.
pub fn show_event_in_full(event: &Event) -> String {
    match event {
        Event::Text(text) => format!("Text {text:?}"),
        Event::Binary(data) => format!("Binary {}", show_payload_in_full(data)),
        Event::Ping(data) => format!("Ping {}", show_payload_in_full(data)),
        Event::Pong(data) => format!("Pong {}", show_payload_in_full(data)),
        Event::Close { code, reason } => format!("Close {code} {reason:?}"),
        Event::Failed(error) => format!("Failed({error:?})"),
    }
}

/// One frame in one line: `text FIN=0 "Hel"`, `close 1000 "bye"`.
pub fn show_frame(frame: &Frame) -> String {
    let fin = if frame.fin { "" } else { " FIN=0" };
    let name = opcode_name(frame.opcode);
    let payload = match (frame.opcode, close_code(&frame.payload)) {
        (OpCode::Close, Some(code)) if frame.payload.len() == 2 => {
            code.to_string()
        }
        (OpCode::Close, Some(code)) => {
            format!("{code} {}", show_payload(&frame.payload[2..]))
        }
        (OpCode::Close, None) if frame.payload.is_empty() => {
            "(no code)".to_string()
        }
        _ => show_payload(&frame.payload),
    };
    format!("{name}{fin} {payload}")
}

/// One event in one line: `Text "Hello"`, `Close 1000 "bye"`.
pub fn show_event(event: &Event) -> String {
    match event {
        Event::Text(text) => format!("Text {}", show_payload(text.as_bytes())),
        Event::Binary(data) => format!("Binary {}", show_payload(data)),
        Event::Ping(data) => format!("Ping {}", show_payload(data)),
        Event::Pong(data) => format!("Pong {}", show_payload(data)),
        Event::Close { code, reason } => format!("Close {code} {reason:?}"),
        Event::Failed(error) => format!("Failed({error:?})"),
    }
}

/// The bytes of one frame, one row per header field.
pub fn annotate(frame: &Frame, bytes: &[u8]) -> String {
    let masked = bytes.len() > 1 && bytes[1] & 0x80 != 0;
    let length_bytes = match bytes.get(1).map(|b| b & 0x7f) {
        Some(126) => 2,
        Some(127) => 8,
        _ => 0,
    };
    let mut dump = Annotated::new(bytes)
        .field(
            1,
            format!(
                "FIN={}, opcode={:#x} ({})",
                u8::from(frame.fin),
                frame.opcode.as_u8(),
                opcode_name(frame.opcode)
            ),
        )
        .field(
            1,
            if length_bytes == 0 {
                format!(
                    "MASK={}, payload length {}",
                    u8::from(masked),
                    frame.payload.len()
                )
            } else {
                format!(
                    "MASK={}, length in the next {length_bytes} bytes",
                    u8::from(masked)
                )
            },
        );
    if length_bytes > 0 {
        dump = dump.field(
            length_bytes,
            format!("payload length {}", frame.payload.len()),
        );
    }
    if masked {
        dump = dump.field(4, "masking key");
    }
    if !frame.payload.is_empty() {
        let masked_note = if masked { " (masked)" } else { "" };
        let what = match (frame.opcode, close_code(&frame.payload)) {
            (OpCode::Close, Some(code)) if frame.payload.len() == 2 => {
                format!("code {code}")
            }
            // Short: the dump's column is narrow, and its rows are indented
            // in a transcript.
            (OpCode::Close, Some(code)) => {
                let reason = show_payload(&frame.payload[2..]);
                let short = format!("{code} {reason}{masked_note}");
                return dump.rest(short).render();
            }
            // The dump already gives the size of a long payload.
            _ => match show_payload(&frame.payload) {
                shown if shown.ends_with(" bytes]") => {
                    "binary data".to_string()
                }
                shown => shown,
            },
        };
        dump = dump.rest(format!("payload{masked_note}: {what}"));
    }
    dump.render()
}

/// A scripted conversation with one connection, logged as a transcript:
///
/// ```text
/// peer sends  text FIN=0 "Hel"
/// peer sends  ping "?"
///   event     Ping "?"
///   we send   pong "?"
///             0000  8a  FIN=1, opcode=0xa (pong)
/// ```
pub struct Script {
    pub connection: Connection,
    us: Role,
    read: Section,
    log: String,
    /// Every event so far, for checks beside the transcript.
    pub events: Vec<Event>,
    /// Every frame we sent so far.
    pub sent: Vec<Frame>,
}

impl Script {
    pub fn new(us: Role, config: Config, read: Section) -> Script {
        let mut log = String::new();
        writeln!(
            log,
            "we are the {}",
            if us == Role::Server {
                "server"
            } else {
                "client"
            }
        )
        .unwrap();
        Script {
            connection: connection(us, config),
            us,
            read,
            log,
            events: Vec::new(),
            sent: Vec::new(),
        }
    }

    /// The peer sends one frame, and the connection receives all of it at once.
    pub fn peer(
        &mut self,
        fin: bool,
        opcode: OpCode,
        payload: &[u8],
    ) -> &mut Self {
        let frame = Frame {
            fin,
            opcode,
            payload: payload.to_vec(),
        };
        writeln!(self.log, "peer sends  {}", show_frame(&frame)).unwrap();
        let bytes = from_peer(self.us, fin, opcode, payload);
        self.connection.receive_data(&bytes);
        self.collect()
    }

    /// The peer sends bytes that the script describes itself (a broken
    /// frame, say).
    pub fn peer_bytes(&mut self, what: &str, bytes: &[u8]) -> &mut Self {
        writeln!(self.log, "peer sends  {what}: {}", hex_bytes(bytes)).unwrap();
        self.connection.receive_data(bytes);
        self.collect()
    }

    /// The application calls the connection (`call` is what the log shows).
    pub fn app<T: std::fmt::Debug>(
        &mut self,
        call: &str,
        action: impl FnOnce(&mut Connection) -> T,
    ) -> &mut Self {
        let result = action(&mut self.connection);
        writeln!(self.log, "we call     {call} -> {result:?}").unwrap();
        self.collect()
    }

    /// Logs every new event and every frame now in `data_to_send`.
    fn collect(&mut self) -> &mut Self {
        let last = self.log.lines().last().unwrap_or_default();
        let what = last.split_whitespace().collect::<Vec<_>>().join(" ");
        let events = events_of(&mut self.connection, &what, self.read);
        for event in &events {
            writeln!(self.log, "  event     {}", show_event(event)).unwrap();
        }
        self.events.extend(events);
        let bytes = self.connection.data_to_send();
        for (frame, range) in frames_sent(self.us, &bytes, self.read) {
            writeln!(self.log, "  we send   {}", show_frame(&frame)).unwrap();
            for line in annotate(&frame, &bytes[range]).lines() {
                writeln!(self.log, "            {line}").unwrap();
            }
            self.sent.push(frame);
        }
        self
    }

    /// Every frame sent so far, one line each: `close 1000 "bye"`.
    pub fn frames_shown(&self) -> Vec<String> {
        self.sent.iter().map(show_frame).collect()
    }

    /// Every event so far, one line each: `Text "Hello"`.
    pub fn events_shown(&self) -> Vec<String> {
        self.events.iter().map(show_event).collect()
    }

    /// The transcript, ending with the state the connection is in.
    pub fn transcript(&mut self) -> String {
        format!("{}state: {:?}\n", self.log, self.connection.state())
    }
}

/// A server whose client frames are masked with [`KEY`]; `read` is the
/// section a broken frame it sends points at.
pub fn server(read: Section) -> Script {
    Script::new(Role::Server, Config::default(), read)
}

/// The close codes of the close frames in `script.sent`, in order.
pub fn close_codes_sent(script: &Script) -> Vec<Option<u16>> {
    script
        .sent
        .iter()
        .filter(|f| f.opcode == OpCode::Close)
        .map(|f| close_code(&f.payload))
        .collect()
}
