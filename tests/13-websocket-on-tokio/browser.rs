//! Chapter 13: the chat page in a real browser, headless Chromium.
//! Run them with `cargo test -p chapter-13`.
//!
//! The chat example serves its page and the WebSocket on one port; the
//! test runs that server, joins the room with our own client, and has
//! Chromium load the page with `?say=hello`. The page sends `hello`; our
//! client answers; the browser writes every message it gets into the DOM,
//! which Chromium prints when it is done.

#[path = "../../solutions/13-websocket-on-tokio/examples/chat/server.rs"]
mod chat;
mod peers;

use std::sync::mpsc;
use std::time::Duration;

use chapter_13::{Config, Message, code, connect};
use peers::SOON;
use support::browser::{Options, chromium_or_skip};
use support::tokio::{run, serve_on_loopback};
use support::{Book, Section, expect_eq, expect_that};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const BROWSER: Section = BOOK.section("13.9 A chat in the browser");

#[test]
fn a_browser_and_our_client_chat_through_the_server() {
    let Some(chromium) = chromium_or_skip("the chat page in Chromium") else {
        return;
    };
    let (server, addr) = serve_on_loopback(
        "the chat server",
        BROWSER,
        |listener, shutdown| async move {
            tokio::select! {
                _ = chat::serve(listener) => {}
                () = shutdown.wait() => {}
            }
        },
    );
    // Our client joins first, then answers the browser's first message.
    let (joined, has_joined) = mpsc::channel();
    let client = std::thread::spawn(move || {
        let what = "our client in the chat room";
        run(Duration::from_secs(30), what, BROWSER, async move {
            let url = format!("ws://{addr}/ws");
            let mut socket = connect(&url, &Config::default()).await?;
            let _ = joined.send(());
            let heard = socket.receive().await?;
            socket.send("hello, browser").await?;
            // Our own answer comes back to us too: then it went out.
            let _ = socket.receive().await?;
            socket.close(code::NORMAL, "").await?;
            Ok::<_, chapter_13::Error>(heard)
        })
    });
    let _ = has_joined.recv_timeout(SOON);
    let options = Options {
        virtual_time: Duration::from_secs(10),
        ..Options::default()
    };
    let dom = chromium.dump_dom(&format!("http://{addr}/?say=hello"), &options);
    let heard = client.join().map_err(|_| "our client panicked".to_string());
    server.stop();
    let dom =
        dom.unwrap_or_else(|error| panic!("Chromium gave no page: {error}"));
    expect_eq(
        heard.and_then(|heard| heard.map_err(|e| e.to_string())),
        Ok(Some(Message::from("hello"))),
        "what our client heard from the browser",
        BROWSER,
    );
    let answer = r#"<li class="message">hello, browser</li>"#;
    expect_that(
        dom.contains(answer),
        "the page's DOM after the chat",
        answer,
        dom,
        BROWSER,
    );
}
