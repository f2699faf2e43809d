//! Checks for chapter 9, section 9.4: reading a head that arrives in pieces,
//! within limits. Run them with `cargo test -p chapter-9`.
//!
//! Everything here is sans-I/O, so the tests feed bytes and compare values and
//! bytes: no sockets, no deadlines needed. Expected values are written out by
//! hand or built from the test's own model, never by another exercise.

mod browsers;

use std::fmt::{self, Write as _};

use chapter_9::{
    HeadError, Header, Headers, Limits, Progress, Request, RequestReader,
    Version,
};
use proptest::prelude::*;
use support::hex::hex_bytes;
use support::report::Failure;
use support::{
    Book, Section, check_that, expect_bytes, expect_eq, expect_ok, expect_that,
};

const BOOK: Book = Book::page("ch09-http-requests.md");
const IN_PIECES: Section = BOOK.section("9.4 Reading a head in pieces");

/// Bytes as text with `\r`, `\n` and other non-printing bytes escaped, for
/// tables.
fn shown(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// A head as a person reads it: one line per field, values quoted so spaces
/// show.
fn render(request: &Request) -> String {
    let mut out = String::new();
    writeln!(out, "method:  {}", request.method).unwrap();
    writeln!(out, "target:  {}", request.target).unwrap();
    writeln!(out, "version: {:?}", request.version).unwrap();
    writeln!(out, "headers: {}", request.headers.len()).unwrap();
    for header in request.headers.iter() {
        let name = format!("{}:", header.name);
        let value = format!("{:?}", header.value);
        writeln!(out, "  {name:<26}{}", wrapped(&value, 28)).unwrap();
    }
    out
}

/// `text` broken at spaces into lines that end by column 80, each line after
/// the first indented by `indent`: snapshots the book shows fit its column.
fn wrapped(text: &str, indent: usize) -> String {
    let mut out = String::new();
    let mut column = indent;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 && column + 1 + word.len() > 80 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
        } else if i > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += word.len();
    }
    out
}

/// Feeds `pieces` one after another to a fresh reader, as successive reads
/// would. Returns the request and how many bytes of the last piece it took, or
/// the error.
fn read_pieces<'a>(
    pieces: impl IntoIterator<Item = &'a [u8]>,
    limits: Limits,
) -> Result<Option<(Request, usize)>, HeadError> {
    let mut reader = RequestReader::new(limits);
    for piece in pieces {
        if let Progress::Done { request, consumed } = reader.feed(piece)? {
            return Ok(Some((request, consumed)));
        }
    }
    Ok(None)
}

/// What one `feed()` returned, in one short line: for `Done`, its `consumed`
/// and the request line, not the whole request (its Debug runs to a thousand
/// characters).
fn brief(progress: &Result<Progress, HeadError>) -> String {
    match progress {
        Ok(Progress::NeedMore) => "Ok(NeedMore)".to_string(),
        Ok(Progress::Done { request, consumed }) => format!(
            "Ok(Done {{ consumed: {consumed}, request: {} {}, {:?}, {} headers }})",
            request.method,
            request.target,
            request.version,
            request.headers.len()
        ),
        Err(error) => format!("Err({error:?}): {error}"),
    }
}

/// The whole of `bytes` in one read.
fn read_all(
    bytes: &[u8],
    limits: Limits,
) -> Result<Option<(Request, usize)>, HeadError> {
    read_pieces([bytes], limits)
}

/// The request read from a browser's whole head in one piece, and the bytes
/// consumed: anything but `Done` fails the test, saying what the reader
/// returned instead.
fn read_whole_head(bytes: &[u8], browser: &str) -> (Request, usize) {
    let what = format!("feed() of {browser}'s whole request in one piece");
    let expected = "Done with the parsed request";
    match expect_ok(
        read_all(bytes, Limits::default()),
        &what,
        expected,
        IN_PIECES,
    ) {
        Some(done) => done,
        None => Failure {
            what,
            expected: format!("Ok: {expected}"),
            found: "Ok: NeedMore, after the last byte of the head".to_string(),
            read: IN_PIECES,
        }
        .fail(),
    }
}

