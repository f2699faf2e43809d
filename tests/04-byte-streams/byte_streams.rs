//! Checks for chapter 4: byte streams have no messages. Run them with `cargo test -p chapter-4`.
//!
//! The peers in `peers.rs` cut what they send on purpose: one byte per write, or many
//! messages in one write. Correct framing code returns the same messages either way. The
//! tests build the bytes they expect themselves, never with another exercise's code.

mod peers;

use std::io::{self, Cursor, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chapter_4::{
    Deadline, HEADER_LEN, Lines, Store, call, fill, read_frame, respond, send_all, serve,
    write_frame, write_line,
};
use peers::{Cut, Full, Interrupting, Recorder, Stingy};
use support::hex::{Annotated, hex_bytes};
use support::net;
use support::{Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch04-byte-streams.md");
const WHOLE_READS: Section = BOOK.section("4.1 Reading a whole buffer");
const WHOLE_WRITES: Section = BOOK.section("4.2 Writing a whole buffer");
const DELIMITER: Section = BOOK.section("4.3 Framing by delimiter");
const LENGTH_PREFIX: Section = BOOK.section("4.4 Framing by length");
const MESSAGE_DEADLINE: Section = BOOK.section("4.5 A deadline for the whole message");
const PROTOCOL: Section = BOOK.section("4.6 A request/response protocol");
const SERVING: Section = BOOK.section("4.7 Serving and calling");

/// The messages most tests send: an empty one and one with spaces included.
const MESSAGES: [&[u8]; 4] = [b"hello", b"", b"two words", b"and the last one"];

fn kind<T>(result: io::Result<T>) -> Result<(), io::ErrorKind> {
    result.map(|_| ()).map_err(|e| e.kind())
}

/// The test's own length-prefixed frame: a big-endian u32 length, then the payload.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// The test's own reading of one frame.
fn read_test_frame(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut header = [0; 4];
    stream.read_exact(&mut header)?;
    let mut payload = vec![0; u32::from_be_bytes(header) as usize];
    stream.read_exact(&mut payload)?;
    Ok(payload)
}

/// A message read, or why not, in a form a failure message shows well.
fn outcome(result: io::Result<Option<Vec<u8>>>) -> Result<Option<String>, io::ErrorKind> {
    result
        .map(|message| message.map(|m| String::from_utf8_lossy(&m).into_owned()))
        .map_err(|e| e.kind())
}

/// The messages as text, to compare with what the reader's code returned.
fn messages() -> Vec<String> {
    MESSAGES
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .to_vec()
}

fn text(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

// ---------------------------------------------------------------- 4.1 fill

#[test]
fn fill_collects_bytes_written_one_at_a_time() {
    let sent = b"twenty-six letters, a to z";
    let mut stream = peers::sends(sent, Cut::OneByteWrites);
    let received = expect_ok(
        deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, move || {
            let mut buffer = [0; 26];
            fill(&mut stream, &mut buffer).map(|()| buffer)
        }),
        "fill() of 26 bytes",
        "the buffer filled with all 26 bytes",
        WHOLE_READS,
    );
    expect_bytes(&received, sent, "the buffer fill() filled", WHOLE_READS);
}

#[test]
fn fill_asks_again_after_an_interrupted_read() {
    let (result, buffer) = deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, || {
        let mut reader = Interrupting::new(Cursor::new(b"0123456789".to_vec()));
        let mut buffer = [0; 10];
        (kind(fill(&mut reader, &mut buffer)), buffer)
    });
    expect_eq(
        result,
        Ok(()),
        "fill() from a reader interrupted before every other read",
        WHOLE_READS,
    );
    expect_bytes(
        &buffer,
        b"0123456789",
        "the buffer fill() filled",
        WHOLE_READS,
    );
}

#[test]
fn fill_reports_a_stream_that_ends_too_soon() {
    let stream = peers::sends(b"abc", Cut::OneWrite);
    let result = deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, move || {
        let mut buffer = [0; 5];
        kind(fill(&mut &stream, &mut buffer))
    });
    expect_eq(
        result,
        Err(io::ErrorKind::UnexpectedEof),
        "fill() of 5 bytes from a peer that sends 3 and closes",
        WHOLE_READS,
    );
}

