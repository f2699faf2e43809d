//! The load itself: C connections, each sending a message and waiting for
//! its echo before the next (a closed loop), for a while or for a number of
//! messages; then messages per second and the latency of the round trips,
//! as percentiles.

// Shared by several programs, each using only part of it.
#![allow(dead_code)]

use std::io;
use std::time::{Duration, Instant};

use crate::client::{Client, Target};

/// What to send, how, and for how long.
#[derive(Clone, Debug)]
pub struct Plan {
    pub connections: usize,
    pub size: usize,
    pub until: Until,
}

/// When a run ends.
#[derive(Clone, Copy, Debug)]
pub enum Until {
    /// Round trips during `warmup` are not counted (connections warm up,
    /// the allocator and the caches settle); then `measure` is counted.
    Time { warmup: Duration, measure: Duration },
    /// Each connection makes this many round trips, all counted.
    Count(usize),
}

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Report {
    /// Round trips completed within the measured time.
    pub messages: usize,
    /// Round trips completed in the whole run, warm-up included.
    pub total: usize,
    pub seconds: f64,
    /// Round-trip times, sorted, shortest first.
    latencies: Vec<Duration>,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.messages as f64 / self.seconds
    }

    /// The latency under which `percent` of the round trips completed.
    pub fn percentile(&self, percent: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (percent / 100.0 * self.latencies.len() as f64).ceil();
        let index = (rank as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[index]
    }
}

/// When one connection's round trips count, and when it stops.
#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    end: Option<Instant>,
    count: Option<usize>,
}

/// Opens every connection first, then runs them all at once on the
/// current runtime, and closes them politely at the end.
pub async fn run(target: &Target, plan: &Plan) -> io::Result<Report> {
    let payload: Vec<u8> =
        (0..plan.size).map(|i| b"websocket "[i % 10]).collect();
    let mut clients = Vec::with_capacity(plan.connections);
    for _ in 0..plan.connections {
        clients.push(Client::connect(target).await?);
    }
    let now = Instant::now();
    let window = match plan.until {
        Until::Time { warmup, measure } => Window {
            start: now + warmup,
            end: Some(now + warmup + measure),
            count: None,
        },
        Until::Count(count) => Window {
            start: now,
            end: None,
            count: Some(count),
        },
    };
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| tokio::spawn(drive(client, payload.clone(), window)))
        .collect();
    let (mut latencies, mut total) = (Vec::new(), 0);
    for task in tasks {
        let (mut times, all) = task.await.map_err(io::Error::other)??;
        latencies.append(&mut times);
        total += all;
    }
    let seconds = match window.end {
        Some(end) => (end - window.start).as_secs_f64(),
        None => window.start.elapsed().as_secs_f64(),
    };
    latencies.sort_unstable();
    Ok(Report {
        messages: latencies.len(),
        total,
        seconds,
        latencies,
    })
}

/// One connection's closed loop: the round trips that started after
/// `window.start` and ended by `window.end` are counted; returns their
/// times, and how many round trips were made in all.
async fn drive(
    mut client: Client,
    payload: Vec<u8>,
    window: Window,
) -> io::Result<(Vec<Duration>, usize)> {
    let (mut times, mut total) = (Vec::new(), 0);
    loop {
        let sent = Instant::now();
        let done_counting = window.count.is_some_and(|n| times.len() >= n);
        if done_counting || window.end.is_some_and(|end| sent >= end) {
            break;
        }
        client.round_trip(&payload).await?;
        total += 1;
        let done = Instant::now();
        if sent >= window.start && window.end.is_none_or(|end| done <= end) {
            times.push(done - sent);
        }
    }
    client.close().await?;
    Ok((times, total))
}