// ---------------------------------------------------------------- 9.4 Reading a head in pieces

#[test]
fn reader_parses_a_chrome_upgrade_request() {
    let bytes = browsers::head(browsers::CHROME);
    let (request, consumed) = read_whole_head(&bytes, "Chrome");
    expect_eq(
        consumed,
        bytes.len(),
        "bytes consumed of Chrome's request",
        IN_PIECES,
    );
    support::assert_snapshot!(IN_PIECES, render(&request));
}

#[test]
fn reader_parses_a_firefox_upgrade_request() {
    let bytes = browsers::head(browsers::FIREFOX);
    let (request, _) = read_whole_head(&bytes, "Firefox");
    support::assert_snapshot!(IN_PIECES, render(&request));
}

#[test]
fn reader_needs_more_until_the_last_byte_of_the_head() {
    let bytes = browsers::head(browsers::CHROME);
    let mut reader = RequestReader::new(Limits::default());
    let mut held_before_last = 0;
    for (index, byte) in bytes.iter().enumerate() {
        let last = index == bytes.len() - 1;
        if last {
            held_before_last = reader.buffered();
        }
        let progress = reader.feed(std::slice::from_ref(byte));
        let ok = match &progress {
            Ok(Progress::NeedMore) => !last,
            Ok(Progress::Done { consumed, .. }) => last && *consumed == 1,
            Err(_) => false,
        };
        expect_that(
            ok,
            &format!(
                "feeding Chrome's request one byte at a time: byte {index} of {}",
                bytes.len()
            ),
            if last {
                "Done with consumed: 1 at the last byte"
            } else {
                "NeedMore before the last byte"
            },
            brief(&progress),
            IN_PIECES,
        );
    }
    expect_eq(
        held_before_last,
        bytes.len() - 1,
        "buffered() before the last byte: every byte of the head so far",
        IN_PIECES,
    );
}

// ANCHOR: leftover_test
#[test]
fn reader_leaves_the_bytes_after_the_head_to_the_caller() {
    let head = browsers::head(browsers::FIREFOX);
    // An eager client may send its first WebSocket frame right behind the head,
    // and one IN_PIECES can return both.
    let frame = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let (first, second) = head.split_at(100);
    let mut second = second.to_vec();
    second.extend_from_slice(&frame);

    let mut reader = RequestReader::new(Limits::default());
    expect_eq(
        reader.feed(first),
        Ok(Progress::NeedMore),
        "feed() of the first 100 bytes of the head",
        IN_PIECES,
    );
    match reader.feed(&second) {
        Ok(Progress::Done { consumed, .. }) => {
            expect_that(
                consumed <= second.len(),
                "consumed of the read that ended the head",
                &format!("at most the {} bytes of that read", second.len()),
                consumed,
                IN_PIECES,
            );
            expect_bytes(
                &second[consumed..],
                &frame,
                "the bytes after `consumed` in the read that ended the head",
                IN_PIECES,
            );
        }
        other => expect_that(
            false,
            "feed() of the rest of the head and a frame",
            "Done",
            brief(&other),
            IN_PIECES,
        ),
    }
}
// ANCHOR_END: leftover_test

#[test]
fn reader_reports_a_bad_line_as_soon_as_it_ends() {
    let mut reader = RequestReader::new(Limits::default());
    expect_eq(
        reader.feed(b"GET /chat HTTP/1.1\r\nHost localhost\r\n"),
        Err(HeadError::MissingColon { line: 2 }),
        "feed() of a request line and a header without a colon, the head not ended yet",
        IN_PIECES,
    );
}