// ---------------------------------------------------------------- 4.2 send_all

#[test]
fn send_all_finishes_what_short_writes_leave() {
    let sent = b"a message longer than one write takes";
    let (result, writer) = deadline::within(deadline::DEFAULT, "send_all()", WHOLE_WRITES, || {
        let mut writer = Stingy::default();
        (kind(send_all(&mut writer, sent)), writer)
    });
    expect_eq(
        result,
        Ok(()),
        "send_all() to a writer that takes 3 bytes a call and is often interrupted",
        WHOLE_WRITES,
    );
    expect_bytes(&writer.taken, sent, "what the writer took", WHOLE_WRITES);
}

#[test]
fn send_all_reports_a_writer_that_takes_nothing() {
    let what = "send_all() to a writer that takes 2 bytes, then returns Ok(0) (without an \
                Ok(0) check, send_all() asks it again and again, forever)";
    let (result, writer) = deadline::within(deadline::DEFAULT, what, WHOLE_WRITES, || {
        let mut writer = Full::default();
        (kind(send_all(&mut writer, b"12345")), writer)
    });
    expect_eq(
        result,
        Err(io::ErrorKind::WriteZero),
        "send_all() to a writer that takes 2 bytes, then returns Ok(0)",
        WHOLE_WRITES,
    );
    expect_bytes(&writer.taken, b"12", "what the writer took", WHOLE_WRITES);
}

// ---------------------------------------------------------------- 4.3 lines

/// The messages, each followed by `\n`, as the test writes them.
fn lines_on_the_wire() -> Vec<u8> {
    MESSAGES.iter().flat_map(|m| [*m, b"\n"].concat()).collect()
}

/// Every message `Lines` gives, until it says the stream has ended.
fn all_lines(stream: TcpStream, read: Section) -> Vec<String> {
    deadline::within(deadline::DEFAULT, "Lines::next_line()", read, move || {
        let mut lines = Lines::new(stream, 1024);
        let mut messages = Vec::new();
        while let Some(message) = expect_ok(
            lines.next_line(),
            "Lines::next_line()",
            "the next message, or None once the stream has ended",
            read,
        ) {
            messages.push(String::from_utf8_lossy(&message).into_owned());
        }
        messages
    })
}

// ANCHOR: lines_test
#[test]
fn lines_from_one_byte_writes() {
    let stream = peers::sends(&lines_on_the_wire(), Cut::OneByteWrites);
    expect_eq(
        all_lines(stream, DELIMITER),
        messages(),
        "the messages next_line() read from a peer that sends one byte per write",
        DELIMITER,
    );
}

#[test]
fn lines_from_one_merged_write() {
    let stream = peers::sends(&lines_on_the_wire(), Cut::OneWrite);
    expect_eq(
        all_lines(stream, DELIMITER),
        messages(),
        "the messages next_line() read from a peer that sends them all in one write",
        DELIMITER,
    );
}
// ANCHOR_END: lines_test

#[test]
fn lines_end_inside_a_message_is_unexpected_eof() {
    let (first, second) =
        deadline::within(deadline::DEFAULT, "Lines::next_line()", DELIMITER, || {
            let mut lines = Lines::new(Cursor::new(b"complete\nincompl".to_vec()), 1024);
            (outcome(lines.next_line()), outcome(lines.next_line()))
        });
    expect_eq(
        first,
        Ok(Some("complete".into())),
        "the first message of \"complete\\nincompl\"",
        DELIMITER,
    );
    expect_eq(
        second,
        Err(io::ErrorKind::UnexpectedEof),
        "next_line() when the stream ends inside a message",
        DELIMITER,
    );
}

