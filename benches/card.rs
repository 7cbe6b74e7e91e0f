//! How long drawing a letter's share card takes (layout, shaping, rasterizing, PNG encoding)
//! and how large the PNG is, for a Latin, a Hebrew, an Arabic and a 2,000-character title.
//!
//! ```sh
//! cargo bench --bench card
//! ```
//!
//! Knobs (environment): BENCH_ROUNDS (50). BENCH_CARDS_DIR, when set, receives one PNG per
//! title to look at. Without `--bench` on the command line (`cargo test --benches`) it only
//! says how to run it.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use undersigned::read::card::{CardText, Renderer};

fn main() -> ExitCode {
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("card bench: run with cargo bench --bench card");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("card bench failed: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(50);
    let directory = std::env::var_os("BENCH_CARDS_DIR").map(std::path::PathBuf::from);
    let long = "Protect the right to protest and to assemble peacefully ".repeat(36);
    let cases = [
        (
            "latin",
            "Protect the right to protest: veto the assembly bill",
            "The President of the Republic",
        ),
        ("hebrew", "הגנו על הזכות להפגין בשלום", "ראש הממשלה"),
        ("arabic", "احموا حق التظاهر السلمي", "رئيس الوزراء"),
        ("long", long.as_str(), "The President of the Republic"),
    ];

    let started = Instant::now();
    let mut renderer = Renderer::new();
    println!(
        "loading the bundled fonts: {:.1} ms (once per process)",
        ms(started.elapsed())
    );
    println!("{rounds} draws each, after one warm-up draw");
    println!("| title | first draw (fresh process) | median | slowest | PNG size |");
    println!("|---|---|---|---|---|");
    for (name, title, addressee) in cases {
        let text = CardText {
            site_name: "Coalition for the Right to Protest".into(),
            addressee: addressee.into(),
            title: title.into(),
            total: 123_456,
            accent: [0xb3, 0x26, 0x1e],
            lang: "en".into(),
        };
        // A fresh renderer: the first draw of a process, with no glyph cached yet.
        let started = Instant::now();
        let mut cold = Renderer::new();
        let png = cold.draw(&text)?;
        let first = started.elapsed();
        renderer.draw(&text)?;
        if let Some(directory) = &directory {
            std::fs::create_dir_all(directory)?;
            std::fs::write(directory.join(format!("card-{name}.png")), &png)?;
        }
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let started = Instant::now();
            let png = renderer.draw(&text)?;
            times.push(started.elapsed());
            std::hint::black_box(png);
        }
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let slowest = times.last().copied().unwrap_or_default();
        println!(
            "| {name} ({} chars) | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} KB |",
            title.chars().count(),
            ms(first),
            ms(median),
            ms(slowest),
            png.len() as f64 / 1024.0
        );
    }
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