#[test]
fn reader_skips_empty_lines_before_the_request_line() {
    let mut bytes = b"\r\n\r\n".to_vec();
    bytes.extend_from_slice(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    let found = read_all(&bytes, Limits::default()).map(|done| {
        done.map(|(request, consumed)| {
            (request.method, request.headers.len(), consumed)
        })
    });
    expect_eq(
        found,
        Ok(Some(("GET".to_string(), 1, bytes.len()))),
        "(method, headers, consumed) of a request after two empty lines",
        IN_PIECES,
    );
}

#[test]
fn reader_is_ready_for_the_next_head_after_done() {
    let mut reader = RequestReader::new(Limits::default());
    let first = reader.feed(b"GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
    expect_that(
        matches!(first, Ok(Progress::Done { .. })),
        "feed() of a first whole head",
        "Done",
        brief(&first),
        IN_PIECES,
    );
    let second = reader.feed(b"GET /two HTTP/1.1\r\n\r\n");
    let target = match &second {
        Ok(Progress::Done { request, .. }) => Some(request.target.as_str()),
        _ => None,
    };
    expect_eq(
        target,
        Some("/two"),
        "the target of a second head fed to the same reader",
        IN_PIECES,
    );
}

// ANCHOR: limits_test
#[test]
fn reader_refuses_a_head_past_the_byte_limit() {
    let limits = Limits {
        max_head_bytes: 64,
        max_headers: 100,
    };
    // Exactly 64 bytes is allowed...
    let mut exact = b"GET / HTTP/1.1\r\nX-Fill: ".to_vec();
    exact.resize(60, b'a');
    exact.extend_from_slice(b"\r\n\r\n");
    let found =
        read_all(&exact, limits).map(|done| done.map(|(_, consumed)| consumed));
    expect_eq(
        found,
        Ok(Some(64)),
        "a head of exactly max_head_bytes",
        IN_PIECES,
    );
    // ...also when more bytes (frames, say) come behind it in the same read:
    // they are not the head's, so they do not count against its limit.
    let mut with_frames = exact.clone();
    with_frames.resize(exact.len() + 1000, 0x82);
    let found = read_all(&with_frames, limits)
        .map(|done| done.map(|(_, consumed)| consumed));
    expect_eq(
        found,
        Ok(Some(64)),
        "a head of exactly max_head_bytes and 1000 bytes after it, in one read",
        IN_PIECES,
    );

    // ...one byte more is not, and the reader stops holding bytes at the limit,
    // however many arrive in one IN_PIECES.
    let mut reader = RequestReader::new(limits);
    let mut endless = b"GET / HTTP/1.1\r\nX-Fill: ".to_vec();
    endless.resize(10_000, b'a');
    expect_eq(
        reader.feed(&endless),
        Err(HeadError::HeadTooLarge { limit: 64 }),
        "feed() of 10 000 bytes with no end of head, limit 64",
        IN_PIECES,
    );
    expect_that(
        reader.buffered() <= 64,
        "bytes held after refusing a head too large",
        "at most max_head_bytes (64)",
        reader.buffered(),
        IN_PIECES,
    );
}
// ANCHOR_END: limits_test

#[test]
fn reader_refuses_more_headers_than_the_limit() {
    let limits = Limits {
        max_head_bytes: 8192,
        max_headers: 3,
    };
    let three = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let found =
        read_all(three, limits).map(|done| done.map(|(r, _)| r.headers.len()));
    expect_eq(
        found,
        Ok(Some(3)),
        "headers of a head with 3, limit 3",
        IN_PIECES,
    );
    let four = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    expect_eq(
        read_all(four, limits).map(|_| ()),
        Err(HeadError::TooManyHeaders { limit: 3 }),
        "a head with 4 headers, limit 3",
        IN_PIECES,
    );
}

/// One head for each error the reader can give, fed in one piece.
#[test]
fn reader_names_every_error() {
    let limits = Limits {
        max_head_bytes: 128,
        max_headers: 3,
    };
    let mut too_large = b"GET / HTTP/1.1\r\nCookie: ".to_vec();
    too_large.resize(200, b'x');
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("two spaces", b"GET  /chat HTTP/1.1\r\n\r\n".to_vec()),
        ("method not a token", b"G@T /chat HTTP/1.1\r\n\r\n".to_vec()),
        (
            "target with DEL",
            b"GET /ch\x7fat HTTP/1.1\r\n\r\n".to_vec(),
        ),
        ("HTTP/2.0", b"GET /chat HTTP/2.0\r\n\r\n".to_vec()),
        (
            "LF without CR",
            b"GET /chat HTTP/1.1\r\nHost: a\n\r\n".to_vec(),
        ),
        (
            "folded value",
            b"GET /chat HTTP/1.1\r\nHost: a\r\n  b\r\n\r\n".to_vec(),
        ),
        ("no colon", b"GET /chat HTTP/1.1\r\nHost a\r\n\r\n".to_vec()),
        (
            "space before colon",
            b"GET /chat HTTP/1.1\r\nHost : a\r\n\r\n".to_vec(),
        ),
        (
            "name not a token",
            b"GET /chat HTTP/1.1\r\nHo(st): a\r\n\r\n".to_vec(),
        ),
        (
            "NUL in a value",
            b"GET /chat HTTP/1.1\r\nHost: a\x00b\r\n\r\n".to_vec(),
        ),
        (
            "4 headers, limit 3",
            b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n".to_vec(),
        ),
        ("200 bytes, limit 128", too_large),
    ];
    let mut table = String::new();
    for (what, bytes) in &cases {
        match read_all(bytes, limits) {
            Err(error) => {
                let said = wrapped(&error.to_string(), 2);
                writeln!(table, "{what}\n  {error:?}\n  {said}").unwrap()
            }
            Ok(other) => {
                writeln!(table, "{what}\n  not refused: {other:?}").unwrap()
            }
        }
    }
    support::assert_snapshot!(IN_PIECES, table);
}

/// Generated bytes, shown as escaped text when proptest prints a failing input
/// (not as a column of decimal numbers, one a line).
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", shown(&self.0))
    }
}

