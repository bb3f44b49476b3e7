//! The results: one table per measurement, printed and written into docs/performance.md.

use std::fmt::Write as _;

use crate::generate::Run;
use crate::stats::median;

/// The marker lines of docs/performance.md between which the latest table goes.
pub(crate) const BEGIN: &str = "<!-- loadtest:begin -->";
/// See [`BEGIN`].
pub(crate) const END: &str = "<!-- loadtest:end -->";

/// One measured run with the CPU use around it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Measured {
    pub(crate) run: Run,
    /// Cores used by the server under test (or the raw client).
    pub(crate) subject_cpu: f64,
    /// Cores used by the load generator.
    pub(crate) generator_cpu: f64,
    /// Cores used by the mock provider (whole login only).
    pub(crate) mock_cpu: f64,
    /// The one-minute load average at the end of the run.
    pub(crate) load: f64,
}

impl Measured {
    /// CPU microseconds of the subject per request (or login).
    fn cpu_us_each(&self) -> f64 {
        self.subject_cpu * 1e6 / self.run.rate().max(f64::EPSILON)
    }
}

/// Rounds of one subject next to its ceiling, interleaved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pair {
    /// What is measured, for the table's first column.
    pub(crate) label: String,
    pub(crate) subject: Vec<Measured>,
    pub(crate) ceiling: Vec<Measured>,
}

impl Pair {
    fn med(runs: &[Measured], f: impl Fn(&Measured) -> f64) -> f64 {
        median(&runs.iter().map(f).collect::<Vec<_>>())
    }

    /// The median over rounds of subject / ceiling.
    pub(crate) fn ratio(&self) -> f64 {
        let ratios: Vec<f64> = self
            .subject
            .iter()
            .zip(&self.ceiling)
            .map(|(s, c)| s.run.rate() / c.run.rate().max(f64::EPSILON))
            .collect();
        median(&ratios)
    }

    /// The median over rounds of the ceiling's CPU per request over the subject's: the ratio
    /// of rates each would reach with a core of its own, however busy the machine is.
    pub(crate) fn cpu_ratio(&self) -> f64 {
        let ratios: Vec<f64> = self
            .subject
            .iter()
            .zip(&self.ceiling)
            .map(|(s, c)| c.cpu_us_each() / s.cpu_us_each().max(f64::EPSILON))
            .collect();
        median(&ratios)
    }

    fn side(runs: &[Measured]) -> String {
        format!(
            "{:.0} | {:.2} / {:.2} | {:.2} | {:.0}",
            Self::med(runs, |m| m.run.rate()),
            Self::med(runs, |m| m.run.ms(0.50)),
            Self::med(runs, |m| m.run.ms(0.99)),
            Self::med(runs, |m| m.subject_cpu),
            Self::med(runs, Measured::cpu_us_each),
        )
    }

    fn all(&self) -> impl Iterator<Item = &Measured> {
        self.subject.iter().chain(&self.ceiling)
    }

    fn failed(&self) -> u64 {
        self.all().map(|m| m.run.failed).sum()
    }

    /// The table row: both sides, the ratio, the generator's and the mock's CPU (their
    /// highest in any round), the load average range and the failures.
    pub(crate) fn row(&self) -> String {
        let max = |f: fn(&Measured) -> f64| self.all().map(f).fold(0.0, f64::max);
        let min_load = self.all().map(|m| m.load).fold(f64::INFINITY, f64::min);
        format!(
            "| {} | {} | {} | **{:.2}×** | {:.2}× | {:.2} | {:.2} | {:.1}–{:.1} | {} |",
            self.label,
            Self::side(&self.subject),
            Self::side(&self.ceiling),
            self.ratio(),
            self.cpu_ratio(),
            max(|m| m.generator_cpu),
            max(|m| m.mock_cpu),
            if min_load.is_finite() { min_load } else { 0.0 },
            max(|m| m.load),
            self.failed(),
        )
    }
}

/// RSS of one demo through a flood of logins begun and never finished.
#[derive(Debug, Clone, Default)]
pub(crate) struct Memory {
    pub(crate) label: String,
    pub(crate) begins: u64,
    pub(crate) before_mib: f64,
    pub(crate) tenth_mib: f64,
    pub(crate) after_mib: f64,
    pub(crate) rate: f64,
    pub(crate) failed: u64,
    pub(crate) load: f64,
}

impl Memory {
    /// Whether the RSS stayed put over the last nine tenths: at most 2 MiB or 5 % more.
    pub(crate) fn is_flat(&self) -> bool {
        self.after_mib - self.tenth_mib <= (self.tenth_mib * 0.05).max(2.0)
    }

    fn row(&self) -> String {
        format!(
            "| {} | {:.1} | {:.1} | {:.1} | {} | {:.0} | {} | {:.1} |",
            self.label,
            self.before_mib,
            self.tenth_mib,
            self.after_mib,
            if self.is_flat() { "yes" } else { "**no**" },
            self.rate,
            self.failed,
            self.load,
        )
    }
}

