//! The helpers for non-blocking and async code (features `mio` and `tokio`): their
//! deadlines fail with the usual message, and a stopped server leaves nothing running.

use std::future::pending;
use std::io::{ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use support::background::Background;
use support::tokio::{Served, Shutdown, within_async};
use support::{Book, Section, deadline, expect_eq};

const CH08: Book = Book::page("ch08-async-tokio.md");
const SECTION: Section = CH08.section("8.1 A task per connection");
const SHORT: Duration = Duration::from_millis(50);

/// Runs `check` and returns the message it failed with.
fn failure_of(check: impl FnOnce()) -> String {
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(panic::AssertUnwindSafe(check));
    panic::set_hook(hook);
    let payload = result.expect_err("the check was expected to fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("a panic message")
}

/// Nothing listens on `addr` any more: the port was given back.
fn is_closed(addr: SocketAddr) -> bool {
    match std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
        Err(e) => e.kind() == ErrorKind::ConnectionRefused,
        Ok(_) => false,
    }
}

#[test]
fn an_async_test_past_its_deadline_fails_with_the_message_of_within() {
    let message = failure_of(|| {
        support::tokio::run(SHORT, "read one line", SECTION, pending::<()>());
    });
    let blocking = failure_of(|| {
        deadline::within(SHORT, "read one line", SECTION, || {
            std::thread::sleep(Duration::from_secs(2))
        });
    });
    assert_eq!(message, blocking, "one message for both kinds of deadline");
    insta::assert_snapshot!(message);
}

#[test]
fn an_async_body_that_blocks_its_thread_still_fails_in_time() {
    let message = failure_of(|| {
        support::tokio::run(SHORT, "read one line", SECTION, async {
            std::thread::sleep(Duration::from_secs(3));
        });
    });
    // The async timer cannot fire on a blocked thread; the thread deadline does.
    assert!(message.contains("check failed: read one line"), "{message}");
    assert!(message.contains("to finish within 1.05s"), "{message}");
}

/// Sets its flag when dropped: shows a future was cancelled, not left running.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn within_async_cancels_the_future_at_its_deadline() {
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    let message = failure_of(move || {
        support::tokio::runtime().block_on(within_async(SHORT, "a reply", SECTION, async {
            let _guard = guard;
            pending::<()>().await;
        }));
    });
    assert!(message.contains("check failed: a reply"), "{message}");
    assert!(
        dropped.load(Ordering::SeqCst),
        "the timed-out future was dropped"
    );
}

#[test]
fn run_gives_back_what_the_body_returned() {
    let value = support::tokio::run(deadline::DEFAULT, "add", SECTION, async { 2 + 2 });
    expect_eq(value, 4, "what run() returned", SECTION);
}

/// An echo server in the style chapter 8 teaches: a task per connection, a shutdown
/// signal in `select!`, and on shutdown it waits for its connection tasks.
async fn echo_server(listener: tokio::net::TcpListener, shutdown: Shutdown) -> usize {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tasks = tokio::task::JoinSet::new();
    let mut accepted = 0;
    loop {
        tokio::select! {
            () = shutdown.clone().wait() => break,
            Ok((mut stream, _)) = listener.accept() => {
                accepted += 1;
                let shutdown = shutdown.clone();
                tasks.spawn(async move {
                    let mut buffer = [0; 64];
                    loop {
                        tokio::select! {
                            () = shutdown.clone().wait() => break,
                            read = stream.read(&mut buffer) => match read {
                                Ok(0) | Err(_) => break,
                                Ok(n) => {
                                    if stream.write_all(&buffer[..n]).await.is_err() {
                                        break;
                                    }
                                }
                            },
                        }
                    }
                });
            }
        }
    }
    tasks.join_all().await;
    accepted
}

