//! Checks for chapter 4, sections 4.6 and 4.7: a request/response protocol,
//! serving it and calling it. Run them with `cargo test -p chapter-4`.
//!
//! The tests build the bytes they expect themselves, never with another
//! exercise's code.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use chapter_4::{Store, call, respond, serve};
use support::net;
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch04-byte-streams.md");
const PROTOCOL: Section = BOOK.section("4.6 A request/response protocol");
const SERVING: Section = BOOK.section("4.7 Serving and calling");

/// The test's own length-prefixed frame: a big-endian u32 length, then the
/// payload.
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

fn text(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// A response as a failure message shows it: a long one by its start and its
/// length.
fn shortened(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(20) {
        Some((end, _)) => {
            format!("{:?}... ({} bytes)", &text[..end], bytes.len())
        }
        None => format!("{text:?}"),
    }
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

/// A value is everything after the space that ends the key, byte for byte:
/// splitting on whitespace or trimming loses spaces the client sent.
#[test]
fn respond_keeps_the_spaces_of_a_value() {
    let values = [
        (" a leading space", "its leading space"),
        ("two  spaces in a row", "both spaces"),
        ("a trailing space ", "its trailing space"),
        ("a\ttab", "its tab"),
    ];
    for (value, kept) in values {
        let mut store = Store::new();
        let set = format!("SET key {value}");
        let response = respond(&mut store, set.as_bytes());
        expect_eq(
            String::from_utf8_lossy(&response).as_ref(),
            "OK",
            &format!("respond() to {set:?}"),
            PROTOCOL,
        );
        let response = respond(&mut store, b"GET key");
        let expected = format!("VALUE {value}");
        expect_that(
            response == expected.as_bytes(),
            &format!("respond() to \"GET key\" after {set:?}"),
            &format!(
                "{expected:?}: the value as SET sent it, {kept} kept \
                 (split at the first space only; split_whitespace or trim \
                 loses spaces)"
            ),
            text(&response),
            PROTOCOL,
        );
    }
}

#[test]
fn respond_answers_bad_requests_with_an_error() {
    let bad: [&[u8]; 9] = [
        b"",
        b"ping",
        b"PING now",
        b"GET",
        b"GET two keys",
        b"SET nothing",
        b"SET  no-key", // two spaces: an empty key
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
fn serving(
    limit: Duration,
) -> (TcpStream, thread::JoinHandle<io::Result<usize>>) {
    let (client, server) = net::connected_pair();
    let serving = thread::spawn(move || serve(&server, limit));
    (client, serving)
}

/// Waits, under the test deadline, for `serve` to return.
fn served(
    serving: thread::JoinHandle<io::Result<usize>>,
    read: Section,
) -> io::Result<usize> {
    deadline::within(deadline::DEFAULT, "serve()", read, move || serving.join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

const REQUESTS: [&str; 3] = ["SET colour green", "GET colour", "PING"];
const RESPONSES: [&str; 3] = ["OK", "VALUE green", "PONG"];

/// Reads the responses to [`REQUESTS`] and what `serve` returned once the
/// client is done.
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
                // serve() has most likely stopped: its panic or error says more
                // than `e`.
                let result = served(serving, read);
                panic!(
                    "no response to {request:?} ({e}); serve() returned {result:?}"
                );
            }
        }
    }
    served(serving, read).map_err(|e| e.kind())
}

#[test]
fn serve_answers_requests_sent_one_byte_at_a_time() {
    let (mut client, serving) = serving(Duration::from_secs(3));
    client.set_nodelay(true).unwrap();
    let wire: Vec<u8> =
        REQUESTS.iter().flat_map(|r| frame(r.as_bytes())).collect();
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
        "what serve() returned after its client stopped sending: requests \
         answered",
        SERVING,
    );
}

// ANCHOR: pipelined_test
#[test]
fn serve_answers_requests_merged_into_one_write() {
    let (mut client, serving) = serving(Duration::from_secs(3));
    let wire: Vec<u8> =
        REQUESTS.iter().flat_map(|r| frame(r.as_bytes())).collect();
    let _ = client.write_all(&wire);
    let _ = client.shutdown(Shutdown::Write);
    expect_eq(
        responses_then_result(&mut client, serving, SERVING),
        Ok(3),
        "what serve() returned after its client stopped sending: requests \
         answered",
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
fn serve_answers_requests_of_tens_of_kilobytes() {
    // MAX_MESSAGE is 64 KiB: a 40 000-byte value fits a request and its
    // response.
    let value = "v".repeat(40_000);
    let (mut client, serving) = serving(Duration::from_secs(3));
    let set = format!("SET big {value}");
    let wire = [frame(set.as_bytes()), frame(b"GET big")].concat();
    // A thread writes while the test reads: neither side waits for the other.
    let mut writer = client.try_clone().unwrap();
    let writing = thread::spawn(move || {
        let _ = writer.write_all(&wire);
        let _ = writer.shutdown(Shutdown::Write);
    });
    let responses: Vec<io::Result<Vec<u8>>> =
        (0..2).map(|_| read_test_frame(&mut client)).collect();
    let _ = writing.join();
    let result = served(serving, SERVING).map_err(|e| e.kind());
    let shown: Vec<String> = responses
        .iter()
        .map(|response| match response {
            Ok(response) => shortened(response),
            Err(e) => format!("no response ({e})"),
        })
        .collect();
    let get = format!("VALUE {value}").into_bytes();
    expect_eq(
        (shown, result),
        (vec![shortened(b"OK"), shortened(&get)], Ok(2)),
        "(responses, what serve() returned) to a SET of a 40 000-byte value, \
         then its GET: both within MAX_MESSAGE (64 KiB)",
        SERVING,
    );
    if let Some(Ok(response)) = responses.get(1) {
        expect_bytes(response, &get, "the response to the GET", SERVING);
    }
}

#[test]
fn serve_gives_up_on_a_client_that_stalls_mid_request() {
    let limit = Duration::from_millis(300);
    let (mut client, serving) = serving(limit);
    // The header and "P", then nothing.
    client.write_all(&frame(b"PING")[..5]).unwrap();
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
    // Six PINGs 200 ms apart: each arrives well within the 800 ms limit, but
    // all of them take over 1 s. One Deadline for the whole connection runs out
    // before the last.
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

/// A server of the test's own: reads one request frame and answers with
/// `response`, one byte per write. Returns the request it read.
fn test_server(
    response: Option<&'static [u8]>,
) -> (TcpStream, thread::JoinHandle<Vec<u8>>) {
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
    let response =
        deadline::within(deadline::DEFAULT, "call()", SERVING, move || {
            call(&client, b"GET colour", Duration::from_secs(3))
        });
    let request = answering.join().unwrap();
    expect_bytes(
        &request,
        b"GET colour",
        "the request the server read from call()'s frame",
        SERVING,
    );
    let response =
        expect_ok(response, "call()", "the response the server sent", SERVING);
    expect_bytes(&response, b"VALUE green", "what call() returned", SERVING);
}
// ANCHOR_END: call_test

#[test]
fn call_reports_a_server_that_closes_without_answering() {
    let (client, answering) = test_server(None);
    let result =
        deadline::within(deadline::DEFAULT, "call()", SERVING, move || {
            call(&client, b"PING", Duration::from_secs(3))
                .map(|response| String::from_utf8_lossy(&response).into_owned())
                .map_err(|e| e.kind())
        });
    let _ = answering.join();
    expect_eq(
        result,
        Err(io::ErrorKind::UnexpectedEof),
        "call() when the server reads the request and closes without a \
         response",
        SERVING,
    );
}
