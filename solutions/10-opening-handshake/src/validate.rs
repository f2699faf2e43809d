//! What a server checks before it agrees to speak WebSocket (RFC 6455
//! section 4.2.1).

use std::fmt;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use http_head::{Request, Status, Version};

// ANCHOR: offer
/// What a valid upgrade request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// `Sec-WebSocket-Key`, as sent: base64 of 16 random bytes.
    pub key: String,
    /// `Sec-WebSocket-Protocol`: the subprotocols the client can speak, its
    /// favourite first.
    pub subprotocols: Vec<String>,
    /// `Origin`: the site whose page opened the connection. Browsers always
    /// send it.
    pub origin: Option<String>,
}

/// Why a server refuses to upgrade, each with the status it answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    /// 400: the method is not `GET`.
    NotGet,
    /// 400: the version is not HTTP/1.1.
    NotHttp11,
    /// 400: there is no `Host` header.
    MissingHost,
    /// 400: there is more than one `Host` header (RFC 9112 section 3.2).
    DuplicateHost,
    /// 426: `Upgrade` does not name `websocket`: a plain HTTP request.
    NotWebSocketUpgrade,
    /// 400: `Connection` does not hold the `upgrade` token.
    NoConnectionUpgrade,
    /// 426: `Sec-WebSocket-Version` is missing or not exactly `13`.
    UnsupportedVersion,
    /// 400: there is no `Sec-WebSocket-Key`.
    MissingKey,
    /// 400: the key is not the base64 of exactly 16 bytes, or there
    /// are several.
    InvalidKey,
    /// 403: the page's `Origin` is not one this server accepts.
    OriginNotAllowed,
}
// ANCHOR_END: offer

impl HandshakeError {
    /// The status the server answers with.
    pub fn status(&self) -> Status {
        match self {
            HandshakeError::NotWebSocketUpgrade
            | HandshakeError::UnsupportedVersion => Status::UpgradeRequired,
            HandshakeError::OriginNotAllowed => Status::Forbidden,
            _ => Status::BadRequest,
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            HandshakeError::NotGet => "the method is not GET",
            HandshakeError::NotHttp11 => "the version is not HTTP/1.1",
            HandshakeError::MissingHost => "there is no Host header",
            HandshakeError::DuplicateHost => {
                "there is more than one Host header"
            }
            HandshakeError::NotWebSocketUpgrade => {
                "Upgrade does not ask for websocket"
            }
            HandshakeError::NoConnectionUpgrade => {
                "Connection does not hold the upgrade token"
            }
            HandshakeError::UnsupportedVersion => {
                "Sec-WebSocket-Version is not 13"
            }
            HandshakeError::MissingKey => "there is no Sec-WebSocket-Key",
            HandshakeError::InvalidKey => {
                "Sec-WebSocket-Key is not base64 of 16 bytes"
            }
            HandshakeError::OriginNotAllowed => "the Origin is not allowed",
        };
        write!(f, "{text} (RFC 6455 section 4.2.1)")
    }
}

impl std::error::Error for HandshakeError {}

// ANCHOR: validate_request
/// Exercise 10.2: check an upgrade request against RFC 6455 section 4.2.1, in
/// this order, and return the first rule it breaks:
///
/// 1. the method is `GET` (methods are case-sensitive) and the
///    version HTTP/1.1;
/// 2. exactly one `Host` header;
/// 3. `Upgrade` holds the token `websocket` and `Connection` the token
///    `upgrade`, both in any case;
/// 4. exactly one `Sec-WebSocket-Version`, and it is `13`;
/// 5. exactly one `Sec-WebSocket-Key`, whose base64 (standard alphabet, with
///    padding) decodes to 16 bytes.
///
/// A valid request gives its key, its `Sec-WebSocket-Protocol` list and
/// its `Origin`.
pub fn validate_request(request: &Request) -> Result<Offer, HandshakeError> {
    // BEGIN SOLUTION: check the rules in order; decode the key with BASE64_STANDARD
    let headers = &request.headers;
    if request.method != "GET" {
        return Err(HandshakeError::NotGet);
    }
    if request.version != Version::Http11 {
        return Err(HandshakeError::NotHttp11);
    }
    match headers.get_all("Host").len() {
        0 => return Err(HandshakeError::MissingHost),
        1 => {}
        _ => return Err(HandshakeError::DuplicateHost),
    }
    if !headers.has_token("Upgrade", "websocket") {
        return Err(HandshakeError::NotWebSocketUpgrade);
    }
    if !headers.has_token("Connection", "upgrade") {
        return Err(HandshakeError::NoConnectionUpgrade);
    }
    if headers.get_all("Sec-WebSocket-Version") != ["13"] {
        return Err(HandshakeError::UnsupportedVersion);
    }
    let key = match headers.get_all("Sec-WebSocket-Key")[..] {
        [] => return Err(HandshakeError::MissingKey),
        [key] => key,
        _ => return Err(HandshakeError::InvalidKey),
    };
    if BASE64_STANDARD.decode(key).map(|nonce| nonce.len()) != Ok(16) {
        return Err(HandshakeError::InvalidKey);
    }
    Ok(Offer {
        key: key.to_string(),
        subprotocols: headers
            .list("Sec-WebSocket-Protocol")
            .into_iter()
            .map(String::from)
            .collect(),
        origin: headers.get("Origin").map(String::from),
    })
    // END SOLUTION
}
// ANCHOR_END: validate_request