#[test]
fn lines_longer_than_the_limit_are_refused() {
    let mut wire = [b'x'; 16].to_vec();
    wire.push(b'\n');
    wire.extend([b'y'; 17]);
    wire.push(b'\n');
    let (exact, over, endless) =
        deadline::within(deadline::DEFAULT, "Lines::next_line()", DELIMITER, || {
            let mut lines = Lines::new(Cursor::new(wire), 16);
            let exact = outcome(lines.next_line());
            let over = outcome(lines.next_line());
            // A peer that never sends a delimiter must not make the reader buffer without end.
            let endless = Cursor::new(vec![b'z'; 1 << 20]);
            (exact, over, outcome(Lines::new(endless, 1024).next_line()))
        });
    expect_eq(
        exact,
        Ok(Some("x".repeat(16))),
        "next_line() of a message exactly as long as the limit (16)",
        DELIMITER,
    );
    expect_eq(
        over,
        Err(io::ErrorKind::InvalidData),
        "next_line() of a message one byte over the limit",
        DELIMITER,
    );
    expect_eq(
        endless,
        Err(io::ErrorKind::InvalidData),
        "next_line() with limit 1024 of 1 MiB without a delimiter",
        DELIMITER,
    );
}

#[test]
fn write_line_ends_each_message_with_the_delimiter() {
    let mut wire = Vec::new();
    for message in MESSAGES {
        expect_ok(
            write_line(&mut wire, message),
            &format!("write_line() of {}", text(message)),
            "the message and its \\n written",
            DELIMITER,
        );
    }
    expect_bytes(
        &wire,
        &lines_on_the_wire(),
        "the bytes write_line() wrote",
        DELIMITER,
    );
}

#[test]
fn write_line_sends_message_and_delimiter_in_one_write() {
    let mut writer = Recorder::default();
    expect_ok(
        write_line(&mut writer, b"hello"),
        "write_line() of \"hello\"",
        "the message and its \\n written",
        DELIMITER,
    );
    expect_eq(
        writer.texts(),
        vec!["hello\n".to_string()],
        "the write calls write_line(\"hello\") made: one, with the message and its \\n \
         (two writes may leave as two packets)",
        DELIMITER,
    );
}

#[test]
fn write_line_refuses_a_delimiter_inside() {
    let mut wire = Vec::new();
    expect_eq(
        kind(write_line(&mut wire, b"two\nlines")),
        Err(io::ErrorKind::InvalidInput),
        "write_line() of a message with a \\n inside",
        DELIMITER,
    );
    expect_bytes(
        &wire,
        b"",
        "what write_line() wrote before refusing",
        DELIMITER,
    );
}

// ---------------------------------------------------------------- 4.4 frames

fn frames_on_the_wire() -> Vec<u8> {
    MESSAGES.iter().flat_map(|m| frame(m)).collect()
}

/// Every payload `read_frame` gives, until it says the stream has ended.
fn all_frames(mut stream: TcpStream, read: Section) -> Vec<String> {
    deadline::within(deadline::DEFAULT, "read_frame()", read, move || {
        let mut payloads = Vec::new();
        while let Some(payload) = expect_ok(
            read_frame(&mut stream, 1024),
            "read_frame()",
            "the next payload, or None once the stream has ended",
            read,
        ) {
            payloads.push(String::from_utf8_lossy(&payload).into_owned());
        }
        payloads
    })
}

#[test]
fn frames_from_one_byte_writes() {
    let stream = peers::sends(&frames_on_the_wire(), Cut::OneByteWrites);
    expect_eq(
        all_frames(stream, LENGTH_PREFIX),
        messages(),
        "the payloads read_frame() read from a peer that sends one byte per write",
        LENGTH_PREFIX,
    );
}

