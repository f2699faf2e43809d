//! What the application sends and receives.

use std::fmt;

/// A whole WebSocket message. Control frames (ping, pong, close) never
/// reach the application: the connection answers them itself.
#[derive(Clone, PartialEq, Eq)]
pub enum Message {
    Text(String),
    Binary(Vec<u8>),
}

impl Message {
    /// The payload's size in bytes.
    pub fn len(&self) -> usize {
        match self {
            Message::Text(text) => text.len(),
            Message::Binary(data) => data.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::Text(text.to_string())
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::Text(text)
    }
}

impl From<Vec<u8>> for Message {
    fn from(data: Vec<u8>) -> Self {
        Message::Binary(data)
    }
}

/// Long payloads cut short, so that a failing test prints a readable line.
impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 64;
        match self {
            Message::Text(text) if text.len() > SHOWN => {
                let start: String = text.chars().take(SHOWN).collect();
                write!(f, "Text({start:?}... {} bytes)", text.len())
            }
            Message::Text(text) => write!(f, "Text({text:?})"),
            Message::Binary(data) if data.len() > SHOWN => {
                write!(f, "Binary({:02x?}... {} bytes)", &data[..8], data.len())
            }
            Message::Binary(data) => write!(f, "Binary({data:02x?})"),
        }
    }
}
