//! Checks for chapter 10, exercise 10.8: the handshake over a real
//! connection. Run them with `cargo test -p chapter-10`.
//!
//! An in-memory stream plays scripted peers; the last tests put an
//! independent implementation, tungstenite, on the other end of a loopback
//! connection.

#[path = "../09-http-requests/browsers.rs"]
mod browsers;
mod handshake;

use std::fmt::Write as _;
use std::io::{self, Read};
use std::thread;

use chapter_10::{
    Established, Origins, ResponseError, ServerConfig, WsUrl, accept_websocket,
    client_handshake, connect, parse_response,
};
use handshake::*;
use http_head::Limits;
use support::net::{self, IO_TIMEOUT};
use support::{
    Book, Section, deadline, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch10-opening-handshake.md");
const URL: Section = BOOK.section("10.5 A ws:// URL");
const CONNECTION: Section = BOOK.section("10.8 Over a real connection");

// ---------------------------------------------------------------- 10.8 Over a
// real connection

// ANCHOR: tungstenite_client_test
#[test]
fn accept_websocket_completes_a_handshake_with_a_tungstenite_client() {
    let read = CONNECTION;
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let (server_side, first_bytes, client_side) = deadline::within(
        deadline::DEFAULT,
        "a tungstenite client's handshake with accept_websocket()",
        read,
        move || {
            let server = thread::spawn(move || {
                let (mut stream, _) =
                    net::accept(&listener).expect("no client connected");
                let config = ServerConfig {
                    subprotocols: strings(&["chat.v2", "chat.v1"]),
                    origins: Origins::Any,
                };
                let established = accept_websocket(&mut stream, &config);
                // The client's first frame: what came with the head, then
                // the stream.
                let mut frame = match &established {
                    Ok(established) => established.leftover.clone(),
                    Err(_) => Vec::new(),
                };
                let mut buffer = [0; 64];
                while established.is_ok() && frame.len() < 2 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(count) => frame.extend_from_slice(&buffer[..count]),
                    }
                }
                (
                    established
                        .map(|e| e.subprotocol)
                        .map_err(|e| e.to_string()),
                    frame,
                )
            });

            let stream = net::connect(address).unwrap();
            let url = format!("ws://{address}/chat").parse().unwrap();
            let request = tungstenite::ClientRequestBuilder::new(url)
                .with_sub_protocol("chat.v1")
                .with_sub_protocol("superchat");
            let client_side = match tungstenite::client(request, stream) {
                Ok((mut socket, response)) => {
                    socket.send(tungstenite::Message::text("hello")).unwrap();
                    let chosen =
                        response.headers().get("Sec-WebSocket-Protocol");
                    Ok(chosen.map(|v| v.to_str().unwrap().to_string()))
                }
                Err(error) => Err(error.to_string()),
            };
            let (server_side, frame) = server
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (server_side, frame, client_side)
        },
    );
    expect_eq(
        client_side,
        Ok(Some("chat.v1".to_string())),
        "the handshake as tungstenite's client saw it (the subprotocol it got)",
        read,
    );
    expect_eq(
        server_side,
        Ok(Some("chat.v1".to_string())),
        "what accept_websocket() returned (the subprotocol)",
        read,
    );
    // 0x81: a final text frame; 0x85: masked (every client frame is), 5 bytes.
    expect_bytes(
        first_bytes.get(..2).unwrap_or(&first_bytes),
        &[0x81, 0x85],
        "the first two bytes the client sent after the handshake",
        read,
    );
}
// ANCHOR_END: tungstenite_client_test

