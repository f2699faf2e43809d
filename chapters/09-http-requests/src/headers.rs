//! The header fields of a head, looked up the way HTTP says to (RFC 9110
//! section 5): names without regard to case, repeated fields kept in order,
//! lists split at commas.

use crate::request::Header;

/// Every header field of a head, in the order they arrived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    fields: Vec<Header>,
}

impl From<Vec<Header>> for Headers {
    fn from(fields: Vec<Header>) -> Self {
        Headers { fields }
    }
}

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, header: Header) {
        self.fields.push(header);
    }

    /// How many header lines there are (a repeated name counts each time).
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Every field, in the order they arrived.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.fields.iter()
    }

    // ANCHOR: get_all
    /// Exercise 9.3: the values of every field called `name`, compared
    /// without regard to ASCII case (`Host`, `host` and `HOST` are one name),
    /// in the order they arrived.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        todo!("fields whose name is eq_ignore_ascii_case; their values")
    }
    // ANCHOR_END: get_all

    /// The value of the first field called `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).first().copied()
    }

    // ANCHOR: list
    /// Exercise 9.3: the elements of a comma-separated list header such as
    /// `Connection: keep-alive, Upgrade` (RFC 9110 section 5.6.1).
    ///
    /// Repeated fields are one list, in order (RFC 9110 section 5.3). Each
    /// element loses the spaces and tabs around it, and empty elements
    /// (`a, , b`) are dropped.
    pub fn list(&self, name: &str) -> Vec<&str> {
        todo!("get_all, split at commas, trim spaces and tabs, skip empties")
    }
    // ANCHOR_END: list

    /// Does the list header `name` hold `token`, compared without regard to
    /// ASCII case? `Connection: keep-alive, Upgrade` holds `upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.list(name)
            .iter()
            .any(|element| element.eq_ignore_ascii_case(token))
    }
}
