//! The server's half of the handshake as one function: a request in, response
//! bytes out.

use http_head::{Request, Status, response_head};

use crate::accept::accept_key;
use crate::policy::{Origins, choose_subprotocol};
use crate::validate::{HandshakeError, validate_request};

// ANCHOR: answer_types
/// What a server is willing to speak.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// Subprotocols, the server's favourite first. Empty: none.
    pub subprotocols: Vec<String>,
    pub origins: Origins,
}

/// The server's decision, with the exact bytes to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Send `response` (101); from then on the connection speaks WebSocket.
    Accept {
        response: Vec<u8>,
        subprotocol: Option<String>,
    },
    /// Send `response` (400, 403 or 426), then close.
    Reject {
        response: Vec<u8>,
        error: HandshakeError,
    },
}
// ANCHOR_END: answer_types

// ANCHOR: answer
/// Exercise 10.4: the answer to an upgrade request (RFC 6455 section 4.2.2).
///
/// Validate the request (10.2), then check its origin (10.3): either failing is
/// a [`rejection`]. Otherwise choose a subprotocol (10.3) and accept with these
/// headers, in this order:
///
/// ```text
/// HTTP/1.1 101 Switching Protocols
/// Upgrade: websocket
/// Connection: Upgrade
/// Sec-WebSocket-Accept: <accept_key of the request's key>
/// Sec-WebSocket-Protocol: <the chosen subprotocol; only if there is one>
/// ```
pub fn answer(request: &Request, config: &ServerConfig) -> Answer {
    // BEGIN SOLUTION: validate, check origin, choose subprotocol, build the 101
    let reject = |error: HandshakeError| Answer::Reject {
        response: rejection(&error),
        error,
    };
    let offer = match validate_request(request) {
        Ok(offer) => offer,
        Err(error) => return reject(error),
    };
    if !config.origins.allows(offer.origin.as_deref()) {
        return reject(HandshakeError::OriginNotAllowed);
    }
    let subprotocol =
        choose_subprotocol(&offer.subprotocols, &config.subprotocols);
    let accept = accept_key(&offer.key);
    let mut headers = vec![
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", accept.as_str()),
    ];
    if let Some(protocol) = &subprotocol {
        headers.push(("Sec-WebSocket-Protocol", protocol));
    }
    Answer::Accept {
        response: response_head(Status::SwitchingProtocols, &headers),
        subprotocol,
    }
    // END SOLUTION
}
// ANCHOR_END: answer

// ANCHOR: rejection
/// Exercise 10.4: the response that refuses a handshake, after which the
/// server closes.
///
/// The status is `error.status()`. A 426 first names what the client should
/// switch to (RFC 9110 section 15.5.22, RFC 6455 section 4.4), and, because
/// `Upgrade` is a connection-level header, names it in `Connection` too
/// (RFC 9110 section 7.8):
///
/// ```text
/// Upgrade: websocket            (426 only)
/// Sec-WebSocket-Version: 13     (426 only)
/// Connection: Upgrade, close    (426; any other status: Connection: close)
/// Content-Length: 0
/// ```
pub fn rejection(error: &HandshakeError) -> Vec<u8> {
    // BEGIN SOLUTION: response_head with error.status() and the headers above
    let status = error.status();
    let headers: &[(&str, &str)] = if status == Status::UpgradeRequired {
        &[
            ("Upgrade", "websocket"),
            ("Sec-WebSocket-Version", "13"),
            ("Connection", "Upgrade, close"),
            ("Content-Length", "0"),
        ]
    } else {
        &[("Connection", "close"), ("Content-Length", "0")]
    };
    response_head(status, headers)
    // END SOLUTION
}
// ANCHOR_END: rejection
