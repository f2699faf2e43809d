//! The relay: how the chat servers of several processes share rooms through
//! Redis pub/sub. Each server subscribes to the channel of every room it has
//! members in (`chat:<room>`), and publishes what its own members say there.
//! Redis forwards each message to every subscriber, this server included, so
//! a message carries the id of the server that sent it, and a server skips
//! its own (its members heard it already, without a round trip).
//!
//! Pub/sub is at most once: Redis keeps nothing for a subscriber that is not
//! connected. While the link is down the relay drops what its members say
//! (they still hear each other), and misses what other servers say.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use tokio::sync::watch;

use crate::rooms::{RelayInbox, Rooms, Said};

/// The prefix of every room's channel, so chat traffic has a namespace.
pub const CHANNEL_PREFIX: &str = "chat:";

/// How long to wait before linking again after Redis went away: the first
/// wait, and the most it grows to by doubling.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub most: Duration,
}

impl Backoff {
    // ANCHOR: after
    /// How long to wait after `failed` attempts in a row: `first`, then
    /// twice as long after each failure, never more than `most`.
    pub fn after(&self, failed: u32) -> Duration {
        // BEGIN SOLUTION: first * 2^failed, saturating, at most `most`
        self.first
            .saturating_mul(1 << failed.min(16))
            .min(self.most)
        // END SOLUTION
    }
    // ANCHOR_END: after
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(100),
            most: Duration::from_secs(5),
        }
    }
}

/// What the relay is doing, for a test or a health check to watch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// Not linked yet, or Redis went away; `attempts` failed in a row.
    Down { attempts: u32 },
    /// Linked, and subscribed to the channels of these rooms.
    Up { rooms: Vec<String> },
}

// ANCHOR: envelope
/// A message as it travels through Redis: the sending server's id as 16 hex
/// digits, then the text. The room is the channel's name.
pub fn encode(server: u64, text: &str) -> Vec<u8> {
    // BEGIN SOLUTION: the server id in 16 hex digits, then the text
    let mut payload = format!("{server:016x}").into_bytes();
    payload.extend_from_slice(text.as_bytes());
    payload
    // END SOLUTION
}

/// Reads a payload back: `None` for anything [`encode`] did not make (some
/// other program may publish on the channel; the relay must not trust it).
pub fn decode(payload: &[u8]) -> Option<(u64, &str)> {
    // BEGIN SOLUTION: split after 16 bytes; a hex id, UTF-8 text
    if payload.len() < 16 {
        return None;
    }
    let (id, text) = payload.split_at(16);
    let id = std::str::from_utf8(id).ok()?;
    if !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let server = u64::from_str_radix(id, 16).ok()?;
    Some((server, std::str::from_utf8(text).ok()?))
    // END SOLUTION
}
// ANCHOR_END: envelope

// ANCHOR: run
/// Links `rooms` to the other servers through Redis at `client`, for as long
/// as `rooms` exists; when Redis goes away it links again, waiting longer
/// after each failed attempt. `link` tells who watches how it goes.
pub async fn run(
    client: redis::Client,
    server: u64,
    rooms: Rooms,
    mut inbox: RelayInbox,
    backoff: Backoff,
    link: watch::Sender<Link>,
) {
    let mut attempts = 0;
    loop {
        link.send_replace(Link::Down { attempts });
        // BEGIN SOLUTION: link_once, then back off (dropping inbox.said)
        let linked = link_once(&client, server, &rooms, &mut inbox, &link);
        if let Err(error) = linked.await {
            eprintln!("relay: Redis link lost: {error}");
        }
        if inbox.said.is_closed() {
            return;
        }
        // A link that was up starts the backoff again from the first wait.
        if matches!(*link.borrow(), Link::Up { .. }) {
            attempts = 0;
        }
        let sleep = tokio::time::sleep(backoff.after(attempts));
        attempts += 1;
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => break,
                // What members say while Redis is away stays on this server.
                said = inbox.said.recv() => if said.is_none() { return },
            }
        }
        // END SOLUTION
    }
}
// ANCHOR_END: run

// ANCHOR: link_once
/// One link to Redis, until it breaks: subscribe to every room's channel,
/// then forward both ways. Returns only with the error that ended it.
async fn link_once(
    client: &redis::Client,
    server: u64,
    rooms: &Rooms,
    inbox: &mut RelayInbox,
    link: &watch::Sender<Link>,
) -> redis::RedisResult<()> {
    // Subscribing takes a connection of its own: a subscribed connection
    // may only (un)subscribe and ping (RESP2), so publishing needs another.
    let (mut subscriptions, mut messages) =
        client.get_async_pubsub().await?.split();
    let mut publisher = client.get_multiplexed_async_connection().await?;
    // Rooms made while the link was down are in `names`, and maybe also in
    // `new_rooms`: subscribing twice is harmless.
    let mut subscribed = Vec::new();
    for room in rooms.names() {
        subscriptions.subscribe(channel(&room)).await?;
        subscribed.push(room.to_string());
    }
    // The relay was reset: the messages waiting in the inbox were said
    // while Redis was away (or before the first link): drop them.
    while inbox.said.try_recv().is_ok() {}
    subscribed.sort();
    link.send_replace(Link::Up {
        rooms: subscribed.clone(),
    });
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    return Err(gone());
                };
                let room = message.get_channel_name();
                let Some(room) = room.strip_prefix(CHANNEL_PREFIX) else {
                    continue;
                };
                // BEGIN SOLUTION: skip our own; deliver the rest
                match decode(message.get_payload_bytes()) {
                    Some((from, _)) if from == server => {}
                    Some((_, text)) => rooms.deliver(Said {
                        room: room.into(),
                        text: text.into(),
                    }),
                    None => eprintln!("relay: not a chat message on {room}"),
                }
                // END SOLUTION
            }
            said = inbox.said.recv() => {
                let Some(said) = said else { return Ok(()) };
                // BEGIN SOLUTION: publish on the room's channel
                let payload = encode(server, &said.text);
                let _: usize =
                    publisher.publish(channel(&said.room), payload).await?;
                // END SOLUTION
            }
            room = inbox.new_rooms.recv() => {
                let Some(room) = room else { return Ok(()) };
                subscriptions.subscribe(channel(&room)).await?;
                subscribed.push(room.to_string());
                subscribed.sort();
                subscribed.dedup();
                link.send_replace(Link::Up {
                    rooms: subscribed.clone(),
                });
            }
        }
    }
}
// ANCHOR_END: link_once

/// The Redis channel of a room.
pub fn channel(room: &str) -> String {
    format!("{CHANNEL_PREFIX}{room}")
}

fn gone() -> redis::RedisError {
    let closed = std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "Redis closed the subscription",
    );
    redis::RedisError::from(closed)
}

/// A new server id, random so that two processes never share one.
pub fn server_id() -> u64 {
    let mut bytes = [0; 8];
    getrandom::fill(&mut bytes).expect("the OS's random numbers");
    u64::from_le_bytes(bytes)
}

/// A relay for `rooms`, started on the current runtime; watch the returned
/// receiver to learn when it is linked.
pub fn spawn(
    client: redis::Client,
    rooms: Rooms,
    inbox: RelayInbox,
    backoff: Backoff,
) -> watch::Receiver<Link> {
    let (link, watching) = watch::channel(Link::Down { attempts: 0 });
    tokio::spawn(run(client, server_id(), rooms, inbox, backoff, link));
    watching
}

/// An `Arc<str>` is what rooms share; tests want a `String`.
pub fn text(said: &Said) -> String {
    Arc::clone(&said.text).to_string()
}
