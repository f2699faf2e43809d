//! How much faster is masking eight bytes at a time? Run it optimised, on
//! your code:
//!
//!     cargo run --release -p chapter-11 --example mask_speed
//!
//! or on the reference solution, with `-p solution-11`. (This one file serves
//! both crates.) Masks the same 16 MiB buffer with each version and prints
//! the throughput.

use std::hint::black_box;
use std::time::Instant;

use chapter_11::{apply_mask, apply_mask_bytewise};

const SIZE: usize = 16 << 20;
const ROUNDS: usize = 20;

fn measure(name: &str, mask: fn(&mut [u8], [u8; 4], usize)) -> f64 {
    let mut data = vec![0x5a; SIZE];
    let started = Instant::now();
    for round in 0..ROUNDS {
        // Offset 1 and a slice starting at byte 1: neither the key nor the data
        // is aligned.
        mask(black_box(&mut data[1..]), [0x37, 0xfa, 0x21, 0x3d], round);
    }
    black_box(&data);
    let seconds = started.elapsed().as_secs_f64();
    let rate = (SIZE * ROUNDS) as f64 / seconds / 1e9;
    println!("{name:<20} {rate:6.2} GB/s");
    rate
}

fn main() {
    let bytewise = measure("apply_mask_bytewise", apply_mask_bytewise);
    let wordwise = measure("apply_mask", apply_mask);
    println!("{:<20} {:6.1}x", "speed-up", wordwise / bytewise);
}