#[test]
fn frames_from_one_merged_write() {
    let stream = peers::sends(&frames_on_the_wire(), Cut::OneWrite);
    expect_eq(
        all_frames(stream, LENGTH_PREFIX),
        messages(),
        "the payloads read_frame() read from a peer that sends them all in one write",
        LENGTH_PREFIX,
    );
}

// ANCHOR: frame_layout_test
#[test]
fn write_frame_layout() {
    let mut wire = Vec::new();
    for payload in [&b"hello"[..], b"", b"bytes, not messages"] {
        expect_ok(
            write_frame(&mut wire, payload),
            &format!("write_frame() of {}", text(payload)),
            "the length and the payload written",
            LENGTH_PREFIX,
        );
    }
    let expected = [frame(b"hello"), frame(b""), frame(b"bytes, not messages")].concat();
    expect_bytes(
        &wire,
        &expected,
        "the bytes write_frame() wrote",
        LENGTH_PREFIX,
    );
    let dump = Annotated::new(&wire)
        .field(HEADER_LEN, "length 5, big-endian u32")
        .field(5, "payload \"hello\"")
        .field(HEADER_LEN, "length 0: an empty message is a frame too")
        .field(HEADER_LEN, "length 19 (0x13)")
        .field(19, "payload \"bytes, not messages\"")
        .render();
    support::assert_snapshot!(LENGTH_PREFIX, dump);
}
// ANCHOR_END: frame_layout_test

#[test]
fn read_frame_refuses_a_length_over_the_limit() {
    // A header that announces 1 GiB, and no payload: a reader that believed it would set
    // aside 1 GiB, then wait for bytes that never come.
    let (reading, mut writing) = net::connected_pair();
    writing.write_all(&(1u32 << 30).to_be_bytes()).unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "read_frame()",
        LENGTH_PREFIX,
        move || outcome(read_frame(&mut &reading, 1024)),
    );
    expect_eq(
        result,
        Err(io::ErrorKind::InvalidData),
        "read_frame() with limit 1024 of a header announcing 1 GiB",
        LENGTH_PREFIX,
    );
}

#[test]
fn write_frame_sends_header_and_payload_in_one_write() {
    let mut writer = Recorder::default();
    expect_ok(
        write_frame(&mut writer, b"hello"),
        "write_frame() of \"hello\"",
        "the length and the payload written",
        LENGTH_PREFIX,
    );
    expect_eq(
        writer
            .writes
            .iter()
            .map(|w| hex_bytes(w))
            .collect::<Vec<_>>(),
        vec![hex_bytes(&frame(b"hello"))],
        "the write calls write_frame(\"hello\") made, in hex: one, with the header and the \
         payload (two writes may leave as two packets)",
        LENGTH_PREFIX,
    );
}

#[test]
fn read_frame_end_inside_a_frame_is_unexpected_eof() {
    let whole = frame(b"hello");
    for cut in [2, HEADER_LEN + 3] {
        let reader = Cursor::new(whole[..cut].to_vec());
        let result = deadline::within(
            deadline::DEFAULT,
            "read_frame()",
            LENGTH_PREFIX,
            move || {
                let mut reader = reader;
                outcome(read_frame(&mut reader, 1024))
            },
        );
        expect_eq(
            result,
            Err(io::ErrorKind::UnexpectedEof),
            &format!("read_frame() when the stream ends after {cut} of the frame's 9 bytes"),
            LENGTH_PREFIX,
        );
    }
}

// ---------------------------------------------------------------- 4.5 deadline

// ANCHOR: stall_test
#[test]
fn deadline_ends_a_read_from_a_peer_that_stalls_mid_frame() {
    let (reading, mut writing) = net::connected_pair();
    writing.write_all(&frame(b"hello")[..6]).unwrap(); // the header and "he", then nothing
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut whole_frame = [0; 9];
            kind(Deadline::new(&reading, limit).read_exact(&mut whole_frame))
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "reading a 9-byte frame through a 300 ms Deadline from a peer that sends 6 bytes and stalls",
        MESSAGE_DEADLINE,
    );
    expect_that(
        waited >= limit && waited < Duration::from_secs(2),
        "how long the Deadline of 300 ms took to give up",
        "300 ms, and not much more",
        format!("{waited:?}"),
        MESSAGE_DEADLINE,
    );
    drop(writing); // the stalled peer stays connected until here
}
// ANCHOR_END: stall_test

