//! The experiment's client: opens many connections, holds them, and measures.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::timeout;

/// What the client does.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How many connections to open and hold.
    pub connections: usize,
    /// How long one connect may take before that connection counts as not
    /// opened.
    pub connect_within: Duration,
    /// How many connects are under way at once.
    pub in_flight: usize,
    /// How long a connection may take to answer its first message.
    pub answer_within: Duration,
    /// How many of the held connections measure round trips, spread evenly over
    /// them.
    pub sample: usize,
    /// How many round trips, one after the other, each sampled connection
    /// makes.
    pub round_trips: usize,
}

impl Plan {
    /// The experiment's plan for `connections`: answers within 1 s, 50 sampled
    /// connections of 20 round trips each.
    pub fn for_connections(connections: usize) -> Plan {
        Plan {
            connections,
            connect_within: Duration::from_secs(1),
            in_flight: 1000,
            answer_within: Duration::from_secs(1),
            sample: 50,
            round_trips: 20,
        }
    }
}

/// What the client measured.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Connections the client managed to open.
    pub opened: usize,
    /// Open connections whose first message came back within `answer_within`.
    pub answered: usize,
    /// The round trips of the sampled connections that came back, in order of
    /// size.
    pub round_trips: Vec<Duration>,
    /// Sampled round trips that did not come back within `answer_within`.
    pub unanswered_trips: usize,
}

impl Figures {
    /// The `p`-th percentile round trip (0 < p <= 100) over every sampled round
    /// trip, or `None` when it falls among the ones that never came back.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        let all = self.round_trips.len() + self.unanswered_trips;
        if all == 0 {
            return None;
        }
        let rank = ((p / 100.0 * all as f64).ceil() as usize).clamp(1, all);
        self.round_trips.get(rank - 1).copied()
    }
}

/// Every message is this long: a number, padded, and a newline.
const MESSAGE: usize = 16;

fn message(connection: usize, trip: usize) -> [u8; MESSAGE] {
    let text = format!("{connection:>9}.{trip:>5}\n");
    text.as_bytes().try_into().expect("a message is 16 bytes")
}

/// Sends one message and waits for it to come back. Echoes of earlier messages
/// that came back late are skipped.
async fn round_trip(
    stream: &mut TcpStream,
    sent: [u8; MESSAGE],
) -> io::Result<()> {
    stream.write_all(&sent).await?;
    let mut back = [0; MESSAGE];
    loop {
        stream.read_exact(&mut back).await?;
        if back == sent {
            return Ok(());
        }
    }
}

// ANCHOR: hold_and_measure
/// Opens `plan.connections` connections to an echo server at `addr` and holds
/// them; sends one message on each and counts the answers; measures round trips
/// on a sample while the others stay open; calls `while_held` (to look at the
/// server); then closes them all. Runs a tokio runtime on the calling thread.
pub fn hold_and_measure(
    addr: SocketAddr,
    plan: &Plan,
    while_held: impl FnOnce(),
) -> io::Result<Figures> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let streams = open(addr, plan).await;
        let mut figures = Figures {
            opened: streams.len(),
            ..Figures::default()
        };
        let (streams, answered) = first_answers(streams, plan).await;
        figures.answered = answered;
        let held = sample(streams, plan, &mut figures).await;
        while_held();
        // Every connection closes here, after the server has been looked at.
        drop(held);
        Ok(figures)
    })
}
// ANCHOR_END: hold_and_measure

/// Opens the connections, `plan.in_flight` at a time.
async fn open(addr: SocketAddr, plan: &Plan) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(plan.connections);
    let mut opening = JoinSet::new();
    let mut started = 0;
    while started < plan.connections || !opening.is_empty() {
        while started < plan.connections && opening.len() < plan.in_flight {
            opening
                .spawn(timeout(plan.connect_within, TcpStream::connect(addr)));
            started += 1;
        }
        if let Some(Ok(Ok(Ok(stream)))) = opening.join_next().await {
            streams.push(stream);
        }
    }
    streams
}

/// Sends one message on every connection at once; counts those answered in
/// time.
async fn first_answers(
    streams: Vec<TcpStream>,
    plan: &Plan,
) -> (Vec<TcpStream>, usize) {
    let mut asking = JoinSet::new();
    for (index, mut stream) in streams.into_iter().enumerate() {
        let limit = plan.answer_within;
        asking.spawn(async move {
            let sent = message(index, 0);
            let answered = timeout(limit, round_trip(&mut stream, sent)).await;
            (index, stream, matches!(answered, Ok(Ok(()))))
        });
    }
    let mut results = Vec::new();
    while let Some(joined) = asking.join_next().await {
        results.extend(joined.ok());
    }
    results.sort_by_key(|(index, _, _)| *index);
    let answered = results.iter().filter(|(_, _, ok)| *ok).count();
    let streams = results.into_iter().map(|(_, s, _)| s).collect();
    (streams, answered)
}

/// Round trips on `plan.sample` connections spread over all, all sampled at
/// once, while the others stay open. Gives every connection back.
async fn sample(
    streams: Vec<TcpStream>,
    plan: &Plan,
    figures: &mut Figures,
) -> Vec<TcpStream> {
    let count = plan.sample.min(streams.len());
    let step = (streams.len() / count.max(1)).max(1);
    let (trips, limit) = (plan.round_trips, plan.answer_within);
    let mut kept = Vec::with_capacity(streams.len());
    let mut measuring = JoinSet::new();
    let mut sampled = 0;
    for (index, mut stream) in streams.into_iter().enumerate() {
        if index % step != 0 || sampled == count {
            kept.push(stream);
            continue;
        }
        sampled += 1;
        measuring.spawn(async move {
            let mut times = Vec::with_capacity(trips);
            for trip in 1..=trips {
                let started = Instant::now();
                let sent = message(index, trip);
                match timeout(limit, round_trip(&mut stream, sent)).await {
                    Ok(Ok(())) => times.push(started.elapsed()),
                    // One that does not come back ends this connection's
                    // sample.
                    _ => break,
                }
            }
            let missing = trips - times.len();
            (stream, times, missing)
        });
    }
    while let Some(joined) = measuring.join_next().await {
        if let Ok((stream, times, missing)) = joined {
            kept.push(stream);
            figures.round_trips.extend(times);
            figures.unanswered_trips += missing;
        }
    }
    figures.round_trips.sort();
    kept
}
