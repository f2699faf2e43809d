//! Chapter 14: chat rooms shared by several server processes through Redis
//! pub/sub. Two servers here are two `Rooms`, each with its own relay and its
//! own connections to a real redis-server, as two processes would have.

mod redis_server;
mod serving;

use std::time::Duration;

use chapter_14::relay::{self, Backoff, Link};
use chapter_14::rooms::{Rooms, Said};
use support::tokio::{run, within_async};
use support::{Book, Section, deadline, expect_eq, expect_that};
use tokio::sync::{broadcast, watch};

const BOOK: Book = Book::page("ch14-production.md");
const FAN_OUT: Section = BOOK.section("14.5 More than one process: rooms through Redis");
const REDIS_AWAY: Section = BOOK.section("14.6 When Redis goes away");

/// Short waits, so a test that kills Redis links again within a second.
const QUICK: Backoff = Backoff {
    first: Duration::from_millis(20),
    most: Duration::from_millis(200),
};
/// Long enough for a message that should not come to have come.
const QUIET: Duration = Duration::from_millis(300);

#[test]
fn a_payload_names_its_server_then_carries_the_text() {
    let payload = relay::encode(0x1234, "héllo");
    expect_eq(
        payload.as_slice(),
        "0000000000001234héllo".as_bytes(),
        "encode(0x1234, \"héllo\")",
        FAN_OUT,
    );
    expect_eq(
        relay::decode(&payload),
        Some((0x1234, "héllo")),
        "decode(encode(0x1234, \"héllo\"))",
        FAN_OUT,
    );
    expect_eq(
        relay::decode(&relay::encode(u64::MAX, "")),
        Some((u64::MAX, "")),
        "decode(encode(u64::MAX, \"\"))",
        FAN_OUT,
    );
}

#[test]
fn the_wait_doubles_after_each_failure_up_to_the_most() {
    let backoff = Backoff {
        first: Duration::from_millis(100),
        most: Duration::from_secs(5),
    };
    let cases = [
        (0, "100 ms"),
        (1, "200 ms"),
        (2, "400 ms"),
        (5, "3.2 s"),
        (6, "5 s (the cap)"),
        (40, "5 s (the cap)"),
        (u32::MAX, "5 s (the cap)"),
    ];
    for (failed, expected) in cases {
        // An overflow is a panic in a debug build: report it as a result.
        let wait = std::panic::catch_unwind(|| backoff.after(failed));
        let found = match &wait {
            Ok(wait) => shown(*wait),
            Err(panic) => format!("a panic: {}", panic_message(panic.as_ref())),
        };
        let expected_wait = match failed {
            0..=5 => backoff.first * (1 << failed),
            _ => backoff.most,
        };
        expect_that(
            wait.as_ref().is_ok_and(|wait| *wait == expected_wait),
            &format!("Backoff {{ first: 100 ms, most: 5 s }}.after({failed})"),
            expected,
            found,
            REDIS_AWAY,
        );
    }
}

/// A wait as the expectations above write it.
fn shown(wait: Duration) -> String {
    match wait.as_millis() {
        ms if ms < 1000 => format!("{ms} ms"),
        ms => format!("{} s", ms as f64 / 1000.0),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(text), _) => text.to_string(),
        (_, Some(text)) => text.clone(),
        _ => "(not a text)".to_string(),
    }
}

/// The most attempts to link a relay with the [`QUICK`] backoff makes in
/// `outage`: one, then one after each wait, plus two for timing slack.
fn most_attempts_in(outage: Duration) -> u32 {
    let (mut waited, mut failed) = (Duration::ZERO, 0);
    while waited <= outage {
        waited += QUICK
            .first
            .saturating_mul(1 << failed.min(16))
            .min(QUICK.most);
        failed += 1;
    }
    failed + 2
}

#[test]
fn payloads_that_some_other_program_published_are_refused() {
    let foreign: [&[u8]; 6] = [
        b"",
        b"hello",
        b"000000000000123",
        b"zz00000000001234hello",
        // u64::from_str_radix takes a sign: not a hex digit.
        b"+000000000001234hello",
        b"0000000000001234\xff\xfe",
    ];
    for payload in foreign {
        let shown = String::from_utf8_lossy(payload).into_owned();
        expect_eq(
            relay::decode(payload),
            None,
            &format!("decode({shown:?})"),
            FAN_OUT,
        );
    }
}

/// One server process: its rooms and the relay linking them to Redis.
struct Server {
    rooms: Rooms,
    link: watch::Receiver<Link>,
}