/// Generated bytes that may run to thousands, shown short when proptest prints
/// a failing input: see [`sampled`].
#[derive(Clone)]
struct LongBytes(Vec<u8>);

impl fmt::Debug for LongBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sampled(&self.0))
    }
}

/// Bytes as their length and hex, only the first and last 8 when there are more
/// than 16: `300 bytes: 47 45 54 20 2f 20 48 54 .. 61 61 61 61 61 61 61 61`.
fn sampled(bytes: &[u8]) -> String {
    const END: usize = 8;
    let count = match bytes.len() {
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    };
    if bytes.len() <= 2 * END {
        return format!("{count}: {}", hex_bytes(bytes));
    }
    format!(
        "{count}: {} .. {}",
        hex_bytes(&bytes[..END]),
        hex_bytes(&bytes[bytes.len() - END..])
    )
}

/// A valid head and the request it must parse to, built by the test's own
/// model.
fn valid_head() -> impl Strategy<Value = (Bytes, Request)> {
    let method = "[A-Z]{1,7}";
    let target = "/[a-z0-9/?=&%.-]{0,24}";
    let name = "[A-Za-z][A-Za-z0-9-]{0,15}";
    // Visible characters at both ends, so the value is what is left after
    // trimming.
    let value = "([!-~]([ -~]{0,30}[!-~])?)?";
    let padding = prop::sample::select(vec!["", " ", "  ", "\t", " \t "]);
    let field = (name, padding.clone(), value, padding);
    (method, target, prop::collection::vec(field, 0..12)).prop_map(
        |(method, target, fields)| {
            let mut bytes = format!("{method} {target} HTTP/1.1\r\n");
            let mut headers = Headers::new();
            for (name, before, value, after) in fields {
                bytes.push_str(&format!("{name}:{before}{value}{after}\r\n"));
                headers.push(Header::new(&name, &value));
            }
            bytes.push_str("\r\n");
            let request = Request {
                method,
                target,
                version: Version::Http11,
                headers,
            };
            (Bytes(bytes.into_bytes()), request)
        },
    )
}

/// `bytes` cut at the given points (taken modulo its length) into pieces.
fn cut(bytes: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    points.iter_mut().for_each(|p| *p %= bytes.len() + 1);
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
}