#[test]
fn connect_completes_a_handshake_with_a_tungstenite_server() {
    use tungstenite::handshake::server::{
        Request as HttpRequest, Response as HttpResponse,
    };

    let read = CONNECTION;
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let (client_side, frame, server_side, timeouts) = deadline::within(
        deadline::DEFAULT,
        "connect() to a tungstenite server",
        read,
        move || {
            let server = thread::spawn(move || {
                let (stream, _) =
                    net::accept(&listener).map_err(|e| e.to_string())?;
                // Speak chat.v1 if the client offers it. (The error type
                // is tungstenite's.)
                #[allow(clippy::result_large_err)]
                let choose =
                    |request: &HttpRequest, mut response: HttpResponse| {
                        let offered = request
                            .headers()
                            .get_all("Sec-WebSocket-Protocol")
                            .iter()
                            .filter_map(|v| v.to_str().ok())
                            .flat_map(|v| v.split(',').map(str::trim))
                            .any(|p| p == "chat.v1");
                        if offered {
                            let chat =
                                tungstenite::http::HeaderValue::from_static(
                                    "chat.v1",
                                );
                            response
                                .headers_mut()
                                .insert("Sec-WebSocket-Protocol", chat);
                        }
                        Ok(response)
                    };
                let mut socket = tungstenite::accept_hdr(stream, choose)
                    .map_err(|e| e.to_string())?;
                socket
                    .send(tungstenite::Message::text("hi"))
                    .map_err(|e| e.to_string())
            });

            let url = format!("ws://{address}/chat");
            let client_side =
                connect(&url, &["chat.v2", "chat.v1"], IO_TIMEOUT);
            let mut frame = Vec::new();
            let mut timeouts = None;
            if let Ok((stream, established)) = &client_side {
                timeouts = Some((
                    stream.read_timeout().map_err(|e| e.to_string()),
                    stream.write_timeout().map_err(|e| e.to_string()),
                ));
                frame = established.leftover.clone();
                let mut stream = stream;
                let mut buffer = [0; 64];
                while frame.len() < 4 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(count) => frame.extend_from_slice(&buffer[..count]),
                    }
                }
            }
            let server_side =
                server.join().expect("the tungstenite server thread");
            let client_side = client_side
                .map(|(_, e)| e.subprotocol)
                .map_err(|e| e.to_string());
            (client_side, frame, server_side, timeouts)
        },
    );
    expect_eq(
        server_side,
        Ok(()),
        "the handshake as tungstenite's server saw it",
        read,
    );
    expect_eq(
        client_side,
        Ok(Some("chat.v1".to_string())),
        "what connect() returned (the subprotocol)",
        read,
    );
    // 0x81: a final text frame; 0x02: not masked (server frames never are),
    // 2 bytes.
    expect_bytes(
        frame.get(..4).unwrap_or(&frame),
        &[0x81, 0x02, b'h', b'i'],
        "the server's first frame, after the handshake",
        read,
    );
    // A quiet WebSocket must not time out: the handshake's limits go.
    expect_eq(
        timeouts,
        Some((Ok(None), Ok(None))),
        "(read_timeout(), write_timeout()) of the stream connect() returned",
        read,
    );
}

#[test]
fn accept_websocket_keeps_the_bytes_after_the_head() {
    let read = CONNECTION;
    let frame = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let mut input = browsers::head(browsers::FIREFOX);
    input.extend_from_slice(&frame);
    let (result, rest) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            // Reads of 100 bytes: the last one holds the end of the head and
            // part of the frame.
            let mut stream = Scripted::new(input, 100);
            let result =
                accept_websocket(&mut stream, &ServerConfig::default());
            let rest = stream.input[stream.position..].to_vec();
            (result.map_err(|e| e.to_string()), rest)
        },
    );
    match result {
        Ok(Established { leftover, .. }) => {
            let mut after = leftover;
            after.extend_from_slice(&rest);
            expect_bytes(
                &after,
                &frame,
                "leftover, then what was still unread: the frame behind the head",
                read,
            );
        }
        Err(error) => expect_that(
            false,
            "accept_websocket() of Firefox's request",
            "Ok",
            error,
            read,
        ),
    }
}

#[test]
fn accept_websocket_answers_a_head_too_large_with_431() {
    let read = CONNECTION;
    let mut input = b"GET /chat HTTP/1.1\r\nCookie: ".to_vec();
    input.resize(64 * 1024, b'a');
    let (result, output, position) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            let mut stream = Scripted::new(input, 4096);
            let result =
                accept_websocket(&mut stream, &ServerConfig::default());
            (result, stream.output, stream.position)
        },
    );
    expect_that(
        position <= Limits::default().max_head_bytes + 4096,
        "how much of a 64 KiB head accept_websocket() read",
        "it stops soon after the reader's 8 KiB limit",
        format!("{position} bytes"),
        read,
    );
    let error = result
        .map(|_| ())
        .map_err(|e| format!("{:?}: {e}", e.kind()));
    support::assert_snapshot!(
        CONNECTION,
        format!("{error:?}\n{}", shown_head(&output))
    );
}

