//! Checks for chapter 4, sections 4.1 to 4.3: whole reads, whole writes,
//! framing by delimiter. Run them with `cargo test -p chapter-4`. Sections 4.4
//! and 4.5 are checked in `framing_by_length.rs`, 4.6 and 4.7 in `protocol.rs`.
//!
//! The peers in `peers.rs` cut what they send on purpose: one byte per write,
//! or many messages in one write. Correct framing code returns the same
//! messages either way. The tests build the bytes they expect themselves, never
//! with another exercise's code.

mod peers;

use std::io::{self, Cursor};

use chapter_4::{Lines, fill, send_all, write_line};
use peers::{
    BrokenPipe, Cut, Full, Interrupting, MESSAGES, Pieces, Recorder, Reset,
    Stingy, kind, messages, outcome, text,
};
use support::reads::{self, expect_messages};
use support::{Book, Section, deadline, expect_bytes, expect_eq, expect_ok};

const BOOK: Book = Book::page("ch04-byte-streams.md");
const WHOLE_READS: Section = BOOK.section("4.1 Reading a whole buffer");
const WHOLE_WRITES: Section = BOOK.section("4.2 Writing a whole buffer");
const DELIMITER: Section = BOOK.section("4.3 Framing by delimiter");

// ---------------------------------------------------------------- 4.1 fill

#[test]
fn fill_collects_bytes_written_one_at_a_time() {
    let sent = b"twenty-six letters, a to z";
    let mut stream = peers::sends(sent, Cut::OneByteWrites);
    let received = expect_ok(
        deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, move || {
            let mut buffer = [0; 26];
            fill(&mut stream, &mut buffer).map(|()| buffer)
        }),
        "fill() of 26 bytes",
        "the buffer filled with all 26 bytes",
        WHOLE_READS,
    );
    expect_bytes(&received, sent, "the buffer fill() filled", WHOLE_READS);
}

#[test]
fn fill_asks_again_after_an_interrupted_read() {
    let (result, buffer) =
        deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, || {
            let mut reader =
                Interrupting::new(Cursor::new(b"0123456789".to_vec()));
            let mut buffer = [0; 10];
            (kind(fill(&mut reader, &mut buffer)), buffer)
        });
    expect_eq(
        result,
        Ok(()),
        "fill() from a reader interrupted before every other read",
        WHOLE_READS,
    );
    expect_bytes(
        &buffer,
        b"0123456789",
        "the buffer fill() filled",
        WHOLE_READS,
    );
}

#[test]
fn fill_reports_a_stream_that_ends_too_soon() {
    let stream = peers::sends(b"abc", Cut::OneWrite);
    let result =
        deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, move || {
            let mut buffer = [0; 5];
            kind(fill(&mut &stream, &mut buffer))
        });
    expect_eq(
        result,
        Err(io::ErrorKind::UnexpectedEof),
        "fill() of 5 bytes from a peer that sends 3 and closes",
        WHOLE_READS,
    );
}

#[test]
fn fill_passes_other_errors_on() {
    let (result, buffer) =
        deadline::within(deadline::DEFAULT, "fill()", WHOLE_READS, || {
            let mut reader = Reset::new(Cursor::new(b"0123".to_vec()));
            let mut buffer = [0; 4];
            (kind(fill(&mut reader, &mut buffer)), buffer)
        });
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionReset),
        "fill() from a reader whose first read fails with ConnectionReset \
         (only Interrupted means read again; return any other error)",
        WHOLE_READS,
    );
    expect_bytes(&buffer, &[0; 4], "the buffer fill() filled", WHOLE_READS);
}

// ---------------------------------------------------------------- 4.2 send_all

#[test]
fn send_all_finishes_what_short_writes_leave() {
    let sent = b"a message longer than one write takes";
    let (result, writer) =
        deadline::within(deadline::DEFAULT, "send_all()", WHOLE_WRITES, || {
            let mut writer = Stingy::default();
            (kind(send_all(&mut writer, sent)), writer)
        });
    expect_eq(
        result,
        Ok(()),
        "send_all() to a writer that takes 3 bytes a call and is often interrupted",
        WHOLE_WRITES,
    );
    expect_bytes(&writer.taken, sent, "what the writer took", WHOLE_WRITES);
}

