//! The two choices a server makes about a valid request: which subprotocol to
//! speak, and whether the page that asked may connect at all.

// ANCHOR: choose_subprotocol
/// Exercise 10.3: the subprotocol to speak (RFC 6455 section 4.2.2, item 5.4).
///
/// `supported` is the server's list, its favourite first; `offered` is the
/// client's. The answer is the first of the server's that the client offered,
/// compared exactly. `None` when they share none: the connection then goes
/// ahead without a subprotocol.
pub fn choose_subprotocol(
    offered: &[String],
    supported: &[String],
) -> Option<String> {
    // BEGIN SOLUTION: find the first entry of supported that offered contains
    supported
        .iter()
        .find(|protocol| offered.contains(protocol))
        .cloned()
    // END SOLUTION
}
// ANCHOR_END: choose_subprotocol

// ANCHOR: origins
/// Which pages may open a WebSocket to this server (RFC 6455 section 10.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Origins {
    /// Any page, and any program.
    #[default]
    Any,
    /// Only pages from these origins, such as `https://chat.example.com`.
    Only(Vec<String>),
}

impl Origins {
    /// Exercise 10.3: may a request with this `Origin` header connect?
    ///
    /// `Any` allows everything. `Only` allows an origin in its list, compared
    /// without regard to ASCII case, and a request with no `Origin` at all:
    /// browsers always send one, so such a request comes from a program, which
    /// could send any Origin it likes.
    pub fn allows(&self, origin: Option<&str>) -> bool {
        // BEGIN SOLUTION: Any or no Origin allowed; else find it, ignoring case
        match (self, origin) {
            (Origins::Any, _) | (_, None) => true,
            (Origins::Only(allowed), Some(origin)) => allowed
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(origin)),
        }
        // END SOLUTION
    }
}
// ANCHOR_END: origins
