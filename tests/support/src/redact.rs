//! Make text the same on every machine before it goes into a snapshot.
//!
//! Ports come from the kernel and change every run; file descriptor numbers depend on what
//! else is open. A snapshot that contains them fails on the next run for no reason, so:
//!
//! - [`Names`] replaces known addresses by the role they play (`[server]`, `[client]`),
//!   which reads better than any number;
//! - [`ports`] replaces every remaining `host:port` port by `[port]`.

use std::net::SocketAddr;

/// Known addresses and the names to show instead.
#[derive(Default)]
pub struct Names {
    names: Vec<(String, String)>,
}

impl Names {
    pub fn new() -> Self {
        Self::default()
    }

    /// Shows `addr` as `[name]`.
    pub fn name(mut self, addr: SocketAddr, name: &str) -> Self {
        self.names.push((addr.to_string(), format!("[{name}]")));
        self
    }

    /// Replaces every named address in `text`, then any other port.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (addr, name) in &self.names {
            out = out.replace(addr, name);
        }
        ports(&out)
    }
}

/// Replaces the port of every `127.0.0.1:N`, `[::1]:N` or `[::ffff:..]:N` style address
/// with `[port]`. Only digits that follow an address are touched, so other numbers stay.
pub fn ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(colon) = rest.find(':') {
        let (before, after) = rest.split_at(colon);
        out.push_str(before);
        let digits = after[1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && ends_with_host(&out) {
            out.push_str(":[port]");
            rest = &after[1 + digits..];
        } else {
            out.push(':');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Does the text so far end with an IPv4 address or a bracketed IPv6 address?
fn ends_with_host(text: &str) -> bool {
    if text.ends_with(']') {
        return text.rfind('[').is_some_and(|open| {
            text[open + 1..text.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
        });
    }
    let start = text
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    text[start..].parse::<std::net::Ipv4Addr>().is_ok()
}

/// Replaces `fd N` and `fd=N` by `fd [fd]`: descriptor numbers depend on what else is open.
pub fn fds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("fd") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let sep = after
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'=')
            .count();
        let digits = after[sep..].bytes().take_while(u8::is_ascii_digit).count();
        if sep > 0 && digits > 0 {
            out.push_str(&after[..sep]);
            out.push_str("[fd]");
            rest = &after[sep + digits..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