#[test]
fn send_all_reports_a_writer_that_takes_nothing() {
    let what = "send_all() to a writer that takes 2 bytes, then returns Ok(0) (without an \
                Ok(0) check, send_all() asks it again and again, forever)";
    let (result, writer) =
        deadline::within(deadline::DEFAULT, what, WHOLE_WRITES, || {
            let mut writer = Full::default();
            (kind(send_all(&mut writer, b"12345")), writer)
        });
    expect_eq(
        result,
        Err(io::ErrorKind::WriteZero),
        "send_all() to a writer that takes 2 bytes, then returns Ok(0)",
        WHOLE_WRITES,
    );
    expect_bytes(&writer.taken, b"12", "what the writer took", WHOLE_WRITES);
}

#[test]
fn send_all_passes_other_errors_on() {
    let (result, writer) =
        deadline::within(deadline::DEFAULT, "send_all()", WHOLE_WRITES, || {
            let mut writer = BrokenPipe::default();
            (kind(send_all(&mut writer, b"12345")), writer)
        });
    expect_eq(
        result,
        Err(io::ErrorKind::BrokenPipe),
        "send_all() to a writer whose first write fails with BrokenPipe \
         (only Interrupted means write again; return any other error)",
        WHOLE_WRITES,
    );
    expect_bytes(&writer.taken, b"", "what the writer took", WHOLE_WRITES);
}

// ---------------------------------------------------------------- 4.3 lines

/// The messages, each followed by `\n`, as the test writes them.
fn lines_on_the_wire() -> Vec<u8> {
    MESSAGES.iter().flat_map(|m| [*m, b"\n"].concat()).collect()
}

/// What loses messages in `Lines`, said when a check finds some missing.
const LINES_LOST: &str = "the rest of a read was not kept: the bytes \
                          after a delimiter are\nthe start of the next \
                          message, for the next call to return";

/// Every message `Lines` gives, until it says the stream has ended, from a peer
/// that writes the messages cut as `cut`.
fn all_lines(cut: Cut, read: Section) -> Vec<String> {
    let stream = peers::sends(&lines_on_the_wire(), cut);
    deadline::within(deadline::DEFAULT, "Lines::next_line()", read, move || {
        let mut lines = Lines::new(stream, 1024);
        reads::read_all(
            "Lines::next_line()",
            cut.peer(),
            read,
            || lines.next_line(),
            |message| String::from_utf8_lossy(message).into_owned(),
        )
    })
}

// ANCHOR: lines_test
#[test]
fn lines_from_one_byte_writes() {
    expect_messages(
        &all_lines(Cut::OneByteWrites, DELIMITER),
        &messages(),
        "the messages next_line() read from a peer that sends one byte per \
         write",
        LINES_LOST,
        DELIMITER,
    );
}

#[test]
fn lines_from_one_merged_write() {
    expect_messages(
        &all_lines(Cut::OneWrite, DELIMITER),
        &messages(),
        "the messages next_line() read from a peer that sends them all in one \
         write",
        LINES_LOST,
        DELIMITER,
    );
}
// ANCHOR_END: lines_test

#[test]
fn lines_end_inside_a_message_is_unexpected_eof() {
    let (first, second) = deadline::within(
        deadline::DEFAULT,
        "Lines::next_line()",
        DELIMITER,
        || {
            let mut lines =
                Lines::new(Cursor::new(b"complete\nincompl".to_vec()), 1024);
            (outcome(lines.next_line()), outcome(lines.next_line()))
        },
    );
    expect_eq(
        first,
        Ok(Some("complete".into())),
        "the first message of \"complete\\nincompl\"",
        DELIMITER,
    );
    expect_eq(
        second,
        Err(io::ErrorKind::UnexpectedEof),
        "next_line() when the stream ends inside a message",
        DELIMITER,
    );
}