#[test]
fn deadline_covers_the_whole_message_not_each_read() {
    // One byte every 100 ms: each MESSAGE_DEADLINE returns quickly, the message takes 1.6 s.
    let (reading, _stop) = peers::dribbles(b"0123456789abcdef", Duration::from_millis(100));
    let limit = Duration::from_millis(500);
    let started = Instant::now();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut message = [0; 16];
            kind(Deadline::new(&reading, limit).read_exact(&mut message))
        },
    );
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "reading 16 bytes through a 500 ms Deadline from a peer that sends one byte every 100 ms",
        MESSAGE_DEADLINE,
    );
    expect_that(
        waited < Duration::from_millis(1500),
        "how long the Deadline of 500 ms took to give up",
        "about 500 ms: the limit is for all the reads together",
        format!("{waited:?}"),
        MESSAGE_DEADLINE,
    );
}

#[test]
fn deadline_that_has_passed_fails_even_with_bytes_waiting() {
    let (reading, mut writing) = net::connected_pair();
    writing.write_all(b"hello").unwrap();
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut buffer = [0; 5];
            // A limit of zero: the deadline has passed before the first MESSAGE_DEADLINE starts.
            let mut passed = Deadline::new(&reading, Duration::ZERO);
            passed
                .read(&mut buffer)
                .map(|n| String::from_utf8_lossy(&buffer[..n]).into_owned())
                .map_err(|e| e.kind())
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "a read through a Deadline whose time is up, with 5 bytes waiting: no time left is \
         TimedOut, checked before set_read_timeout (which refuses zero: InvalidInput)",
        MESSAGE_DEADLINE,
    );
}

#[test]
fn deadline_lets_a_prompt_peer_through() {
    let sent = frame(b"on time");
    let reading = peers::sends(&sent, Cut::OneByteWrites);
    let result = deadline::within(
        deadline::DEFAULT,
        "reading through a Deadline",
        MESSAGE_DEADLINE,
        move || {
            let mut whole_frame = vec![0; 11];
            Deadline::new(&reading, Duration::from_secs(3))
                .read_exact(&mut whole_frame)
                .map(|()| whole_frame)
        },
    );
    let received = expect_ok(
        result,
        "reading 11 bytes through a Deadline of 3 s",
        "all 11 bytes of the frame",
        MESSAGE_DEADLINE,
    );
    expect_bytes(
        &received,
        &sent,
        "the bytes read through the Deadline",
        MESSAGE_DEADLINE,
    );
}

// ---------------------------------------------------------------- 4.6 respond

// ANCHOR: respond_test
#[test]
fn respond_follows_the_protocol() {
    let mut store = Store::new();
    let exchanges = [
        ("PING", "PONG"),
        ("GET greeting", "NOT FOUND"),
        ("SET greeting hello, world", "OK"),
        ("GET greeting", "VALUE hello, world"),
        ("SET greeting bye", "OK"),
        ("GET greeting", "VALUE bye"),
        ("SET empty ", "OK"),
        ("GET empty", "VALUE "),
    ];
    let mut transcript = String::new();
    for (request, expected) in exchanges {
        let response = respond(&mut store, request.as_bytes());
        expect_eq(
            String::from_utf8_lossy(&response).as_ref(),
            expected,
            &format!("respond() to {request:?}"),
            PROTOCOL,
        );
        let response = String::from_utf8_lossy(&response);
        let request = format!("{request:?}");
        transcript.push_str(&format!("> {request:<30}< {response:?}\n"));
    }
    support::assert_snapshot!(PROTOCOL, transcript);
}
// ANCHOR_END: respond_test