fn server(url: &str) -> Server {
    let client = redis::Client::open(url).expect("a Redis URL");
    let (rooms, inbox) = Rooms::new();
    let link = relay::spawn(client, rooms.clone(), inbox, QUICK);
    Server { rooms, link }
}

impl Server {
    /// Waits until the relay is linked and subscribed to `room`.
    async fn linked(&mut self, name: &str, room: &str, read: Section) {
        let what = format!("server {name}'s relay: linked and subscribed to {room:?}");
        let up = self.link.wait_for(|link| match link {
            Link::Up { rooms } => rooms.iter().any(|r| r == room),
            Link::Down { .. } => false,
        });
        within_async(deadline::DEFAULT, &what, read, up)
            .await
            .expect("the relay ended");
    }

    /// Waits until the relay has failed to link again `failed` times in a
    /// row: it saw Redis go away, and keeps trying, counting its attempts.
    async fn unlinked(&mut self, name: &str, failed: u32, read: Section) {
        let what = format!(
            "server {name}'s relay: Link::Down {{ attempts: {failed} or more }} \
             (it saw Redis go away and retries, counting)"
        );
        let down = self
            .link
            .wait_for(|link| matches!(link, Link::Down { attempts } if *attempts >= failed));
        within_async(deadline::DEFAULT, &what, read, down)
            .await
            .expect("the relay ended");
    }

    fn say(&self, room: &str, text: &str) {
        self.rooms.say(Said {
            room: room.into(),
            text: text.into(),
        });
    }
}

async fn hears(member: &mut broadcast::Receiver<Said>, who: &str, read: Section) -> String {
    let what = format!("{who} to hear the next message");
    let said = within_async(deadline::DEFAULT, &what, read, member.recv()).await;
    relay::text(&said.expect("the room is open and the member keeps up"))
}

async fn hears_nothing(member: &mut broadcast::Receiver<Said>, who: &str, read: Section) {
    let said = tokio::time::timeout(QUIET, member.recv()).await;
    let found = match &said {
        Ok(Ok(said)) => format!("it heard {:?}", said.text),
        Ok(Err(error)) => format!("its room failed: {error}"),
        Err(_) => "nothing".to_string(),
    };
    expect_that(
        said.is_err(),
        &format!("what {who} hears"),
        "nothing",
        found,
        read,
    );
}

#[test]
fn a_message_said_on_server_a_reaches_a_member_on_server_b() {
    let Some(redis) = redis_server::start() else {
        return;
    };
    let url = redis.url();
    run(
        deadline::DEFAULT * 2,
        "two servers sharing a room",
        FAN_OUT,
        async move {
            let (mut a, mut b) = (server(&url), server(&url));
            let mut alice = a.rooms.join("lobby");
            let mut bob = b.rooms.join("lobby");
            a.linked("A", "lobby", FAN_OUT).await;
            b.linked("B", "lobby", FAN_OUT).await;

            a.say("lobby", "hello from A");
            expect_eq(
                hears(&mut bob, "bob on B", FAN_OUT).await,
                "hello from A".into(),
                "what bob (on server B) hears after alice (on A) spoke",
                FAN_OUT,
            );
            b.say("lobby", "hello from B");
            expect_eq(
                hears(&mut alice, "alice on A", FAN_OUT).await,
                "hello from A".into(),
                "what alice hears first: her own message, delivered on her server",
                FAN_OUT,
            );
            expect_eq(
                hears(&mut alice, "alice on A", FAN_OUT).await,
                "hello from B".into(),
                "what alice hears next: bob's, through Redis, and her own not a second time",
                FAN_OUT,
            );
        },
    );
    drop(redis);
}

#[test]
fn a_room_on_one_server_only_does_not_hear_other_rooms() {
    let Some(redis) = redis_server::start() else {
        return;
    };
    let url = redis.url();
    run(
        deadline::DEFAULT * 2,
        "two rooms on two servers",
        FAN_OUT,
        async move {
            let (mut a, mut b) = (server(&url), server(&url));
            let _alice = a.rooms.join("lobby");
            let mut bob = b.rooms.join("games");
            let mut carol = b.rooms.join("lobby");
            a.linked("A", "lobby", FAN_OUT).await;
            b.linked("B", "games", FAN_OUT).await;
            b.linked("B", "lobby", FAN_OUT).await;

            a.say("lobby", "for the lobby");
            expect_eq(
                hears(&mut carol, "carol in B's lobby", FAN_OUT).await,
                "for the lobby".into(),
                "what carol (lobby, server B) hears",
                FAN_OUT,
            );
            hears_nothing(&mut bob, "bob (in \"games\" on B)", FAN_OUT).await;
        },
    );
    drop(redis);
}