#[test]
fn a_tokio_server_in_the_background_serves_and_stops_leaving_nothing() {
    let (server, addr) = support::tokio::serve_on_loopback("echo_server()", SECTION, echo_server);
    let mut client = support::net::connect(addr).expect("connect to the background server");
    client.write_all(b"hello").unwrap();
    let mut echoed = [0; 5];
    client.read_exact(&mut echoed).expect("the echo");
    expect_eq(&echoed, b"hello", "the echo", SECTION);

    // The client stays connected: the shutdown must end its task too.
    let Served { output, tasks_left } = server.stop();
    expect_eq(output, 1, "connections the server accepted", SECTION);
    expect_eq(
        tasks_left,
        0,
        "tasks alive after the server returned",
        SECTION,
    );
    assert!(is_closed(addr), "the listening port is given back");
}

#[test]
fn a_tokio_server_that_leaves_a_task_behind_is_counted() {
    let (server, _addr) = support::tokio::serve_on_loopback(
        "a server that forgets a task",
        SECTION,
        |_listener, shutdown| async move {
            tokio::spawn(pending::<()>());
            shutdown.await;
        },
    );
    let served = server.stop();
    expect_eq(
        served.tasks_left,
        1,
        "tasks alive after it returned",
        SECTION,
    );
}

#[test]
fn a_tokio_server_that_ignores_the_shutdown_fails_the_test() {
    let (server, _addr) =
        support::tokio::serve_on_loopback("serve()", SECTION, |_listener, _shutdown| {
            pending::<()>()
        });
    let message = failure_of(move || {
        server.stop();
    });
    insta::assert_snapshot!(message);
}

#[test]
fn an_unsolved_server_passes_on_its_todo_message() {
    let (server, _addr) = support::tokio::serve_on_loopback("serve()", SECTION, |_, _| async {
        todo!("accept connections until the shutdown signal")
    });
    let message = failure_of(move || {
        server.stop();
    });
    assert_eq!(
        message,
        "not yet implemented: accept connections until the shutdown signal"
    );
}

/// A one-thread mio echo loop in the style chapter 7 teaches, stopping when asked.
fn mio_echo(mut listener: mio::net::TcpListener, stop: support::mio::Stop) -> usize {
    use mio::{Events, Interest, Poll, Token};
    const LISTENER: Token = Token(0);
    let mut poll = Poll::new().unwrap();
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .unwrap();
    let mut events = Events::with_capacity(16);
    let mut clients = Vec::new();
    let mut accepted = 0;
    while !stop.requested() {
        poll.poll(&mut events, None).unwrap();
        for event in &events {
            if event.token() == LISTENER {
                while let Ok((mut stream, _)) = listener.accept() {
                    accepted += 1;
                    let token = Token(accepted);
                    poll.registry()
                        .register(&mut stream, token, Interest::READABLE)
                        .unwrap();
                    clients.push(stream);
                }
            } else {
                let stream = &mut clients[event.token().0 - 1];
                let mut buffer = [0; 64];
                while let Ok(n @ 1..) = stream.read(&mut buffer) {
                    stream.write_all(&buffer[..n]).unwrap();
                }
            }
        }
    }
    accepted
}

#[test]
fn a_mio_loop_in_the_background_serves_and_stops_leaving_nothing() {
    let (server, addr) = support::mio::serve_on_loopback("mio_echo()", SECTION, mio_echo);
    let mut client = support::net::connect(addr).expect("connect to the event loop");
    client.write_all(b"hi").unwrap();
    let mut echoed = [0; 2];
    client.read_exact(&mut echoed).expect("the echo");
    expect_eq(&echoed, b"hi", "the echo", SECTION);
    let accepted = server.stop();
    // The client, and the connection that woke the loop up to see the stop.
    assert!((1..=2).contains(&accepted), "accepted {accepted}");
    assert!(is_closed(addr), "the listening port is given back");
}

#[test]
fn a_dropped_guard_stops_its_server_too() {
    let stopped = Arc::new(AtomicBool::new(false));
    let (asked, seen) = (stopped.clone(), stopped.clone());
    let server = Background::start(
        "a polling loop",
        SECTION,
        move || {
            while !seen.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
        },
        move || asked.store(true, Ordering::SeqCst),
    );
    assert!(!server.has_ended());
    drop(server);
    // The closure and everything it held are gone: its thread has ended.
    expect_eq(
        Arc::strong_count(&stopped),
        1,
        "owners of the flag",
        SECTION,
    );
}
