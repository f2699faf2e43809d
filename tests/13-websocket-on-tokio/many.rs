//! Chapter 13: many connections at once, every message accounted for.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::time::Duration;

use chapter_13::{Config, Message, code, connect};
use peers::*;
use support::report::Failure;
use support::tokio::run;
use support::{Book, Section, expect_eq};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const MANY: Section = BOOK.section("13.8 Many connections at once");

const CLIENTS: usize = 500;
const MESSAGES: usize = 10;

/// Each connection takes a descriptor at both ends, both in this process.
fn raise_open_file_limit(needed: u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= needed {
        return;
    }
    let hard = limit.maximum.unwrap_or(u64::MAX);
    let raised = rustix::process::Rlimit {
        current: Some(needed.min(hard)),
        maximum: limit.maximum,
    };
    if setrlimit(Resource::Nofile, raised).is_err() || hard < needed {
        Failure {
            what: "the limit on open files (ulimit -n), raised for this test"
                .into(),
            expected: format!("at least {needed}"),
            found: format!("a hard limit of {hard}: raise it (ulimit -Hn)"),
            read: MANY,
        }
        .fail();
    }
}

#[test]
fn five_hundred_clients_echo_at_once() {
    raise_open_file_limit((2 * CLIENTS + 100) as u64);
    let (server, addr) = echo_server(Config::default(), MANY);
    let what = "500 clients, 10 messages each, all at once";
    let tallies = run(Duration::from_secs(60), what, MANY, async move {
        let clients = (0..CLIENTS).map(|client| {
            tokio::spawn(async move {
                let url = format!("ws://{addr}/");
                let mut socket = connect(&url, &Config::default()).await?;
                let mut echoed = 0;
                for i in 0..MESSAGES {
                    let text = format!("client {client} message {i}");
                    socket.send(text.clone()).await?;
                    if socket.receive().await? == Some(Message::Text(text)) {
                        echoed += 1;
                    }
                }
                socket.close(code::NORMAL, "").await?;
                Ok::<_, chapter_13::Error>(echoed)
            })
        });
        let mut tallies = (0, 0, Vec::new());
        for client in clients.collect::<Vec<_>>() {
            match client.await {
                Ok(Ok(echoed)) => {
                    tallies.0 += 1;
                    tallies.1 += echoed;
                }
                Ok(Err(error)) => tallies.2.push(error.to_string()),
                Err(panic) => tallies.2.push(panic.to_string()),
            }
        }
        tallies.2.truncate(3);
        tallies
    });
    expect_eq(
        tallies,
        (CLIENTS, CLIENTS * MESSAGES, Vec::new()),
        "(clients done, messages echoed, first errors)",
        MANY,
    );
    server.stop();
}
