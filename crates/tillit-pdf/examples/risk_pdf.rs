//! Times the risk analysis PDF: renders a sample with 200 risks and 300 measures five
//! times and prints the mean and slowest time. Run it in release mode:
//! `cargo run --release -p tillit-pdf --example risk_pdf`.

use std::time::Instant;

use tillit_pdf::{risk_analysis_pdf, sample_document, PdfError};

const RUNS: u32 = 5;

fn main() -> Result<(), PdfError> {
    let doc = sample_document(200, 300);
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        size = risk_analysis_pdf(&doc)?.len();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = times.iter().sum::<f64>() / f64::from(RUNS);
    let max = times.iter().copied().fold(0.0, f64::max);
    println!(
        "risk analysis PDF, 200 risks and 300 measures ({} kB): mean {mean:.0} ms, max {max:.0} ms over {RUNS} runs",
        size / 1024
    );
    Ok(())
}
