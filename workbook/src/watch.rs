//! `cargo workbook watch [N]`: the check view of a chapter, shown again whenever a file
//! under `chapters/` changes. It looks at modification times twice a second (no busy
//! loop, no extra crate); q or Ctrl-C quits.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, SystemTime};

use crate::manifest::{Chapter, Manifest};
use crate::style::Style;

const POLL: Duration = Duration::from_millis(500);

/// Watches chapter `fixed`, or else the chapter the reader last changed (the first written
/// chapter before any change), until the reader presses q.
pub fn watch(
    root: &Path,
    manifest: &Manifest,
    fixed: Option<&Chapter>,
    style: Style,
) -> Result<(), String> {
    let first = manifest
        .chapters
        .iter()
        .find(|c| !c.planned)
        .ok_or("workbook.toml has no written chapter")?;
    let _keys_mode = SingleKeys::start();
    let quit = quit_key();
    let mut files = modified_times(&root.join("chapters"));
    loop {
        let chapter = fixed
            .or_else(|| crate::current_chapter(root, manifest))
            .unwrap_or(first);
        let (view, _) = crate::check_view(root, chapter, style);
        if std::io::stdout().is_terminal() {
            crate::show("\x1b[2J\x1b[H"); // clear the screen, cursor to the top
        }
        crate::show(&view);
        crate::show(&format!(
            "\n{}\n",
            style.dim("watching chapters/ for changes; press q to quit")
        ));
        // Wait for a change, or for q.
        loop {
            match quit.recv_timeout(POLL) {
                Ok(()) => return Ok(()),
                Err(RecvTimeoutError::Timeout) => {}
                // Input has ended (not a terminal): only Ctrl-C stops us now.
                Err(RecvTimeoutError::Disconnected) => thread::sleep(POLL),
            }
            let now = modified_times(&root.join("chapters"));
            if now != files {
                files = now;
                break;
            }
        }
    }
}

/// A message when the reader types q; the channel closes when input ends.
fn quit_key() -> Receiver<()> {
    let (send, receive) = mpsc::channel();
    thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut byte = [0u8];
        while let Ok(1) = stdin.read(&mut byte) {
            if matches!(byte[0], b'q' | b'Q') {
                let _ = send.send(());
                return;
            }
        }
    });
    receive
}

/// On a terminal, a key counts as soon as it is pressed (no Enter needed) and is not
/// echoed; the terminal is set back when this is dropped. Ctrl-C still stops the
/// program, and the shell restores the terminal then.
struct SingleKeys {
    active: bool,
}

impl SingleKeys {
    fn start() -> SingleKeys {
        let active = std::io::stdin().is_terminal() && stty(&["-icanon", "-echo", "min", "1"]);
        SingleKeys { active }
    }
}

impl Drop for SingleKeys {
    fn drop(&mut self) {
        if self.active {
            stty(&["icanon", "echo"]);
        }
    }
}

/// `stty` on our terminal (it inherits our standard input).
fn stty(args: &[&str]) -> bool {
    Command::new("stty")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// The modification time and size of every file under `dir`, build folders left out.
fn modified_times(dir: &Path) -> BTreeMap<PathBuf, (SystemTime, u64)> {
    crate::layout::all_files(dir)
        .into_iter()
        .filter_map(|relative| {
            let metadata = std::fs::metadata(dir.join(&relative)).ok()?;
            Some((relative, (metadata.modified().ok()?, metadata.len())))
        })
        .collect()
}
