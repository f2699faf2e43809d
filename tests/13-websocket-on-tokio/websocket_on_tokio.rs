//! Chapter 13: A WebSocket server and client on tokio. The checks, in the order of the book's sections.

use chapter_13::answer;
use support::{Book, Section, expect_eq};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const FIRST_EXERCISE: Section = BOOK.section("13.1 A first exercise");

#[test]
fn answer_is_42() {
    expect_eq(answer(), 42, "answer()", FIRST_EXERCISE);
}