/// Everything one invocation measured.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    pub(crate) command: String,
    pub(crate) machine: String,
    pub(crate) date: String,
    pub(crate) pinning: String,
    pub(crate) rounds: usize,
    pub(crate) concurrency: usize,
    pub(crate) endpoint: Vec<Pair>,
    pub(crate) login: Vec<Pair>,
    pub(crate) memory: Vec<Memory>,
}

impl Report {
    /// The tables in Markdown.
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Command: `{}`, {}.\n", self.command, self.date);
        let _ = writeln!(out, "Machine: {}.\n", self.machine);
        let _ = writeln!(out, "Pinning: {}.\n", self.pinning);
        let head = |what: &str, ceiling: &str, unit: &str| {
            let side = format!("{unit}/s | p50 / p99 ms | CPU | CPU µs each");
            format!(
                "| {what} | oauth-kit {side} | {ceiling} {side} | ratio | CPU ratio | generator CPU | mock CPU | load avg | failed |\n\
                 |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
            )
        };
        if !self.endpoint.is_empty() {
            let _ = writeln!(
                out,
                "Login endpoint, `GET /auth/bitbucket/login`, {} connections, medians of {} \
                 interleaved rounds (target ≥ 0.9×):\n",
                self.concurrency, self.rounds
            );
            out.push_str(&head("Framework", "bare", "req"));
            for pair in &self.endpoint {
                out.push_str(&pair.row());
                out.push('\n');
            }
            out.push('\n');
        }
        if !self.login.is_empty() {
            let _ = writeln!(
                out,
                "Whole login (login → authorize → callback with token, user and emails → `/me`), \
                 {} virtual browsers, medians of {} interleaved rounds (target ≥ 0.9×):\n",
                self.concurrency, self.rounds
            );
            out.push_str(&head("Framework", "raw reqwest", "logins"));
            for pair in &self.login {
                out.push_str(&pair.row());
                out.push('\n');
            }
            out.push('\n');
        }
        if let Some(first) = self.memory.first() {
            let _ = writeln!(
                out,
                "Memory, {} logins begun and never finished (target: flat):\n",
                first.begins
            );
            let _ = writeln!(
                out,
                "| Demo, flow state | RSS MiB before | after a tenth | after all | flat | begins/s | failed | load avg |\n\
                 |---|---|---|---|---|---|---|---|"
            );
            for memory in &self.memory {
                out.push_str(&memory.row());
                out.push('\n');
            }
        }
        out
    }
}

/// `doc` with the text between the [`BEGIN`] and [`END`] lines replaced by `tables`; `None`
/// when the markers are missing or out of order.
pub(crate) fn splice(doc: &str, tables: &str) -> Option<String> {
    let start = doc.find(BEGIN)? + BEGIN.len();
    let end = start + doc[start..].find(END)?;
    Some(format!(
        "{}\n\n{}\n{}",
        &doc[..start],
        tables.trim_end(),
        &doc[end..]
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn measured(ok: u64, cpu: f64) -> Measured {
        Measured {
            run: Run {
                ok,
                elapsed: Duration::from_secs(1),
                latencies_us: vec![1000; 10],
                ..Run::default()
            },
            subject_cpu: cpu,
            ..Measured::default()
        }
    }

    #[test]
    fn the_ratio_is_the_median_of_the_rounds_ratios() {
        let pair = Pair {
            label: "axum".into(),
            subject: vec![measured(50, 1.0), measured(90, 1.0), measured(40, 1.0)],
            ceiling: vec![measured(100, 1.0), measured(100, 1.0), measured(50, 1.0)],
        };
        // Round ratios 0.5, 0.9 and 0.8.
        assert!((pair.ratio() - 0.8).abs() < 1e-9);
        assert!(pair.row().contains("**0.80×**"));
        // The same CPU each round, so the CPU per request follows the rates.
        assert!((pair.cpu_ratio() - 0.8).abs() < 1e-9);
    }

    #[test]
    fn cpu_per_request_divides_the_cores_used_by_the_rate() {
        assert!((measured(20_000, 1.0).cpu_us_each() - 50.0).abs() < 1e-9);
    }

    #[test]
    fn memory_is_flat_within_two_mib_or_five_percent() {
        let memory = |tenth, after| Memory {
            tenth_mib: tenth,
            after_mib: after,
            ..Memory::default()
        };
        assert!(memory(20.0, 21.9).is_flat());
        assert!(!memory(20.0, 22.5).is_flat());
        assert!(memory(100.0, 104.0).is_flat());
        assert!(!memory(100.0, 106.0).is_flat());
    }

    #[test]
    fn splice_replaces_only_the_text_between_the_markers() {
        let doc = format!("# Performance\n\n{BEGIN}\nold table\n{END}\n\nWhy.\n");
        let new = splice(&doc, "new table\n").expect("the markers are there");
        assert_eq!(
            new,
            format!("# Performance\n\n{BEGIN}\n\nnew table\n{END}\n\nWhy.\n")
        );
        assert_eq!(splice(&new, "again"), splice(&doc, "again"));
        assert!(splice("# no markers", "table").is_none());
        assert!(splice(&format!("{END}\n{BEGIN}"), "table").is_none());
    }
}
