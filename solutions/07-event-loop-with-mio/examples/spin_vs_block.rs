//! What waiting costs: the CPU time a thread uses while it waits one second for
//! a byte, three ways.
//!
//! ```console
//! $ cargo run --release -p solution-7 --example spin-vs-block
//! ```
//!
//! A peer thread sends one byte a second after the waiting starts. The
//! waiting thread either blocks in `poll` (the kernel wakes it when the
//! byte comes), spins on a non-blocking `read` that says `WouldBlock`
//! again and again, or sleeps a millisecond between reads. CPU time comes
//! from `/proc/thread-self/schedstat` (Linux).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

/// How long the peer makes the waiting thread wait.
const WAIT: Duration = Duration::from_secs(1);

/// Nanoseconds this thread has spent on a CPU, if the system says.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// A connected pair; the peer end sends one byte after [`WAIT`].
fn pair_with_late_byte() -> TcpStream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, _) = listener.accept().unwrap();
    thread::spawn(move || {
        thread::sleep(WAIT);
        peer.write_all(b"!").unwrap();
        thread::sleep(Duration::from_millis(100)); // keep it open while read
    });
    stream.set_nonblocking(true).unwrap();
    stream
}

/// Waits for the byte with `poll`: the thread sleeps in the kernel
/// until it comes.
fn blocked_in_poll(stream: TcpStream) -> u64 {
    let mut stream = mio::net::TcpStream::from_std(stream);
    let mut poll = Poll::new().unwrap();
    poll.registry()
        .register(&mut stream, Token(0), Interest::READABLE)
        .unwrap();
    let mut events = Events::with_capacity(8);
    let mut calls = 0;
    loop {
        calls += 1;
        poll.poll(&mut events, None).unwrap();
        if stream.read(&mut [0; 1]).is_ok() {
            return calls;
        }
    }
}

/// Waits for the byte by asking again at once after each `WouldBlock`.
fn spinning(mut stream: TcpStream) -> u64 {
    let mut calls = 0;
    loop {
        calls += 1;
        match stream.read(&mut [0; 1]) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
            _ => return calls,
        }
    }
}

/// Waits for the byte by asking again a millisecond after each `WouldBlock`.
fn sleeping_1ms(mut stream: TcpStream) -> u64 {
    let mut calls = 0;
    loop {
        calls += 1;
        match stream.read(&mut [0; 1]) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(1));
            }
            _ => return calls,
        }
    }
}

fn main() {
    println!(
        "Waiting {WAIT:?} for one byte, three ways (one thread each, in turn):"
    );
    println!();
    println!(
        "{:<24} {:>8} {:>11} {:>7} {:>9}",
        "way", "wall", "CPU", "CPU %", "calls"
    );
    type Way = fn(TcpStream) -> u64;
    let ways: [(&str, Way); 3] = [
        ("blocked in poll", blocked_in_poll),
        ("sleeping 1 ms, retrying", sleeping_1ms),
        ("spinning on WouldBlock", spinning),
    ];
    for (name, way) in ways {
        let stream = pair_with_late_byte();
        let (wall, cpu, calls) = thread::spawn(move || {
            let (start, cpu_start) = (Instant::now(), cpu_time());
            let calls = way(stream);
            let cpu = cpu_time().zip(cpu_start).map(|(end, start)| end - start);
            (start.elapsed(), cpu, calls)
        })
        .join()
        .unwrap();
        let (cpu, share) = match cpu {
            Some(cpu) => (
                format!("{:.2} ms", cpu.as_secs_f64() * 1000.0),
                format!(
                    "{:.1}",
                    100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
                ),
            ),
            None => ("n/a".into(), "n/a".into()),
        };
        let wall = format!("{:.3} s", wall.as_secs_f64());
        println!("{name:<24} {wall:>8} {cpu:>11} {share:>7} {calls:>9}");
    }
    println!();
    println!(
        "calls: poll() calls for the first way, read() calls for the others."
    );
    // The spinning thread gets less than a whole core when others want one too.
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("n/a").to_string();
    println!("machine: {cores} cores, load average {load} (1 min)");
}
