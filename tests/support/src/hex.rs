//! Hex dumps for bytes on the wire.
//!
//! Three views, and a wrapper:
//! - [`dump`]: the classic 16 bytes a row with offsets and printable text.
//! - [`Annotated`]: one row per field, each with its meaning, for frames and headers.
//! - [`diff`]: expected and found side by side with a caret under the first difference.
//! - [`Hex`]: bytes inside any checked value, shown in hex instead of decimal.

use std::fmt::Write as _;

const ROW: usize = 16;

/// The classic hex dump: offset, 16 bytes, and the printable ASCII.
///
/// ```text
/// 0000  48 65 6c 6c 6f 0d 0a                              |Hello..|
/// ```
pub fn dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in bytes.chunks(ROW).enumerate() {
        writeln!(out, "{}", row_line(row * ROW, chunk)).unwrap();
    }
    if bytes.is_empty() {
        out.push_str("(no bytes)\n");
    }
    out
}

fn row_line(offset: usize, chunk: &[u8]) -> String {
    format!(
        "{offset:04x}  {:<47}  |{}|",
        hex_bytes(chunk),
        printable(chunk)
    )
}

/// `48 65 6c`: bytes as two hex digits each, separated by spaces.
pub fn hex_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write!(out, "{byte:02x}").unwrap();
    }
    out
}

/// Bytes whose `Debug` form is hex, as the book writes them: `[81 85]`, where `Vec<u8>`
/// shows `[129, 133]`. Wrap bytes in a check that compares values holding them:
/// `expect_eq(Hex(found), Hex(expected), ..)`, or `found.map(Hex)` inside an `Option`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hex<B: AsRef<[u8]>>(pub B);

impl<B: AsRef<[u8]>> std::fmt::Debug for Hex<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}]", hex_bytes(self.0.as_ref()))
    }
}

/// Pieces of bytes (the chunks a stream arrived in), each in brackets: `[c3] [a9 21]`.
pub fn pieces(pieces: &[&[u8]]) -> String {
    let shown: Vec<String> = pieces
        .iter()
        .map(|piece| format!("[{}]", hex_bytes(piece)))
        .collect();
    shown.join(" ")
}

/// Printable ASCII as itself, everything else as `.`.
pub fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

/// A dump with one row per field and a label saying what the field means.
///
/// ```text
/// 0000  81              FIN=1, opcode=1 (text)
/// 0001  05              MASK=0, payload length 5
/// 0002  48 65 6c 6c 6f  payload "Hello"
/// ```
///
/// Long fields show their first and last bytes and their length, so a 64 KiB payload
/// is one readable line.
#[derive(Default)]
pub struct Annotated<'a> {
    bytes: &'a [u8],
    fields: Vec<(usize, usize, String)>,
    next: usize,
}

impl<'a> Annotated<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Annotated {
            bytes,
            fields: Vec::new(),
            next: 0,
        }
    }

    /// The next `len` bytes are one field meaning `label`. Running past the end is
    /// shown, not a panic: the dump then says which bytes were missing.
    pub fn field(mut self, len: usize, label: impl Into<String>) -> Self {
        self.fields.push((self.next, len, label.into()));
        self.next += len;
        self
    }

    /// Every byte not yet described is one field.
    pub fn rest(self, label: impl Into<String>) -> Self {
        let len = self.bytes.len().saturating_sub(self.next);
        self.field(len, label)
    }

    pub fn render(&self) -> String {
        const SHOWN: usize = 8;
        let cells: Vec<String> = self
            .fields
            .iter()
            .map(|&(start, len, _)| {
                let end = (start + len).min(self.bytes.len());
                let field = &self.bytes[start.min(end)..end];
                let missing = len - field.len();
                let mut cell = if field.len() <= SHOWN {
                    hex_bytes(field)
                } else {
                    format!(
                        "{} .. {}",
                        hex_bytes(&field[..4]),
                        hex_bytes(&field[field.len() - 2..])
                    )
                };
                if missing > 0 {
                    cell.push_str(&format!(" (missing {missing})"));
                }
                cell
            })
            .collect();
        let width = cells.iter().map(String::len).max().unwrap_or(0);
        let mut out = String::new();
        for ((start, len, label), cell) in self.fields.iter().zip(&cells) {
            let size = if *len > SHOWN {
                format!(" [{len} bytes]")
            } else {
                String::new()
            };
            writeln!(out, "{start:04x}  {cell:<width$}  {label}{size}").unwrap();
        }
        if self.next < self.bytes.len() {
            let left = &self.bytes[self.next..];
            writeln!(
                out,
                "{:04x}  {} more bytes not described",
                self.next,
                left.len()
            )
            .unwrap();
        }
        out
    }
}

/// `None` when the two are equal; otherwise both byte strings around the first difference,
/// as hex rows, with a caret under the byte that differs.
///
/// ```text
/// expected 0000  81 05 48 65 6c 6c 6f     |..Hello|
///    found 0000  81 85 48 65 6c 6c 6f     |..Hello|
///                   ^^ byte 1: expected 0x05, found 0x85
/// ```
pub fn diff(expected: &[u8], found: &[u8]) -> Option<String> {
    let first = expected
        .iter()
        .zip(found)
        .position(|(e, f)| e != f)
        .or_else(|| (expected.len() != found.len()).then(|| expected.len().min(found.len())))?;
    let row_start = first / ROW * ROW;
    let row = |bytes: &[u8]| {
        let end = (row_start + ROW).min(bytes.len());
        let chunk = bytes.get(row_start..end).unwrap_or(&[]);
        row_line(row_start, chunk)
    };
    let what = match (expected.get(first), found.get(first)) {
        (Some(e), Some(f)) => format!("byte {first}: expected 0x{e:02x}, found 0x{f:02x}"),
        (Some(e), None) => format!("byte {first}: expected 0x{e:02x}, found the end"),
        (None, Some(f)) => format!("byte {first}: expected the end, found 0x{f:02x}"),
        (None, None) => unreachable!("first difference lies inside one of the two"),
    };
    let caret_column = 15 + (first - row_start) * 3;
    let mut out = String::new();
    if row_start > 0 {
        writeln!(out, "         ({row_start} equal bytes before)").unwrap();
    }
    writeln!(out, "expected {}", row(expected)).unwrap();
    writeln!(out, "   found {}", row(found)).unwrap();
    write!(out, "{:caret_column$}^^ {what}", "").unwrap();
    Some(out)
}
