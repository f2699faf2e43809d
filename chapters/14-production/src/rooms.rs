//! The chat rooms of one server process. Members on this server hear each
//! other directly; a relay task (`relay.rs`) carries what they say to the other
//! server processes and brings theirs back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, mpsc};

/// How many messages wait in a room for a member that is slow to take them;
/// past that the member misses messages (see the slow-consumer policy).
pub const ROOM_BACKLOG: usize = 64;
/// How many messages wait for the relay; past that they stay on this server.
pub const RELAY_BACKLOG: usize = 256;

/// One message said in a room, shared by every receiver without copying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub room: Arc<str>,
    pub text: Arc<str>,
}

/// The rooms of this server. Clone it for every connection.
#[derive(Clone)]
pub struct Rooms {
    rooms: Arc<Mutex<HashMap<Arc<str>, broadcast::Sender<Said>>>>,
    to_relay: mpsc::Sender<Said>,
    new_rooms: mpsc::UnboundedSender<Arc<str>>,
}

/// The relay's end of [`Rooms`]: what members said, and rooms to subscribe.
pub struct RelayInbox {
    pub said: mpsc::Receiver<Said>,
    pub new_rooms: mpsc::UnboundedReceiver<Arc<str>>,
}

impl Rooms {
    /// Rooms with nothing in them, and the inbox a relay reads.
    pub fn new() -> (Rooms, RelayInbox) {
        let (to_relay, said) = mpsc::channel(RELAY_BACKLOG);
        let (new_rooms, new_rooms_rx) = mpsc::unbounded_channel();
        let rooms = Rooms {
            rooms: Arc::default(),
            to_relay,
            new_rooms,
        };
        let inbox = RelayInbox {
            said,
            new_rooms: new_rooms_rx,
        };
        (rooms, inbox)
    }

    /// Joins `room`, making it if this server has no member in it yet.
    pub fn join(&self, room: &str) -> broadcast::Receiver<Said> {
        let mut rooms = self.rooms.lock().unwrap();
        if let Some(sender) = rooms.get(room) {
            return sender.subscribe();
        }
        let name: Arc<str> = room.into();
        let (sender, receiver) = broadcast::channel(ROOM_BACKLOG);
        rooms.insert(name.clone(), sender);
        // No relay (a server alone) is not an error.
        let _ = self.new_rooms.send(name);
        receiver
    }

    /// The names of the rooms this server has members in.
    pub fn names(&self) -> Vec<Arc<str>> {
        self.rooms.lock().unwrap().keys().cloned().collect()
    }

    /// A member of this server said something: its room hears it now, and
    /// the relay gets a copy for the other servers if it has room for it.
    pub fn say(&self, said: Said) {
        // Full or gone: the other servers miss it, this one never waits.
        let _ = self.to_relay.try_send(said.clone());
        self.deliver(said);
    }

    /// Gives a message to this server's members of its room, and to no
    /// other server: what the relay calls with a message from Redis.
    pub fn deliver(&self, said: Said) {
        let rooms = self.rooms.lock().unwrap();
        if let Some(sender) = rooms.get(&said.room) {
            // Err: no member listens any more; nobody to tell.
            let _ = sender.send(said);
        }
    }
}
