//! `ws://host:port/path?query`: where a client connects and what it asks for
//! (RFC 6455 section 3).

use std::fmt;
use std::net::Ipv6Addr;

// ANCHOR: ws_url
/// A `ws://` URL taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    /// A name (`localhost`), an IPv4 address, or an IPv6 address without
    /// its brackets.
    pub host: String,
    /// 80 when the URL gives none.
    pub port: u16,
    /// The path and query, the request target: `/chat?room=rust`; `/`
    /// when empty.
    pub resource: String,
}

/// Why a text is not a `ws://` URL this client can use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// The scheme is not `ws` (nor `wss`).
    NotWebSocket,
    /// `wss://`: WebSocket over TLS, which chapter 14 adds.
    SecureNotSupported,
    /// The host is empty, has characters a host name may not have, or is a
    /// broken `[IPv6]` address.
    InvalidHost,
    /// The port is not a number from 1 to 65535.
    InvalidPort,
    /// The path or query has a space, a control or a non-ASCII character.
    InvalidResource,
    /// `#fragment`: a WebSocket URL must not have one (RFC 6455 section 3).
    Fragment,
}
// ANCHOR_END: ws_url

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            UrlError::NotWebSocket => "the URL does not start with ws://",
            UrlError::SecureNotSupported => {
                "wss:// needs TLS, which comes in chapter 14"
            }
            UrlError::InvalidHost => "the URL's host is empty or not valid",
            UrlError::InvalidPort => {
                "the URL's port is not a number from 1 to 65535"
            }
            UrlError::InvalidResource => {
                "the URL's path or query is not visible ASCII"
            }
            UrlError::Fragment => "a WebSocket URL must not have a #fragment",
        };
        f.write_str(text)
    }
}

impl std::error::Error for UrlError {}

/// Can `c` be part of a host name or an IPv4 address? (Letters, digits, `-` and
/// `.`; international names arrive already converted to ASCII.)
fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

impl WsUrl {
    // ANCHOR: parse
    /// Exercise 10.5: take a `ws://` URL apart.
    ///
    /// In this order: the scheme before `://`, any case (`wss` is
    /// `SecureNotSupported`, anything else `NotWebSocket`); a `#` anywhere is a
    /// `Fragment`; the authority runs to the first `/` or `?`, and the rest is
    /// the resource (`/` when empty; a lone `?query` gets a `/` in front),
    /// which must be visible ASCII only, else `InvalidResource`. Last the
    /// authority: `host` or `host:port`, where an IPv6 host is written in
    /// brackets, `[::1]:9001`. A host is non-empty [`is_host_char`]s, or a
    /// valid `Ipv6Addr` inside brackets (else `InvalidHost`); a port is 1 to
    /// 65535 in digits only (else `InvalidPort`).
    pub fn parse(url: &str) -> Result<WsUrl, UrlError> {
        // BEGIN SOLUTION: scheme, fragment, authority and resource, then host and port
        let (scheme, rest) =
            url.split_once("://").ok_or(UrlError::NotWebSocket)?;
        if scheme.eq_ignore_ascii_case("wss") {
            return Err(UrlError::SecureNotSupported);
        }
        if !scheme.eq_ignore_ascii_case("ws") {
            return Err(UrlError::NotWebSocket);
        }
        if rest.contains('#') {
            return Err(UrlError::Fragment);
        }
        let (authority, resource) =
            rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let resource = match resource {
            "" => "/".to_string(),
            query if query.starts_with('?') => format!("/{query}"),
            path => path.to_string(),
        };
        if !resource.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(UrlError::InvalidResource);
        }

        let (host, port) = Self::split_host_port(authority)?;
        let port = match port {
            None => 80,
            Some(digits) => match digits.parse::<u16>() {
                Ok(port)
                    if port != 0
                        && digits.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    port
                }
                _ => return Err(UrlError::InvalidPort),
            },
        };
        Ok(WsUrl {
            host: host.to_string(),
            port,
            resource,
        })
        // END SOLUTION
    }
    // ANCHOR_END: parse
    // BEGIN SOLUTION
    /// `host` or `host:port`, where an IPv6 host is in brackets: `[::1]:9001`.
    fn split_host_port(
        authority: &str,
    ) -> Result<(&str, Option<&str>), UrlError> {
        if let Some(bracketed) = authority.strip_prefix('[') {
            let (address, after) =
                bracketed.split_once(']').ok_or(UrlError::InvalidHost)?;
            if address.parse::<Ipv6Addr>().is_err() {
                return Err(UrlError::InvalidHost);
            }
            return match after {
                "" => Ok((address, None)),
                _ => match after.strip_prefix(':') {
                    Some(port) => Ok((address, Some(port))),
                    None => Err(UrlError::InvalidPort),
                },
            };
        }
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() || !host.chars().all(is_host_char) {
            return Err(UrlError::InvalidHost);
        }
        Ok((host, port))
    }
    // END SOLUTION

    // ANCHOR: host_header
    /// The `Host` header for this URL (RFC 9110 section 7.2): the host, in
    /// brackets if it is an IPv6 address, and `:port` unless the port is 80,
    /// the default for `ws`.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            80 => host,
            port => format!("{host}:{port}"),
        }
    }
    // ANCHOR_END: host_header
}
