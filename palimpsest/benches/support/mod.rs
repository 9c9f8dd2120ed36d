//! What the benchmarks share: the text they generate, and paired timing.

use std::time::Instant;

use criterion::Criterion;

use palimpsest_tests::corpus::Rng;

/// Words of the generated text; one needs escaping, as real text does.
pub fn words(rng: &mut Rng, n: usize) -> String {
    const WORDS: [&str; 16] = [
        "the",
        "test",
        "fails",
        "because",
        "parser",
        "returns",
        "None",
        "when",
        "input",
        "is",
        "empty",
        "so",
        "we",
        "check",
        "module",
        "\"quoted\"",
    ];
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.below(16) as usize]);
    }
    out
}

/// Times `f` over `iterations` calls.
pub fn block(iterations: u32, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_secs_f64()
}

/// The median over alternating blocks of time(side) / time(baseline),
/// and the time per call of the baseline.
pub fn ratio(baseline: &mut dyn FnMut(), side: &mut dyn FnMut(), blocks: usize) -> (f64, f64) {
    // Calibrate a block to about 10 ms of the baseline.
    let once = block(3, baseline) / 3.0;
    let iterations = ((0.01 / once) as u32).max(1);
    let mut ratios = Vec::with_capacity(blocks);
    let mut base_total = 0.0;
    for i in 0..blocks {
        // Alternate which side goes first, so neither always runs warm.
        let (b, s) = if i % 2 == 0 {
            let b = block(iterations, baseline);
            (b, block(iterations, side))
        } else {
            let s = block(iterations, side);
            (block(iterations, baseline), s)
        };
        base_total += b;
        ratios.push(s / b);
    }
    ratios.sort_by(f64::total_cmp);
    let per_call = base_total / (blocks as f64 * f64::from(iterations));
    (ratios[blocks / 2], per_call)
}

/// The bench's `main`: the criterion `benches`, or with
/// `PALIMPSEST_PAIRED=<sizes>` the `paired` ratios, or with
/// `PALIMPSEST_COUNT=<case>/<size>` the calls `count` makes for callgrind.
pub fn run(benches: fn(), paired: fn(&str), count: fn(&str)) {
    if let Some(sizes) = std::env::var_os("PALIMPSEST_PAIRED") {
        paired(&sizes.to_string_lossy());
        return;
    }
    if let Some(case) = std::env::var_os("PALIMPSEST_COUNT") {
        count(&case.to_string_lossy());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
