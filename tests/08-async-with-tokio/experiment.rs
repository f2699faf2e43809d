//! Checks for the experiment of chapter 8: the worker pool (exercise 8.7), and that
//! every model serves the echo protocol. Run them with `cargo test -p chapter-8`.
//!
//! These tests check what each model does, never how fast: the figures are measured
//! and printed by `cargo run --release -p solution-8 --example experiment`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chapter_8::experiment::{self, Model, Plan, hold_and_measure, pool, pool_size};
use support::background::Background;
use support::{Book, Section, deadline, expect_eq, expect_ok};

const BOOK: Book = Book::page("ch08-async-with-tokio.md");
const POOL: Section = BOOK.section("8.7 A pool of 2 × cores + 1 workers");
/// The tokio model is the reader's 8.1 `echo::serve`.
const TASKS: Section = BOOK.section("8.1 A task per connection");

/// The section that writes `model`: the pool is 8.7, the tokio model 8.1,
/// the other two are given (read about them where the pool is).
fn section_of(model: Model) -> Section {
    match model {
        Model::Tokio => TASKS,
        _ => POOL,
    }
}

/// A server on a loopback port, stopped when this value is dropped: the stop
/// flag is set and the server's thread joined (see `support::background`).
struct Serving {
    addr: SocketAddr,
    _server: Background<()>,
}

fn serving(what: &str, run: impl FnOnce(TcpListener, Arc<AtomicBool>) + Send + 'static) -> Serving {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test listener");
    let addr = listener.local_addr().expect("the listener's address");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let ask = move || stop.store(true, Ordering::Relaxed);
    let server = Background::start(what, POOL, move || run(listener, flag), ask);
    Serving {
        addr,
        _server: server,
    }
}

fn client(addr: SocketAddr, patience: Duration) -> TcpStream {
    let stream = expect_ok(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)),
        "connecting to the server",
        "a connection (did the server start?)",
        POOL,
    );
    stream.set_read_timeout(Some(patience)).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    stream
}

/// Sends `message` and reads its echo; `None` if nothing came back in time.
fn echoed(stream: &mut TcpStream, message: &str) -> Option<String> {
    stream.write_all(message.as_bytes()).ok()?;
    let mut back = vec![0; message.len()];
    stream.read_exact(&mut back).ok()?;
    Some(String::from_utf8_lossy(&back).into_owned())
}

#[test]
fn pool_serves_only_as_many_clients_as_it_has_workers() {
    let workers = 3;
    let server = serving("pool", move |listener, stop| {
        let _ = pool(listener, workers, stop);
    });
    let patience = Duration::from_millis(700);
    let mut clients: Vec<TcpStream> = (0..workers + 2)
        .map(|_| client(server.addr, patience))
        .collect();
    // Everyone is connected: the kernel completes connections a worker has not taken.
    let answered = deadline::within(
        Duration::from_secs(10),
        "echo on 5 clients",
        POOL,
        move || {
            let mut answered = 0;
            for (i, stream) in clients.iter_mut().enumerate() {
                if echoed(stream, &format!("client {i}")).is_some() {
                    answered += 1;
                }
            }
            (answered, clients)
        },
    );
    expect_eq(
        answered.0,
        workers,
        "clients of a pool of 3 workers answered (5 clients connected, none has left)",
        POOL,
    );
    // When a served client leaves, its worker takes the next client from the queue.
    let mut clients = answered.1;
    let first_waiting = clients.remove(workers);
    drop(clients.remove(0));
    let mut waiting = first_waiting;
    waiting
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut back = vec![0; "client 3".len()];
    let late = waiting
        .read_exact(&mut back)
        .map(|()| String::from_utf8_lossy(&back).into_owned());
    expect_eq(
        late.map_err(|e| e.kind()),
        Ok("client 3".to_string()),
        "the late echo for the 4th client once the 1st has left",
        POOL,
    );
}

#[test]
fn every_model_echoes_every_client() {
    for model in Model::ALL {
        let server = serving(model.name(), move |listener, stop| {
            let _ = experiment::serve(model, listener, stop);
        });
        // Fewer clients than the pool has workers, so that every model answers all.
        let count = pool_size() - 1;
        let patience = Duration::from_secs(2);
        let mut clients: Vec<TcpStream> =
            (0..count).map(|_| client(server.addr, patience)).collect();
        let heard = deadline::within(
            Duration::from_secs(10),
            "echo on every model",
            section_of(model),
            move || {
                clients
                    .iter_mut()
                    .enumerate()
                    .map(|(i, stream)| echoed(stream, &format!("{} {i}", model.name())))
                    .collect::<Vec<_>>()
            },
        );
        let expected: Vec<_> = (0..count)
            .map(|i| Some(format!("{} {i}", model.name())))
            .collect();
        expect_eq(
            heard,
            expected,
            &format!(
                "the echoes of {count} clients of the {} model",
                model.name()
            ),
            section_of(model),
        );
    }
}

/// A quick plan: answers within half a second, a small sample.
fn quick_plan(connections: usize) -> Plan {
    Plan {
        connections,
        connect_within: Duration::from_secs(1),
        in_flight: 50,
        answer_within: Duration::from_millis(500),
        sample: 4,
        round_trips: 3,
    }
}

#[test]
fn the_experiment_counts_only_the_pools_workers_as_answered() {
    let server = serving("the pool model", |listener, stop| {
        let _ = experiment::serve(Model::Pool, listener, stop);
    });
    let connections = pool_size() + 3;
    let addr = server.addr;
    let figures = deadline::within(
        Duration::from_secs(10),
        "hold_and_measure on the pool",
        POOL,
        move || hold_and_measure(addr, &quick_plan(connections), || {}),
    );
    let figures = expect_ok(figures, "hold_and_measure on the pool", "figures", POOL);
    expect_eq(
        (figures.opened, figures.answered),
        (connections, pool_size()),
        "(opened, answered) for pool_size() + 3 connections held on the pool",
        POOL,
    );
}

#[test]
fn the_experiment_counts_every_tokio_connection_as_answered() {
    let server = serving("the tokio model", |listener, stop| {
        let _ = experiment::serve(Model::Tokio, listener, stop);
    });
    let connections = 60;
    let addr = server.addr;
    let figures = deadline::within(
        Duration::from_secs(10),
        "hold_and_measure on tokio",
        TASKS,
        move || hold_and_measure(addr, &quick_plan(connections), || {}),
    );
    let figures = expect_ok(figures, "hold_and_measure on tokio", "figures", TASKS);
    expect_eq(
        (
            figures.opened,
            figures.answered,
            figures.round_trips.len(),
            figures.unanswered_trips,
        ),
        (connections, connections, 4 * 3, 0),
        "(opened, answered, round trips, unanswered) for 60 connections on \
         tokio, which runs your echo::serve",
        TASKS,
    );
}
