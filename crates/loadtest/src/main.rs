//! The load harness behind `cargo xtask loadtest` (see docs/performance.md).
//!
//! `loadtest run --bin-dir DIR [options]` measures, on loopback, the release builds of the
//! demos (`example-axum`, `example-actix`) and of the testkit's mock (`oauth-kit-testkit`)
//! found in DIR: the login endpoint next to a bare handler of the same framework, the whole
//! login next to a raw provider client, and memory under a flood of unfinished logins. The
//! server under test is pinned to one core (`taskset -c APP_CPU`), everything else to another.
//!
//! Two helper modes run as child processes of `run`: `loadtest bare axum|actix ADDR` (the bare
//! handler, its answer in `LOADTEST_SHAPE`) and `loadtest raw CONCURRENCY ...` (the raw
//! provider client, authorization codes on standard input). `loadtest hammer ADDR PATH SECONDS`
//! runs the generator alone against a running server, for profiling it.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bare;
mod generate;
mod raw;
mod report;
mod stats;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use generate::{Run, Until, browser_client, browsers, codes, hammer, sample};
use report::{Measured, Memory, Pair, Report};
use stats::{CpuMeter, load_average, rss_mib};

/// The endpoint under test.
const LOGIN: &str = "/auth/bitbucket/login";

/// A fixed cookie key, as a deployment has one (`OAUTH_COOKIE_KEY`).
const COOKIE_KEY: &str = "loadtest-cookie-key-0123456789abcdef0123456789abcdef";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => {
            Options::parse(&args[1..]).and_then(|options| current_thread()?.block_on(run(options)))
        }
        Some("bare") => serve_bare(&args[1..]),
        Some("raw") => raw_client(&args[1..]),
        Some("hammer") => hammer_only(&args[1..]),
        _ => Err(
            "usage: loadtest run --bin-dir DIR [--rounds N] [--seconds S] \
                  [--concurrency C] [--begins N] [--write FILE] [--app-cpu N] [--tool-cpu N]"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("loadtest: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The generator's runtime: one thread, on the tools' core.
fn current_thread() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// The servers' runtime: tokio's default, as `#[tokio::main]` in the demos (one worker per
/// core the process may use, so one when pinned).
fn multi_thread() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// `loadtest bare axum|actix ADDR`.
fn serve_bare(args: &[String]) -> Result<(), String> {
    let shape = std::env::var("LOADTEST_SHAPE")
        .ok()
        .and_then(|text| bare::Shape::decode(&text))
        .ok_or("LOADTEST_SHAPE is missing or malformed")?;
    let addr: SocketAddr = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .ok_or("usage: loadtest bare axum|actix ADDR")?;
    let served = match args.first().map(String::as_str) {
        Some("axum") => multi_thread()?.block_on(bare::axum(addr, shape)),
        Some("actix") => multi_thread()?.block_on(bare::actix(addr, shape)),
        _ => return Err("usage: loadtest bare axum|actix ADDR".to_owned()),
    };
    served.map_err(|e| e.to_string())
}

/// `loadtest raw CONCURRENCY TARGET...`: redeems the codes of standard input, then prints its
/// own CPU time in microseconds and the run ([`raw::encode`]) on one line.
fn raw_client(args: &[String]) -> Result<(), String> {
    let concurrency: usize = args
        .first()
        .and_then(|c| c.parse().ok())
        .ok_or("the first argument of `raw` is the concurrency")?;
    let target = raw::Target::from_args(&args[1..])?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| e.to_string())?;
    let codes = input.lines().map(str::to_owned).collect();
    let run = multi_thread()?.block_on(raw::run(target, codes, concurrency));
    let cpu = stats::cpu_time(std::process::id());
    println!("{} {}", cpu.as_micros(), raw::encode(&run));
    Ok(())
}

/// `loadtest hammer ADDR PATH SECONDS [CONCURRENCY]`: the generator alone against a running
/// server (to profile it), printing the rate and the latencies.
fn hammer_only(args: &[String]) -> Result<(), String> {
    let usage = "usage: loadtest hammer ADDR PATH SECONDS [CONCURRENCY]";
    let [addr, path, seconds, rest @ ..] = args else {
        return Err(usage.to_owned());
    };
    let addr: SocketAddr = addr.parse().map_err(|_| usage)?;
    let seconds: f64 = seconds.parse().map_err(|_| usage)?;
    let concurrency = rest.first().and_then(|c| c.parse().ok()).unwrap_or(32);
    let until = Until::Elapsed(Duration::from_secs_f64(seconds));
    let run = current_thread()?.block_on(hammer(addr, path, 303, concurrency, until));
    println!(
        "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} failed",
        run.rate(),
        run.ms(0.50),
        run.ms(0.99),
        run.failed
    );
    Ok(())
}

/// The options of `loadtest run`.
#[derive(Debug, Clone)]
struct Options {
    bin_dir: PathBuf,
    rounds: usize,
    seconds: f64,
    concurrency: usize,
    begins: u64,
    write: Option<PathBuf>,
    app_cpu: String,
    tool_cpu: String,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            bin_dir: PathBuf::from("target/release"),
            rounds: 5,
            seconds: 3.0,
            concurrency: 32,
            begins: 1_000_000,
            write: None,
            app_cpu: "0".to_owned(),
            tool_cpu: "1".to_owned(),
        };
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = || format!("{flag}: `{value}` is not a number");
            match flag.as_str() {
                "--bin-dir" => options.bin_dir = PathBuf::from(value),
                "--rounds" => options.rounds = value.parse().map_err(|_| number())?,
                "--seconds" => options.seconds = value.parse().map_err(|_| number())?,
                "--concurrency" => options.concurrency = value.parse().map_err(|_| number())?,
                "--begins" => options.begins = value.parse().map_err(|_| number())?,
                "--write" => options.write = Some(PathBuf::from(value)),
                "--app-cpu" => options.app_cpu = value.clone(),
                "--tool-cpu" => options.tool_cpu = value.clone(),
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        options.rounds = options.rounds.max(1);
        options.concurrency = options.concurrency.max(1);
        Ok(options)
    }

    fn seconds(&self) -> Until {
        Until::Elapsed(Duration::from_secs_f64(self.seconds))
    }
}