#[test]
fn accept_websocket_writes_the_rejection_and_returns_an_error() {
    let read = CONNECTION;
    let input = browsers::head(browsers::CHROME);
    let config = ServerConfig {
        subprotocols: Vec::new(),
        origins: Origins::Only(strings(&["https://chat.example.com"])),
    };
    let (kind, output) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            let mut stream = Scripted::new(input, 512);
            let result = accept_websocket(&mut stream, &config);
            (result.map(|_| ()).map_err(|e| e.kind()), stream.output)
        },
    );
    expect_eq(
        kind,
        Err(io::ErrorKind::InvalidData),
        "accept_websocket() of a request from an origin not on the list",
        read,
    );
    expect_bytes(
        &output,
        b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "the bytes accept_websocket() wrote",
        read,
    );
}

/// A client that goes away before its head is complete: every later read
/// returns 0 bytes. The server must give up with `UnexpectedEof`, not read 0
/// bytes again forever.
#[test]
fn accept_websocket_reports_a_client_that_closes_mid_head() {
    let read = CONNECTION;
    let head = browsers::head(browsers::FIREFOX);
    let half = head[..head.len() / 2].to_vec();
    for (what, input) in
        [("no bytes at all", Vec::new()), ("half a head", half)]
    {
        let sent = input.len();
        let (kind, output) = deadline::within(
            deadline::DEFAULT,
            &format!(
                "accept_websocket() of a client that sends {what}, then closes"
            ),
            read,
            move || {
                let mut stream = Scripted::new(input, 64);
                let result =
                    accept_websocket(&mut stream, &ServerConfig::default());
                (result.map(|_| ()).map_err(|e| e.kind()), stream.output)
            },
        );
        expect_eq(
            kind,
            Err(io::ErrorKind::UnexpectedEof),
            &format!(
                "accept_websocket() of a client that sends {what} ({sent} bytes), then closes"
            ),
            read,
        );
        expect_bytes(
            &output,
            b"",
            &format!(
                "the bytes accept_websocket() wrote to a client that left after {what}"
            ),
            read,
        );
    }
}

#[test]
fn client_handshake_refuses_a_wrong_accept_and_an_early_close() {
    let read = CONNECTION;
    let url = expect_ok(
        WsUrl::parse("ws://server.example.com/chat"),
        "WsUrl::parse(\"ws://server.example.com/chat\")",
        "host server.example.com, port 80, resource /chat",
        URL,
    );
    let (wrong, closed, request) = deadline::within(
        deadline::DEFAULT,
        "client_handshake()",
        read,
        move || {
            // The RFC's response answers the RFC's key, never a fresh
            // random one.
            let mut stream = Scripted::new(browsers::head(RFC_RESPONSE), 64);
            let wrong =
                client_handshake(&mut stream, &url, &["chat"]).map(|_| ());
            let request = stream.output;
            let mut silent = Scripted::new(Vec::new(), 64);
            let closed =
                client_handshake(&mut silent, &url, &["chat"]).map(|_| ());
            (
                wrong.map_err(|e| e.kind()),
                closed.map_err(|e| e.kind()),
                request,
            )
        },
    );
    let written =
        written_head("the request client_handshake() wrote", &request, read);
    expect_eq(
        (written.target.as_str(), written.headers.get("Host")),
        ("/chat", Some("server.example.com")),
        "(target, Host) of the request client_handshake() wrote",
        read,
    );
    expect_eq(
        wrong,
        Err(io::ErrorKind::InvalidData),
        "client_handshake() when the answer's Sec-WebSocket-Accept is for another key",
        read,
    );
    expect_eq(
        closed,
        Err(io::ErrorKind::UnexpectedEof),
        "client_handshake() when the server closes without answering",
        read,
    );
}