#[test]
fn respond_answers_bad_requests_with_an_error() {
    let bad: [&[u8]; 8] = [
        b"",
        b"ping",
        b"PING now",
        b"GET",
        b"GET two keys",
        b"SET nothing",
        b"FLY me to the moon",
        b"\xff\xfe not UTF-8",
    ];
    for request in bad {
        let response = respond(&mut Store::new(), request);
        expect_that(
            response.starts_with(b"ERROR "),
            &format!("respond() to the bad request {}", text(request)),
            "a response that starts with \"ERROR \"",
            text(&response),
            PROTOCOL,
        );
    }
}

// ---------------------------------------------------------------- 4.7 serve and call

/// `serve` on a thread of its own, and the client's end of its connection.
fn serving(limit: Duration) -> (TcpStream, thread::JoinHandle<io::Result<usize>>) {
    let (client, server) = net::connected_pair();
    let serving = thread::spawn(move || serve(&server, limit));
    (client, serving)
}

/// Waits, under the test deadline, for `serve` to return.
fn served(serving: thread::JoinHandle<io::Result<usize>>, read: Section) -> io::Result<usize> {
    deadline::within(deadline::DEFAULT, "serve()", read, move || serving.join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

const REQUESTS: [&str; 3] = ["SET colour green", "GET colour", "PING"];
const RESPONSES: [&str; 3] = ["OK", "VALUE green", "PONG"];

/// Reads the responses to [`REQUESTS`] and what `serve` returned once the client is done.
fn responses_then_result(
    client: &mut TcpStream,
    serving: thread::JoinHandle<io::Result<usize>>,
    read: Section,
) -> Result<usize, io::ErrorKind> {
    for (request, expected) in REQUESTS.iter().zip(RESPONSES) {
        match read_test_frame(client) {
            Ok(response) => expect_eq(
                String::from_utf8_lossy(&response).as_ref(),
                expected,
                &format!("the response serve() sent to {request:?}"),
                read,
            ),
            Err(e) => {
                // serve() has most likely stopped: its panic or error says more than `e`.
                let result = served(serving, read);
                panic!("no response to {request:?} ({e}); serve() returned {result:?}");
            }
        }
    }
    served(serving, read).map_err(|e| e.kind())
}

#[test]
fn serve_answers_requests_sent_one_byte_at_a_time() {
    let (mut client, serving) = serving(Duration::from_secs(3));
    client.set_nodelay(true).unwrap();
    let wire: Vec<u8> = REQUESTS.iter().flat_map(|r| frame(r.as_bytes())).collect();
    for byte in wire {
        if client.write_all(&[byte]).is_err() {
            break; // serve() has stopped already; what it returned says why
        }
        thread::sleep(Duration::from_micros(300));
    }
    let _ = client.shutdown(Shutdown::Write);
    expect_eq(
        responses_then_result(&mut client, serving, SERVING),
        Ok(3),
        "what serve() returned after its client stopped sending: requests answered",
        SERVING,
    );
}

// ANCHOR: pipelined_test
#[test]
fn serve_answers_requests_merged_into_one_write() {
    let (mut client, serving) = serving(Duration::from_secs(3));
    let wire: Vec<u8> = REQUESTS.iter().flat_map(|r| frame(r.as_bytes())).collect();
    let _ = client.write_all(&wire);
    let _ = client.shutdown(Shutdown::Write);
    expect_eq(
        responses_then_result(&mut client, serving, SERVING),
        Ok(3),
        "what serve() returned after its client stopped sending: requests answered",
        SERVING,
    );
    let mut rest = Vec::new();
    let _ = client.read_to_end(&mut rest);
    expect_bytes(
        &rest,
        b"",
        "what serve() sent after the last response",
        SERVING,
    );
}
// ANCHOR_END: pipelined_test

#[test]
fn serve_gives_up_on_a_client_that_stalls_mid_request() {
    let limit = Duration::from_millis(300);
    let (mut client, serving) = serving(limit);
    client.write_all(&frame(b"PING")[..5]).unwrap(); // the header and "P", then nothing
    let started = Instant::now();
    let result = served(serving, SERVING).map_err(|e| e.kind());
    let waited = started.elapsed();
    expect_eq(
        result,
        Err(io::ErrorKind::TimedOut),
        "serve(.., 300 ms) with a client that sends half a request and stalls",
        SERVING,
    );
    expect_that(
        waited < Duration::from_secs(2),
        "how long serve(.., 300 ms) waited for the rest of the request",
        "about 300 ms",
        format!("{waited:?}"),
        SERVING,
    );
    drop(client);
}

#[test]
fn serve_gives_each_request_its_own_limit() {
    // Six PINGs 200 ms apart: each arrives well within the 800 ms limit, but all of them
    // take over 1 s. One Deadline for the whole connection runs out before the last.
    let limit = Duration::from_millis(800);
    let (mut client, serving) = serving(limit);
    client.set_nodelay(true).unwrap();
    let mut pongs = 0;
    for i in 0..6 {
        if i > 0 {
            thread::sleep(Duration::from_millis(200));
        }
        if client.write_all(&frame(b"PING")).is_err() {
            break; // serve() has stopped already; what it returned says why
        }
        match read_test_frame(&mut client) {
            Ok(response) if response == b"PONG" => pongs += 1,
            _ => break,
        }
    }
    let _ = client.shutdown(Shutdown::Write);
    let result = served(serving, SERVING).map_err(|e| e.kind());
    expect_eq(
        (pongs, result),
        (6, Ok(6)),
        "(PONGs received, what serve(.., 800 ms) returned) for 6 PINGs sent 200 ms apart, \
         1 s in all: each request gets its own 800 ms, a new Deadline for each",
        SERVING,
    );
}

/// A server of the test's own: reads one request frame and answers with `response`, one
/// byte per write. Returns the request it read.
fn test_server(response: Option<&'static [u8]>) -> (TcpStream, thread::JoinHandle<Vec<u8>>) {
    let (client, mut server) = net::connected_pair();
    server.set_nodelay(true).unwrap();
    let answering = thread::spawn(move || {
        let request = read_test_frame(&mut server).unwrap_or_default();
        if let Some(response) = response {
            for byte in frame(response) {
                let _ = server.write_all(&[byte]);
            }
        }
        request // `server` is dropped here: the connection closes
    });
    (client, answering)
}

// ANCHOR: call_test
#[test]
fn call_returns_the_response_the_server_sent() {
    let (client, answering) = test_server(Some(b"VALUE green"));
    let response = deadline::within(deadline::DEFAULT, "call()", SERVING, move || {
        call(&client, b"GET colour", Duration::from_secs(3))
    });
    let request = answering.join().unwrap();
    expect_bytes(
        &request,
        b"GET colour",
        "the request the server read from call()'s frame",
        SERVING,
    );
    let response = expect_ok(response, "call()", "the response the server sent", SERVING);
    expect_bytes(&response, b"VALUE green", "what call() returned", SERVING);
}
// ANCHOR_END: call_test

#[test]
fn call_reports_a_server_that_closes_without_answering() {
    let (client, answering) = test_server(None);
    let result = deadline::within(deadline::DEFAULT, "call()", SERVING, move || {
        call(&client, b"PING", Duration::from_secs(3))
            .map(|response| String::from_utf8_lossy(&response).into_owned())
            .map_err(|e| e.kind())
    });
    let _ = answering.join();
    expect_eq(
        result,
        Err(io::ErrorKind::UnexpectedEof),
        "call() when the server reads the request and closes without a response",
        SERVING,
    );
}