#[test]
fn lines_longer_than_the_limit_are_refused() {
    let mut wire = [b'x'; 16].to_vec();
    wire.push(b'\n');
    wire.extend([b'y'; 17]);
    wire.push(b'\n');
    let (exact, over, endless) = deadline::within(
        deadline::DEFAULT,
        "Lines::next_line()",
        DELIMITER,
        || {
            let mut lines = Lines::new(Cursor::new(wire), 16);
            let exact = outcome(lines.next_line());
            let over = outcome(lines.next_line());
            // A peer that never sends a delimiter must not make the reader
            // buffer without end.
            let endless = Cursor::new(vec![b'z'; 1 << 20]);
            (exact, over, outcome(Lines::new(endless, 1024).next_line()))
        },
    );
    expect_eq(
        exact,
        Ok(Some("x".repeat(16))),
        "next_line() of a message exactly as long as the limit (16)",
        DELIMITER,
    );
    expect_eq(
        over,
        Err(io::ErrorKind::InvalidData),
        "next_line() of a message one byte over the limit",
        DELIMITER,
    );
    expect_eq(
        endless,
        Err(io::ErrorKind::InvalidData),
        "next_line() with limit 1024 of 1 MiB without a delimiter",
        DELIMITER,
    );
}

#[test]
fn lines_ask_again_after_an_interrupted_read() {
    let lines = deadline::within(
        deadline::DEFAULT,
        "Lines::next_line()",
        DELIMITER,
        || {
            let reader = Interrupting::new(Cursor::new(lines_on_the_wire()));
            let mut lines = Lines::new(reader, 1024);
            let mut read = Vec::new();
            loop {
                match outcome(lines.next_line()) {
                    Ok(Some(line)) => read.push(line),
                    Ok(None) => return Ok(read),
                    Err(kind) => return Err((read, kind)),
                }
            }
        },
    );
    expect_eq(
        lines,
        Ok(messages()),
        "the messages next_line() read from a reader interrupted before every \
         other read (Interrupted means read again)",
        DELIMITER,
    );
}

#[test]
fn lines_pass_other_errors_on() {
    let result = deadline::within(
        deadline::DEFAULT,
        "Lines::next_line()",
        DELIMITER,
        || {
            let reader = Reset::new(Cursor::new(b"hello\n".to_vec()));
            outcome(Lines::new(reader, 1024).next_line())
        },
    );
    expect_eq(
        result,
        Err(io::ErrorKind::ConnectionReset),
        "next_line() from a reader whose first read fails with \
         ConnectionReset (only Interrupted means read again; return any other \
         error)",
        DELIMITER,
    );
}

#[test]
fn lines_wait_for_the_delimiter_of_a_message_as_long_as_the_limit() {
    // The reader hands out 16 bytes, then the delimiter: for one moment the
    // buffer holds exactly the limit, and no delimiter yet.
    let mut wire = [b'x'; 16].to_vec();
    wire.push(b'\n');
    let result = deadline::within(
        deadline::DEFAULT,
        "Lines::next_line()",
        DELIMITER,
        move || {
            let reader = Pieces::new(Cursor::new(wire), 16);
            outcome(Lines::new(reader, 16).next_line())
        },
    );
    expect_eq(
        result,
        Ok(Some("x".repeat(16))),
        "next_line() with limit 16 of 16 bytes, then the delimiter in a read \
         of its own (a buffer of exactly the limit is not too long yet: \
         only more than max_len is)",
        DELIMITER,
    );
}

#[test]
fn write_line_ends_each_message_with_the_delimiter() {
    let mut wire = Vec::new();
    for message in MESSAGES {
        expect_ok(
            write_line(&mut wire, message),
            &format!("write_line() of {}", text(message)),
            "the message and its \\n written",
            DELIMITER,
        );
    }
    expect_bytes(
        &wire,
        &lines_on_the_wire(),
        "the bytes write_line() wrote",
        DELIMITER,
    );
}

#[test]
fn write_line_sends_message_and_delimiter_in_one_write() {
    let mut writer = Recorder::default();
    expect_ok(
        write_line(&mut writer, b"hello"),
        "write_line() of \"hello\"",
        "the message and its \\n written",
        DELIMITER,
    );
    expect_eq(
        writer.texts(),
        vec!["hello\n".to_string()],
        "the write calls write_line(\"hello\") made: one, with the message and its \\n \
         (two writes may leave as two packets)",
        DELIMITER,
    );
}

#[test]
fn write_line_refuses_a_delimiter_inside() {
    let mut wire = Vec::new();
    expect_eq(
        kind(write_line(&mut wire, b"two\nlines")),
        Err(io::ErrorKind::InvalidInput),
        "write_line() of a message with a \\n inside",
        DELIMITER,
    );
    expect_bytes(
        &wire,
        b"",
        "what write_line() wrote before refusing",
        DELIMITER,
    );
}
