//! The experiment's chart: a hand-written SVG with two panels of grouped bars.
//!
//! Readable on the book's light and dark themes: everything sits on an opaque
//! white rounded panel, and no text is smaller than 12px.

use std::fmt::Write;

use chapter_8::experiment::Model;

use crate::Row;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 470.0;
const PLOT_TOP: f64 = 90.0;
const PLOT_HEIGHT: f64 = 270.0;
const PANEL_WIDTH: f64 = 400.0;
const LEFTS: [f64; 2] = [80.0, 550.0];

fn colour(model: Model) -> &'static str {
    match model {
        Model::Pool => "#c0392b",
        Model::ThreadPerConnection => "#e67e22",
        Model::Mio => "#2471a3",
        Model::Tokio => "#1e8449",
    }
}

fn label(model: Model) -> &'static str {
    match model {
        Model::Pool => "pool of 2 x cores + 1 threads",
        Model::ThreadPerConnection => "thread per connection",
        Model::Mio => "mio event loop, 1 thread",
        Model::Tokio => "tokio, 1 thread",
    }
}

/// The chart of `rows` as an SVG document.
pub fn svg(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif">"##
    );
    let _ = writeln!(
        out,
        r##"<rect x="1" y="1" width="{}" height="{}" rx="14" fill="#ffffff" stroke="#888888"/>"##,
        WIDTH - 2.0,
        HEIGHT - 2.0
    );
    text(
        &mut out,
        WIDTH / 2.0,
        32.0,
        18,
        "middle",
        "bold",
        "The same echo server four ways, N connections held open",
    );
    let answered =
        |r: &Row| 100.0 * r.figures.answered as f64 / r.asked.max(1) as f64;
    panel(
        &mut out,
        rows,
        0,
        "answered within 1 s, % of N",
        100.0,
        &answered,
        |v| {
            // The pool's 5 of 10 000 is 0.05 %, not 0.
            if v > 0.0 && v < 1.0 {
                format!("{v:.2}")
            } else {
                format!("{v:.0}")
            }
        },
    );
    let mib = |r: &Row| r.held.rss_kib.unwrap_or(0) as f64 / 1024.0;
    let top = rows.iter().map(mib).fold(1.0, f64::max);
    panel(
        &mut out,
        rows,
        1,
        "server memory (RSS), MiB",
        nice(top),
        &mib,
        |v| {
            if v > 0.0 && v < 10.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        },
    );
    legend(&mut out, rows);
    out.push_str("</svg>\n");
    out
}

/// One panel: a bar per model in a group per N.
fn panel(
    out: &mut String,
    rows: &[Row],
    index: usize,
    title: &str,
    top: f64,
    value: &dyn Fn(&Row) -> f64,
    shown: impl Fn(f64) -> String,
) {
    let left = LEFTS[index];
    let bottom = PLOT_TOP + PLOT_HEIGHT;
    text(
        out,
        left + PANEL_WIDTH / 2.0,
        PLOT_TOP - 30.0,
        15,
        "middle",
        "bold",
        title,
    );
    for step in 0..=4 {
        let v = top * step as f64 / 4.0;
        let y = bottom - PLOT_HEIGHT * step as f64 / 4.0;
        let _ = writeln!(
            out,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#dddddd"/>"##,
            left + PANEL_WIDTH
        );
        text(out, left - 8.0, y + 4.0, 12, "end", "normal", &shown(v));
    }
    let counts: Vec<usize> = dedup(rows.iter().map(|r| r.asked));
    let models: Vec<Model> = dedup(rows.iter().map(|r| r.model));
    let group = PANEL_WIDTH / counts.len().max(1) as f64;
    let bar = (group - 24.0) / models.len().max(1) as f64;
    for (g, &n) in counts.iter().enumerate() {
        let x0 = left + group * g as f64 + 12.0;
        for (m, &model) in models.iter().enumerate() {
            let Some(row) =
                rows.iter().find(|r| r.asked == n && r.model == model)
            else {
                continue;
            };
            let v = value(row);
            let h = (v / top).clamp(0.0, 1.0) * PLOT_HEIGHT;
            let x = x0 + bar * m as f64;
            let _ = writeln!(
                out,
                r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}"/>"##,
                bottom - h,
                bar - 3.0,
                colour(model)
            );
            let cx = x + (bar - 3.0) / 2.0;
            text(out, cx, bottom - h - 5.0, 12, "middle", "normal", &shown(v));
        }
        let n = format_count(n);
        text(
            out,
            left + group * (g as f64 + 0.5),
            bottom + 20.0,
            13,
            "middle",
            "normal",
            &format!("N = {n}"),
        );
    }
    let _ = writeln!(
        out,
        r##"<line x1="{left}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#333333"/>"##,
        left + PANEL_WIDTH
    );
}

fn legend(out: &mut String, rows: &[Row]) {
    let models: Vec<Model> = dedup(rows.iter().map(|r| r.model));
    let y = HEIGHT - 45.0;
    let width = (WIDTH - 80.0) / models.len().max(1) as f64;
    for (i, &model) in models.iter().enumerate() {
        let x = 50.0 + width * i as f64;
        let _ = writeln!(
            out,
            r##"<rect x="{x}" y="{}" width="16" height="16" fill="{}"/>"##,
            y - 12.0,
            colour(model)
        );
        text(out, x + 22.0, y + 1.0, 13, "start", "normal", label(model));
    }
}

fn text(
    out: &mut String,
    x: f64,
    y: f64,
    size: u32,
    anchor: &str,
    weight: &str,
    s: &str,
) {
    let _ = writeln!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" fill="#222222">{s}</text>"##
    );
}

/// A round number at or above `v` for the top of an axis: 1, 2 or 5 times a
/// power of 10.
fn nice(v: f64) -> f64 {
    let power = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&top| top >= v)
        .unwrap_or(10.0 * power)
}

fn format_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn dedup<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
