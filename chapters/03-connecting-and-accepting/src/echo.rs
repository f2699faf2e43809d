//! Exercises 3.3 to 3.5: an echo, then two servers built on it.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic;
use std::thread;

// ANCHOR: echo
/// Exercise 3.3: send back every byte the client sends, until the client stops
/// sending (a read returns 0: end of file). Returns how many bytes were echoed.
/// The connection closes when `stream` is dropped at the end.
pub fn echo(mut stream: TcpStream) -> io::Result<u64> {
    todo!("read until read returns 0; write_all what each read gave")
}
// ANCHOR_END: echo

// ANCHOR: serve_one_at_a_time
/// Exercise 3.4: accept `clients` connections, one after another, and echo each
/// until its client stops sending. Returns the bytes echoed for each client, in
/// the order they were accepted. The first error ends the server.
///
/// A real server loops forever; the count lets a test stop this one.
pub fn serve_one_at_a_time(
    listener: &TcpListener,
    clients: usize,
) -> io::Result<Vec<u64>> {
    todo!("`clients` times: accept, then echo it before the next accept")
}
// ANCHOR_END: serve_one_at_a_time

// ANCHOR: serve_thread_per_client
/// Exercise 3.5: accept `clients` connections and echo each on a thread of its
/// own, so a slow client no longer holds up the others. Returns, once every
/// client is done, the bytes echoed for each, in the order they were accepted.
pub fn serve_thread_per_client(
    listener: &TcpListener,
    clients: usize,
) -> io::Result<Vec<u64>> {
    todo!("accept, thread::spawn an echo per stream, then join every thread")
}
// ANCHOR_END: serve_thread_per_client
