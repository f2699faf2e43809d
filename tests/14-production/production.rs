//! Chapter 14: Production. The checks, in the order of the book's sections.

use chapter_14::answer;
use support::{Book, Section, expect_eq};

const BOOK: Book = Book::page("ch14-production.md");
const FIRST_EXERCISE: Section = BOOK.section("14.1 A first exercise");

#[test]
fn answer_is_42() {
    expect_eq(answer(), 42, "answer()", FIRST_EXERCISE);
}
