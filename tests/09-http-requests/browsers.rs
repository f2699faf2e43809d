//! WebSocket opening requests as browsers send them, header for header, in
//! their order.
//!
//! Both ask `ws://localhost:9001/chat` for the subprotocols `chat.v2` and
//! `chat.v1` from a page served by `http://localhost:8000`. Only the keys are
//! new random values. Chapter 10's tests use the same requests (`#[path =
//! "../09-http-requests/browsers.rs"]`).

// ANCHOR: chrome
/// Chrome 137 on Linux: `new WebSocket("ws://localhost:9001/chat", ["chat.v2",
/// "chat.v1"])`.
pub const CHROME: &[&str] = &[
    "GET /chat HTTP/1.1",
    "Host: localhost:9001",
    "Connection: Upgrade",
    "Pragma: no-cache",
    "Cache-Control: no-cache",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
    "Upgrade: websocket",
    "Origin: http://localhost:8000",
    "Sec-WebSocket-Version: 13",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Accept-Language: en-US,en;q=0.9",
    "Sec-WebSocket-Key: I4OBLhOPu5L+Jv5+olPY+A==",
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
    "Sec-WebSocket-Protocol: chat.v2, chat.v1",
];
// ANCHOR_END: chrome

// ANCHOR: firefox
/// Firefox 139 on Linux, the same page. Note `Connection: keep-alive, Upgrade`:
/// a list.
pub const FIREFOX: &[&str] = &[
    "GET /chat HTTP/1.1",
    "Host: localhost:9001",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0",
    "Accept: */*",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Sec-WebSocket-Version: 13",
    "Origin: http://localhost:8000",
    "Sec-WebSocket-Protocol: chat.v2, chat.v1",
    "Sec-WebSocket-Extensions: permessage-deflate",
    "Sec-WebSocket-Key: 2eaM2S4j2EWg9SeQe6/d4w==",
    "Connection: keep-alive, Upgrade",
    "Sec-Fetch-Dest: empty",
    "Sec-Fetch-Mode: websocket",
    "Sec-Fetch-Site: same-site",
    "Pragma: no-cache",
    "Cache-Control: no-cache",
    "Upgrade: websocket",
];
// ANCHOR_END: firefox

/// The bytes on the wire: each line ends in CRLF, and an empty line ends the
/// head.
pub fn head(lines: &[&str]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in lines {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes
}
