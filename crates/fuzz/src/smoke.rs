//! A seeded random mutator: runs a target on its seeds, then on inputs mutated from them.
//!
//! It needs no instrumentation, so it runs in `cargo test` (debug builds, any toolchain). It is
//! not coverage guided: the long runs use libFuzzer through `cargo xtask fuzz`.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Outcome, Target};

/// Inputs never grow past this many bytes (huge values are still reached by repetition).
const MAX_INPUT: usize = 256 * 1024;
/// How many recent inputs are kept as further parents next to the seeds.
const POOL: usize = 64;

/// The result of a [`smoke`] run that violated no property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmokeReport {
    /// The target's name.
    pub target: &'static str,
    /// Inputs run, seeds included.
    pub executions: u64,
    /// Inputs the code under test accepted.
    pub accepted: u64,
    /// Inputs the code under test rejected.
    pub rejected: u64,
}

/// An input that violated a property (the target panicked).
#[derive(Clone, PartialEq, Eq)]
pub struct Failure {
    /// The target's name.
    pub target: &'static str,
    /// The input.
    pub input: Vec<u8>,
    /// The panic message.
    pub message: String,
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("target", &self.target)
            .field("input", &String::from_utf8_lossy(&self.input))
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "target `{}` failed on {:?}: {}",
            self.target,
            String::from_utf8_lossy(&self.input),
            self.message
        )
    }
}

/// Runs `target` on each of its seeds and then on `iterations` mutated inputs; the same `seed`
/// gives the same inputs.
pub fn smoke(target: &Target, iterations: u64, seed: u64) -> Result<SmokeReport, Failure> {
    let seeds = (target.seeds)();
    let mut report = SmokeReport {
        target: target.name,
        executions: 0,
        accepted: 0,
        rejected: 0,
    };
    let mut rng = SplitMix64(seed);
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut run = |input: Vec<u8>, pool: &mut Vec<Vec<u8>>| {
        let outcome = catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
        report.executions += 1;
        match outcome {
            Ok(Outcome::Accepted) => report.accepted += 1,
            Ok(Outcome::Rejected) => report.rejected += 1,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_else(|| "a panic without a message".to_owned());
                return Err(Failure {
                    target: target.name,
                    input,
                    message,
                });
            }
        }
        if pool.len() < POOL {
            pool.push(input);
        } else {
            let slot = (report.executions as usize) % POOL;
            pool[slot] = input;
        }
        Ok(())
    };
    for input in &seeds {
        run(input.clone(), &mut pool)?;
    }
    for _ in 0..iterations {
        let parent = if pool.is_empty() || (!seeds.is_empty() && rng.below(2) == 0) {
            seeds.get(rng.below(seeds.len().max(1))).cloned()
        } else {
            pool.get(rng.below(pool.len())).cloned()
        };
        let mut input = parent.unwrap_or_default();
        for _ in 0..=rng.below(4) {
            mutate(&mut input, &seeds, target.dictionary, &mut rng);
        }
        input.truncate(MAX_INPUT);
        run(input, &mut pool)?;
    }
    Ok(report)
}

/// Bytes that often sit on a parser's decision points.
const INTERESTING: &[u8] = b"\0\t\n\r \"#%&'+,./:;=?@[\\]{}~\x7f\x80\xc3\xff";

fn mutate(input: &mut Vec<u8>, seeds: &[Vec<u8>], dictionary: &[&str], rng: &mut SplitMix64) {
    let len = input.len();
    match rng.below(10) {
        // Flip one bit.
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        // Overwrite a byte with an interesting one.
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = INTERESTING[rng.below(INTERESTING.len())];
        }
        // Insert an interesting byte.
        2 => {
            let i = rng.below(len + 1);
            input.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
        }
        // Insert a dictionary token.
        3 | 4 if !dictionary.is_empty() => {
            let token = dictionary[rng.below(dictionary.len())].as_bytes();
            let i = rng.below(len + 1);
            input.splice(i..i, token.iter().copied());
        }
        // Delete a range.
        5 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(16)).min(len);
            input.drain(start..end);
        }
        // Repeat a range many times: long values, long runs, deep nesting.
        6 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(8)).min(len);
            let chunk = input[start..end].to_vec();
            let most = if rng.below(8) == 0 { 4096 } else { 16 };
            let times = 1 + rng.below(most);
            let repeated: Vec<u8> = chunk
                .iter()
                .copied()
                .cycle()
                .take(chunk.len() * times)
                .collect();
            input.splice(end..end, repeated);
        }
        // Splice in a part of another seed.
        7 if !seeds.is_empty() => {
            let other = &seeds[rng.below(seeds.len())];
            if !other.is_empty() {
                let start = rng.below(other.len());
                let end = start + rng.below(other.len() - start) + 1;
                let at = rng.below(len + 1);
                input.splice(at..at, other[start..end].iter().copied());
            }
        }
        // Truncate.
        8 if len > 0 => input.truncate(rng.below(len)),
        // Insert random bytes.
        _ => {
            let at = rng.below(len + 1);
            let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
            input.splice(at..at, bytes);
        }
    }
}

/// SplitMix64: a small, fast, seedable generator (not for cryptography).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}