/// What accept_websocket() returns for a refused request carries the reason,
/// which is what a server's log shows: each broken rule in its own words.
#[test]
fn accept_websocket_says_which_rule_a_request_broke() {
    let read = CONNECTION;
    let any = ServerConfig::default();
    let chat_example_only = ServerConfig {
        subprotocols: Vec::new(),
        origins: Origins::Only(strings(&["https://chat.example.com"])),
    };
    let key_of_15_bytes = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j";
    let cases: [(&str, Edits, &ServerConfig); 10] = [
        ("POST", &[("GET", &["POST /chat HTTP/1.1"])], &any),
        ("HTTP/1.0", &[("GET", &["GET /chat HTTP/1.0"])], &any),
        ("no Host", &[("Host", &[])], &any),
        (
            "two Hosts",
            &[("Host", &["Host: a.example", "Host: b.example"])],
            &any,
        ),
        ("Upgrade: h2c", &[("Upgrade", &["Upgrade: h2c"])], &any),
        (
            "Connection: keep-alive",
            &[("Connection", &["Connection: keep-alive"])],
            &any,
        ),
        (
            "version 8",
            &[("Sec-WebSocket-Version", &["Sec-WebSocket-Version: 8"])],
            &any,
        ),
        ("no key", &[("Sec-WebSocket-Key", &[])], &any),
        (
            "key of 15 bytes",
            &[("Sec-WebSocket-Key", &[key_of_15_bytes])],
            &any,
        ),
        ("an origin not on the list", &[], &chat_example_only),
    ];
    let requests: Vec<(&str, Vec<u8>, ServerConfig)> = cases
        .iter()
        .map(|(what, edits, config)| {
            (*what, rfc_request_with(edits), (*config).clone())
        })
        .collect();
    let outcomes = deadline::within(
        deadline::DEFAULT,
        "accept_websocket() of each broken request",
        read,
        move || {
            let mut outcomes = Vec::new();
            for (what, request, config) in requests {
                let mut stream = Scripted::new(request, 512);
                let outcome = match accept_websocket(&mut stream, &config) {
                    Ok(_) => "accepted".to_string(),
                    Err(error) => format!("{:?}: {error}", error.kind()),
                };
                outcomes.push((what, outcome));
            }
            outcomes
        },
    );
    expect_distinct_messages(
        "the errors accept_websocket() returns for broken requests",
        &outcomes,
        read,
    );
    support::assert_snapshot!(CONNECTION, outcome_table(&outcomes));
}