/// What the reader made of the pieces, for a failure message: the request as a
/// person reads it and the bytes it consumed, or the error.
fn outcome(result: &Result<Option<(Request, usize)>, HeadError>) -> String {
    match result {
        Ok(Some((request, consumed))) => {
            format!("Done, {consumed} bytes consumed\n{}", render(request))
        }
        Ok(None) => "NeedMore after the last piece".to_string(),
        Err(error) => format!("Err({error:?}): {error}"),
    }
}

// The property tests return an error instead of panicking
// (`check_that(..).map_err(TestCaseError::fail)?`): proptest then shrinks a
// failing case quietly and prints one message, for the smallest input it found.

proptest! {
    // Failures are shown, not saved: the tests must not write files into the
    // workbook.
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        // Shrinking a failing input of 2 KiB down to the bytes that matter
        // takes a few thousand steps (each well under a millisecond), more than
        // the default 800.
        max_shrink_iters: 20_000,
        ..ProptestConfig::default()
    })]

    // ANCHOR: split_property
    #[test]
    fn any_split_of_a_head_parses_to_the_same_request(
        (head, expected) in valid_head(),
        after in prop::collection::vec(any::<u8>(), 0..32).prop_map(Bytes),
        points in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        support::print_each_panic_once();
        let (head, after) = (head.0, after.0);
        let mut bytes = head.clone();
        bytes.extend_from_slice(&after);
        let pieces = cut(&bytes, points);
        let mut reader = RequestReader::new(Limits::default());
        let mut fed = 0;
        let mut found = Ok(None);
        for piece in &pieces {
            match reader.feed(piece) {
                Ok(Progress::NeedMore) => fed += piece.len(),
                Ok(Progress::Done { request, consumed }) => {
                    found = Ok(Some((request, fed + consumed)));
                    break;
                }
                Err(error) => {
                    found = Err(error);
                    break;
                }
            }
        }
        let expected = Ok(Some((expected, head.len())));
        let quoted: Vec<String> =
            pieces.iter().map(|p| format!("\"{}\"", shown(p))).collect();
        let what = format!(
            "feed() of a valid head and {} bytes after it, in the pieces {}",
            after.len(),
            quoted.join(" ")
        );
        check_that(
            found == expected,
            &what,
            &outcome(&expected),
            outcome(&found),
            IN_PIECES,
        )
        .map_err(TestCaseError::fail)?;
    }
    // ANCHOR_END: split_property

    #[test]
    fn arbitrary_bytes_never_panic_or_outgrow_the_limit(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            "[A-Za-z0-9 :/\t\r\n]{0,1024}".prop_map(String::into_bytes),
            "(GET / HTTP/1.1\r\n)?([A-Za-z]{1,5}:[ a-z]{0,20}\r?\n){0,40}(\r\n)?".prop_map(String::into_bytes),
        ].prop_map(LongBytes),
        piece in 1usize..64,
    ) {
        support::print_each_panic_once();
        let bytes = bytes.0;
        let limits = Limits { max_head_bytes: 256, max_headers: 8 };
        let mut reader = RequestReader::new(limits);
        let mut fed = 0;
        for chunk in bytes.chunks(piece) {
            let progress = reader.feed(chunk);
            fed += chunk.len();
            check_that(
                reader.buffered() <= limits.max_head_bytes,
                &format!("buffered() after feeding {fed} bytes in pieces of {piece}, limit 256"),
                "at most 256 bytes",
                format!("{} bytes, after feeding {}", reader.buffered(), sampled(&bytes[..fed])),
                IN_PIECES,
            )
            .map_err(TestCaseError::fail)?;
            if let Ok(Progress::Done { consumed, .. }) = progress {
                check_that(
                    consumed <= chunk.len(),
                    &format!("consumed of Done after feeding {fed} bytes in pieces of {piece}"),
                    &format!("at most the {} bytes of the last piece", chunk.len()),
                    format!("{consumed}, after feeding {}", sampled(&bytes[..fed])),
                    IN_PIECES,
                )
                .map_err(TestCaseError::fail)?;
            }
            if !matches!(progress, Ok(Progress::NeedMore)) {
                break;
            }
        }
    }
}