/// A child process, killed when dropped.
#[derive(Debug)]
struct Process {
    child: Child,
}

impl Process {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `program` pinned to `cpu` with `taskset -c` (taskset executes it in its own process, so
/// the pid is the program's).
fn pinned(cpu: &str, program: &Path) -> Command {
    let mut command = Command::new("taskset");
    command.arg("-c").arg(cpu).arg(program);
    command
}

fn free_addr() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))
}

/// Waits until `addr` accepts connections (10 s at most).
fn wait_listening(addr: SocketAddr, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("{what} did not listen on {addr}"))
}

/// The mock Bitbucket (`oauth-kit-testkit`'s binary) and the variables that point the demo
/// at it, read from the `export NAME=VALUE` lines it prints.
struct Mock {
    process: Process,
    env: Vec<(String, String)>,
}

impl Mock {
    fn start(options: &Options) -> Result<Self, String> {
        let addr = free_addr()?;
        let mut child = pinned(
            &options.tool_cpu,
            &options.bin_dir.join("oauth-kit-testkit"),
        )
        .env("MOCK_ADDR", addr.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the mock: {e}"))?;
        let stdout = child.stdout.take().ok_or("the mock has no output")?;
        let process = Process { child };
        let env: Vec<(String, String)> = BufReader::new(stdout)
            .lines()
            .take(5)
            .map_while(Result::ok)
            .filter_map(|line| {
                let (name, value) = line.strip_prefix("export ")?.split_once('=')?;
                Some((name.to_owned(), value.to_owned()))
            })
            .collect();
        if env.len() != 5 {
            return Err(format!("the mock printed {} of its 5 variables", env.len()));
        }
        wait_listening(addr, "the mock")?;
        Ok(Self { process, env })
    }

    fn var(&self, name: &str) -> &str {
        self.env
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A server under test, pinned to the application's core.
struct Server {
    process: Process,
    addr: SocketAddr,
}

impl Server {
    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The demo `example-FRAMEWORK` against the mock, with `extra` variables.
    fn demo(
        options: &Options,
        framework: &str,
        mock: &Mock,
        extra: &[(&str, &str)],
    ) -> Result<Self, String> {
        let addr = free_addr()?;
        let binary = options.bin_dir.join(format!("example-{framework}"));
        let mut command = pinned(&options.app_cpu, &binary);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("APP_ADDR", addr.to_string())
            .env("OAUTH_REDIRECT_BASE_URL", format!("http://{addr}"))
            .env("OAUTH_COOKIE_KEY", COOKIE_KEY)
            // Every virtual browser comes from 127.0.0.1 and logs in as the same user.
            .env("OAUTH_CALLBACK_RATE_LIMIT", "0")
            .env("OAUTH_SESSIONS_PER_USER", "100000000")
            .envs(mock.env.iter().map(|(k, v)| (k, v)))
            .envs(extra.iter().copied());
        Self::spawn(command, addr, &format!("example-{framework}"))
    }

    /// The bare handler of `framework`, answering `shape`.
    fn bare(options: &Options, framework: &str, shape: &bare::Shape) -> Result<Self, String> {
        let addr = free_addr()?;
        let this = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut command = pinned(&options.app_cpu, &this);
        command
            .args(["bare", framework, &addr.to_string()])
            .env("LOADTEST_SHAPE", shape.encode());
        Self::spawn(command, addr, &format!("the bare {framework} handler"))
    }

    fn spawn(mut command: Command, addr: SocketAddr, what: &str) -> Result<Self, String> {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        let process = Process { child };
        wait_listening(addr, what)?;
        Ok(Self { process, addr })
    }
}

/// Runs `load` while measuring the CPU of `subject`, of this process and of the mock.
async fn measured<F: Future<Output = Run>>(subject: u32, mock: Option<u32>, load: F) -> Measured {
    let me = CpuMeter::start(std::process::id());
    let server = CpuMeter::start(subject);
    let mock = mock.map(CpuMeter::start);
    let started = Instant::now();
    let run = load.await;
    let wall = started.elapsed();
    Measured {
        subject_cpu: server.cores(wall),
        generator_cpu: me.cores(wall),
        mock_cpu: mock.map_or(0.0, |m| m.cores(wall)),
        load: load_average(),
        run,
    }
}

/// The login endpoint of one demo next to the bare handler of its framework.
async fn endpoint(options: &Options, framework: &str, demo: &Server) -> Result<Pair, String> {
    let (status, headers) = sample(demo.addr, LOGIN).await?;
    if status != 303 {
        return Err(format!("{framework}: {LOGIN} answered {status}, not 303"));
    }
    let shape = bare::Shape::from_sample(status, headers);
    let bare = Server::bare(options, framework, &shape)?;
    let (check, _) = sample(bare.addr, LOGIN).await?;
    if check != 303 {
        return Err(format!("the bare {framework} handler answered {check}"));
    }
    let c = options.concurrency;
    let warm = Until::Elapsed(Duration::from_secs(1));
    hammer(demo.addr, LOGIN, 303, c, warm).await;
    hammer(bare.addr, LOGIN, 303, c, warm).await;
    let mut pair = Pair {
        label: format!("{framework} / bare {framework}"),
        ..Pair::default()
    };
    for round in 0..options.rounds {
        // Alternate which goes first, so a trend in the machine's load favours neither.
        for subject_first in [round % 2 == 0, round % 2 == 1] {
            let (server, into) = if subject_first {
                (demo, &mut pair.subject)
            } else {
                (&bare, &mut pair.ceiling)
            };
            let load = hammer(server.addr, LOGIN, 303, c, options.seconds());
            into.push(measured(server.process.pid(), None, load).await);
        }
    }
    Ok(pair)
}

/// The whole login on one demo next to the raw provider client.
async fn whole_login(
    options: &Options,
    framework: &str,
    demo: &Server,
    mock: &Mock,
) -> Result<Pair, String> {
    let c = options.concurrency;
    let client = browser_client(c);
    let base = demo.base();
    let redirect_uri = format!("{base}/auth/bitbucket/callback");
    let authorize = reqwest::Url::parse_with_params(
        mock.var("BITBUCKET_AUTHORIZE_URL"),
        &[
            ("client_id", mock.var("BITBUCKET_CLIENT_ID")),
            ("response_type", "code"),
            ("redirect_uri", redirect_uri.as_str()),
            ("state", "loadtest"),
            ("code_challenge", raw::challenge().as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .map_err(|e| format!("BITBUCKET_AUTHORIZE_URL: {e}"))?;
    let target = raw::Target {
        token_url: mock.var("BITBUCKET_TOKEN_URL").to_owned(),
        api_url: mock.var("BITBUCKET_API_URL").to_owned(),
        client_id: mock.var("BITBUCKET_CLIENT_ID").to_owned(),
        client_secret: mock.var("BITBUCKET_CLIENT_SECRET").to_owned(),
        redirect_uri,
    };
    let warm = browsers(&client, &base, c, Until::Elapsed(Duration::from_secs(1))).await;
    if warm.ok == 0 {
        return Err(format!("{framework}: no whole login succeeded"));
    }
    let mock_pid = Some(mock.process.pid());
    let mut pair = Pair {
        label: format!("{framework} / raw reqwest"),
        ..Pair::default()
    };
    for round in 0..options.rounds {
        for subject_first in [round % 2 == 0, round % 2 == 1] {
            if subject_first {
                let load = browsers(&client, &base, c, options.seconds());
                pair.subject
                    .push(measured(demo.process.pid(), mock_pid, load).await);
            } else {
                // Enough codes for about the round's length at three times the app's rate.
                let expected = pair.subject.last().map_or(5000.0, |m| m.run.rate());
                let count = ((expected * 3.0 * options.seconds) as usize).max(2000);
                let codes = codes(&client, authorize.as_str(), count, c).await;
                pair.ceiling
                    .push(raw_round(options, &target, codes, mock_pid)?);
            }
        }
    }
    Ok(pair)
}

/// One round of the raw client: a child process pinned to the application's core.
fn raw_round(
    options: &Options,
    target: &raw::Target,
    codes: Vec<String>,
    mock: Option<u32>,
) -> Result<Measured, String> {
    let this = std::env::current_exe().map_err(|e| e.to_string())?;
    let mock = mock.map(CpuMeter::start);
    let me = CpuMeter::start(std::process::id());
    let started = Instant::now();
    let mut child = pinned(&options.app_cpu, &this)
        .arg("raw")
        .arg(options.concurrency.to_string())
        .args(target.to_args())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the raw client: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(codes.join("\n").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let wall = started.elapsed();
    let line = String::from_utf8_lossy(&output.stdout);
    let (cpu_us, run) = line
        .trim()
        .split_once(' ')
        .and_then(|(cpu, rest)| Some((cpu.parse::<f64>().ok()?, raw::decode(rest)?)))
        .ok_or("the raw client's output is malformed")?;
    Ok(Measured {
        subject_cpu: cpu_us / 1e6 / run.elapsed.as_secs_f64().max(f64::EPSILON),
        generator_cpu: me.cores(wall),
        mock_cpu: mock.map_or(0.0, |m| m.cores(wall)),
        load: load_average(),
        run,
    })
}

/// A fresh demo's RSS through `begins` logins begun and never finished.
async fn memory(
    options: &Options,
    framework: &str,
    mode: &str,
    mock: &Mock,
) -> Result<Memory, String> {
    let extra: &[(&str, &str)] = match mode {
        "memory store" => &[("OAUTH_STATE_STORE", "memory")],
        _ => &[],
    };
    let demo = Server::demo(options, framework, mock, extra)?;
    let pid = demo.process.pid();
    let c = options.concurrency;
    let warm = 1000.min(options.begins);
    let tenth = (options.begins / 10).saturating_sub(warm);
    let rest = options.begins - warm - tenth;
    hammer(demo.addr, LOGIN, 303, c, Until::Count(warm)).await;
    let before_mib = rss_mib(pid);
    let first = hammer(demo.addr, LOGIN, 303, c, Until::Count(tenth)).await;
    let tenth_mib = rss_mib(pid);
    let second = hammer(demo.addr, LOGIN, 303, c, Until::Count(rest)).await;
    let after_mib = rss_mib(pid);
    let elapsed = first.elapsed + second.elapsed;
    Ok(Memory {
        label: format!("{framework}, {mode}"),
        begins: options.begins,
        before_mib,
        tenth_mib,
        after_mib,
        rate: (first.ok + second.ok) as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
        failed: first.failed + second.failed,
        load: load_average(),
    })
}

/// Pins this process (the load generator, before its runtime starts any thread) to the
/// tools' core.
fn pin_self(cpu: &str) -> Result<(), String> {
    let status = Command::new("taskset")
        .args(["-p", "-c", cpu, &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run taskset (util-linux): {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("taskset -p -c {cpu} failed"))
}

fn utc_now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

async fn run(options: Options) -> Result<(), String> {
    pin_self(&options.tool_cpu)?;
    let mut report = Report {
        command: std::env::var("LOADTEST_COMMAND")
            .unwrap_or_else(|_| "cargo xtask loadtest".into()),
        machine: stats::machine(),
        date: utc_now(),
        pinning: format!(
            "the server under test and the raw client on CPU {app} (`taskset -c {app}`); the \
             load generator (`taskset -p -c {tool}`) and the mock on CPU {tool}; {} s per run",
            options.seconds,
            app = options.app_cpu,
            tool = options.tool_cpu,
        ),
        rounds: options.rounds,
        concurrency: options.concurrency,
        ..Report::default()
    };
    let mock = Mock::start(&options)?;
    for framework in ["axum", "actix"] {
        let demo = Server::demo(&options, framework, &mock, &[])?;
        eprintln!(
            "{framework}: login endpoint (load average {:.1})",
            load_average()
        );
        report
            .endpoint
            .push(endpoint(&options, framework, &demo).await?);
        eprintln!(
            "{framework}: whole login (load average {:.1})",
            load_average()
        );
        report
            .login
            .push(whole_login(&options, framework, &demo, &mock).await?);
    }
    if options.begins > 0 {
        for framework in ["axum", "actix"] {
            for mode in ["sealed cookie", "memory store"] {
                eprintln!("{framework}, {mode}: {} unfinished logins", options.begins);
                report
                    .memory
                    .push(memory(&options, framework, mode, &mock).await?);
            }
        }
    }
    let tables = report.markdown();
    println!("{tables}");
    if let Some(path) = &options.write {
        let doc = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc = report::splice(&doc, &tables).ok_or_else(|| {
            format!(
                "{} has no `{}` ... `{}` lines",
                path.display(),
                report::BEGIN,
                report::END
            )
        })?;
        std::fs::write(path, doc).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("written to {}", path.display());
    }
    Ok(())
}