/// What client_handshake() returns for an answer it refuses carries the
/// reason: each broken rule, and each way a head can be malformed, in its own
/// words. The scripted server answers the key the client really sent, and
/// hands its answer over 64 bytes at a time.
#[test]
fn client_handshake_says_why_it_refuses_an_answer() {
    let read = CONNECTION;
    let url = WsUrl {
        host: "server.example.com".to_string(),
        port: 80,
        resource: "/chat".to_string(),
    };
    let rfc_for_the_key = edited(
        RFC_RESPONSE,
        &[("Sec-WebSocket-Accept", &["Sec-WebSocket-Accept: {accept}"])],
    );
    // One case for each reason: no two may say the same.
    let reasons: [(&str, Edits); 13] = [
        ("the RFC's answer, for the key sent", &[]),
        (
            "HTTP/1.0",
            &[("HTTP/1.1", &["HTTP/1.0 101 Switching Protocols"])],
        ),
        ("a status line of one word", &[("HTTP/1.1", &["HTTP/1.1"])]),
        (
            "a status of four digits",
            &[("HTTP/1.1", &["HTTP/1.1 1010 Switching Protocols"])],
        ),
        // Line 2: the line numbers of a head count from its status line.
        (
            "a header without a colon",
            &[("Upgrade", &["Upgrade websocket"])],
        ),
        (
            "a line that ends in a bare LF",
            &[("Connection", &["Connection: Upgrade\nX-Note: bare"])],
        ),
        ("200 OK", &[("HTTP/1.1", &["HTTP/1.1 200 OK"])]),
        ("no Upgrade", &[("Upgrade", &[])]),
        ("no Connection", &[("Connection", &[])]),
        (
            "the accept for the RFC's key",
            &[(
                "Sec-WebSocket-Accept",
                &["Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
            )],
        ),
        (
            "an extension",
            &[(
                "Sec-WebSocket-Protocol",
                &[
                    "Sec-WebSocket-Protocol: chat",
                    "Sec-WebSocket-Extensions: permessage-deflate",
                ],
            )],
        ),
        (
            "a protocol not offered",
            &[("Sec-WebSocket-Protocol", &["Sec-WebSocket-Protocol: soap"])],
        ),
        ("no accept", &[("Sec-WebSocket-Accept", &[])]),
    ];
    // More status codes that are not three digits: a `+` parses as a u16
    // but is no digit.
    let status_codes: [(&str, Edits); 2] = [
        (
            "a status of two digits",
            &[("HTTP/1.1", &["HTTP/1.1 10 Switching Protocols"])],
        ),
        (
            "a status with a sign",
            &[("HTTP/1.1", &["HTTP/1.1 +10 Switching Protocols"])],
        ),
    ];
    let answers: Vec<(&str, Vec<&str>)> = reasons
        .iter()
        .chain(&status_codes)
        .map(|(what, edits)| (*what, edited(&rfc_for_the_key, edits)))
        .collect();
    let outcomes = deadline::within(
        deadline::DEFAULT,
        "client_handshake() of each answer",
        read,
        move || {
            let mut outcomes = Vec::new();
            for (what, answer) in answers {
                let mut server = Answering::new(answer, 64);
                let result =
                    client_handshake(&mut server, &url, &["chat", "superchat"]);
                let outcome = match result {
                    Ok(established) => format!("Ok({established:?})"),
                    // The accept value of a random key, named instead.
                    Err(error) => format!("{:?}: {error}", error.kind())
                        .replace(
                            server.accept.as_deref().unwrap_or("(no read)"),
                            "<the accept for the key sent>",
                        ),
                };
                outcomes.push((what, outcome));
            }
            outcomes
        },
    );
    // The reasons after the first, accepted, answer.
    expect_distinct_messages(
        "the errors client_handshake() returns for broken answers",
        &outcomes[1..reasons.len()],
        read,
    );
    support::assert_snapshot!(CONNECTION, outcome_table(&outcomes));
}

/// A server that sends a head without end must not make the client read
/// forever: past 8 KiB it gives up.
#[test]
fn client_handshake_gives_up_on_a_head_that_never_ends() {
    let read = CONNECTION;
    let url = WsUrl {
        host: "server.example.com".to_string(),
        port: 80,
        resource: "/chat".to_string(),
    };
    let mut endless = b"HTTP/1.1 101 Switching Protocols\r\nX-Pad: ".to_vec();
    endless.resize(64 * 1024, b'a');
    let limit = 8 * 1024;
    // Reads of 1000 bytes: the client never holds exactly 8 KiB.
    let piece = 1000;
    let input = endless.clone();
    let (result, position) = deadline::within(
        deadline::DEFAULT,
        "client_handshake() of a head that never ends",
        read,
        move || {
            let mut stream = Scripted::new(input, piece);
            let result = client_handshake(&mut stream, &url, &[]);
            let result =
                result.map(|_| ()).map_err(|e| (e.kind(), e.to_string()));
            (result, stream.position)
        },
    );
    expect_eq(
        result,
        Err((
            io::ErrorKind::InvalidData,
            "not an HTTP/1.1 response head: the head does not end within 8 KiB"
                .to_string(),
        )),
        "client_handshake() of a 64 KiB head without its empty line",
        read,
    );
    expect_that(
        position <= limit + piece,
        "how much of a 64 KiB head client_handshake() read",
        "it stops at the first read past 8 KiB",
        format!("{position} bytes"),
        read,
    );
    // The limit itself, in the parser client_handshake() relies on: 8 KiB
    // without the end is a head still on its way, one byte more is too much.
    expect_eq(
        parse_response(&endless[..limit]),
        Ok(None),
        "parse_response() of 8 KiB without the end of the head",
        read,
    );
    expect_eq(
        parse_response(&endless[..limit + 1]).map(|_| ()),
        Err(ResponseError::Malformed(
            "the head does not end within 8 KiB".to_string(),
        )),
        "parse_response() of 8 KiB and 1 byte without the end of the head",
        read,
    );
}

/// Each case's name, and under it what it gave: a snapshot a reader can scan.
fn outcome_table(outcomes: &[(&str, String)]) -> String {
    let mut table = String::new();
    for (what, outcome) in outcomes {
        writeln!(table, "{what}\n    {outcome}").unwrap();
    }
    table
}