#[test]
fn while_redis_is_away_each_server_serves_its_own_and_then_links_again() {
    let Some(mut redis) = redis_server::start() else {
        return;
    };
    let url = redis.url();
    // The body asks this thread to kill Redis, then to restart it, and waits
    // each time until it is done.
    let (ask, asked) = std::sync::mpsc::channel::<()>();
    let (done, wait_done) = std::sync::mpsc::channel::<()>();
    let body = std::thread::spawn(move || {
        run(
            deadline::DEFAULT * 3,
            "Redis going away and coming back",
            REDIS_AWAY,
            async move {
                let (mut a, mut b) = (server(&url), server(&url));
                let mut alice = a.rooms.join("lobby");
                let mut dave = a.rooms.join("lobby");
                let mut bob = b.rooms.join("lobby");
                a.linked("A", "lobby", REDIS_AWAY).await;
                b.linked("B", "lobby", REDIS_AWAY).await;

                // From before the kill: the relay's outage is no longer.
                let outage = std::time::Instant::now();
                ask.send(()).unwrap();
                wait_done.recv().unwrap();
                // QUICK backoff: 3 failed attempts take about 20 + 40 + 80 ms.
                a.unlinked("A", 3, REDIS_AWAY).await;
                b.unlinked("B", 3, REDIS_AWAY).await;
                a.say("lobby", "said while Redis is away");
                expect_eq(
                    hears(&mut dave, "dave on A", REDIS_AWAY).await,
                    "said while Redis is away".into(),
                    "what dave hears from alice, on the same server, while Redis is away",
                    REDIS_AWAY,
                );
                let _ = hears(&mut alice, "alice on A", REDIS_AWAY).await;
                hears_nothing(&mut bob, "bob on B, while Redis is away", REDIS_AWAY).await;
                let outage = outage.elapsed();
                let attempts = match *a.link.borrow() {
                    Link::Down { attempts } => format!("{attempts}"),
                    Link::Up { .. } => "none: the link is up".to_string(),
                };
                let most = most_attempts_in(outage);
                expect_that(
                    attempts.parse().is_ok_and(|attempts: u32| attempts <= most),
                    &format!(
                        "server A's attempts to link in {} ms without Redis \
                         (Backoff {{ first: 20 ms, most: 200 ms }})",
                        outage.as_millis()
                    ),
                    &format!(
                        "at most {most}: each after the wait \
                         backoff.after(attempts), not in a tight loop"
                    ),
                    attempts,
                    REDIS_AWAY,
                );

                ask.send(()).unwrap();
                wait_done.recv().unwrap();
                a.linked("A", "lobby", REDIS_AWAY).await;
                b.linked("B", "lobby", REDIS_AWAY).await;
                a.say("lobby", "said after Redis came back");
                expect_eq(
                    hears(&mut bob, "bob on B", REDIS_AWAY).await,
                    "said after Redis came back".into(),
                    "what bob hears first once both servers linked again (what was said \
                 while Redis was away is lost, not late)",
                    REDIS_AWAY,
                );
            },
        )
    });
    if asked.recv().is_ok() {
        redis.kill();
        let _ = done.send(());
        if asked.recv().is_ok() {
            redis.restart();
            let _ = done.send(());
        }
    }
    if let Err(panic) = body.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_websocket_client_of_server_a_reaches_one_of_server_b() {
    let Some(redis) = redis_server::start() else {
        return;
    };
    let (a, mut a_link) = serving::start_linked(&redis.url(), FAN_OUT);
    let (b, mut b_link) = serving::start_linked(&redis.url(), FAN_OUT);
    let (a_addr, b_addr) = (a.addr, b.addr);
    let heard = run(
        deadline::DEFAULT * 2,
        "WebSocket clients of two servers",
        FAN_OUT,
        async move {
            let mut alice = serving::join(a_addr, "lobby", FAN_OUT).await;
            let mut bob = serving::join(b_addr, "lobby", FAN_OUT).await;
            for link in [&mut a_link, &mut b_link] {
                let up = link.wait_for(
                    |link| matches!(link, Link::Up { rooms } if rooms.iter().any(|r| r == "lobby")),
                );
                within_async(
                    deadline::DEFAULT,
                    "both relays subscribed to \"lobby\"",
                    FAN_OUT,
                    up,
                )
                .await
                .expect("the relay ended");
            }
            alice
                .send("hello from a client of A")
                .await
                .expect("alice sends");
            serving::next_text(&mut bob, "bob, a client of B", FAN_OUT).await
        },
    );
    expect_eq(
        heard.as_str(),
        "hello from a client of A",
        "what bob (WebSocket, server B) heard",
        FAN_OUT,
    );
    a.stop();
    b.stop();
}
