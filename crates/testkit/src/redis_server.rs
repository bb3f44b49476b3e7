//! A throw-away `redis-server` on a free loopback port, for tests that need a real Redis.

use std::fmt;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long to wait for a started server to answer `PING`.
const READY_WAIT: Duration = Duration::from_secs(10);

/// A `redis-server` child process on `127.0.0.1:<free port>`, without persistence
/// (`--save '' --appendonly no`). It is killed when dropped.
///
/// The binary is `redis-server` on `PATH`, or the path in the `REDIS_SERVER` environment
/// variable. When it cannot be found, [`start`](Self::start) fails with a message that says
/// how to install it: tests that need Redis fail rather than skip. CI installs the Debian
/// package `redis-server` (see `.ci/run`).
///
/// ```no_run
/// use oauth_kit_testkit::RedisServer;
///
/// let mut redis = RedisServer::start()?;
/// let url = redis.url(); // redis://127.0.0.1:PORT
/// redis.stop()?; // Redis goes away...
/// redis.restart()?; // ...and comes back on the same port, empty.
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct RedisServer {
    port: u16,
    binary: String,
    child: Option<Child>,
}

impl fmt::Debug for RedisServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisServer")
            .field("port", &self.port)
            .field("running", &self.child.is_some())
            .finish()
    }
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    pub fn start() -> std::io::Result<Self> {
        let binary = std::env::var("REDIS_SERVER")
            .ok()
            .filter(|b| !b.trim().is_empty())
            .unwrap_or_else(|| "redis-server".to_owned());
        let mut server = Self {
            port: free_port()?,
            binary,
            child: None,
        };
        server.spawn()?;
        Ok(server)
    }

    /// The server's URL, `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The server's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server and waits for it to exit (its data is lost).
    pub fn stop(&mut self) -> std::io::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Starts the server again on the same port (empty) and waits until it answers `PING`.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.stop()?;
        self.spawn()
    }

    /// Freezes the server (`SIGSTOP`): connections stay open but nothing is answered, as
    /// with an overloaded or stuck Redis.
    pub fn pause(&self) -> std::io::Result<()> {
        self.signal("-STOP")
    }

    /// Lets a paused server run again (`SIGCONT`).
    pub fn resume(&self) -> std::io::Result<()> {
        self.signal("-CONT")
    }

    /// Sends one command (a list of arguments) and returns the answer, for checks such as
    /// `DBSIZE` or `KEYS *`.
    pub fn command(&self, args: &[&str]) -> std::io::Result<redis::Value> {
        let (name, rest) = args
            .split_first()
            .ok_or_else(|| other("no command given"))?;
        let mut connection = self.connection()?;
        redis::cmd(name)
            .arg(rest)
            .query(&mut connection)
            .map_err(|e| other(&format!("`{name}` failed: {e}")))
    }

    fn signal(&self, signal: &str) -> std::io::Result<()> {
        let child = self
            .child
            .as_ref()
            .ok_or_else(|| other("the server is not running"))?;
        let status = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(other(&format!("kill {signal} failed: {status}")))
        }
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                other(&format!(
                    "cannot start `{}` ({e}): tests that use Redis need redis-server on PATH; \
                     install it (Debian: `apt-get install redis-server`, as .ci/run does) or set \
                     REDIS_SERVER to its path",
                    self.binary
                ))
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + READY_WAIT;
        loop {
            let answer = self.connection().and_then(|mut connection| {
                redis::cmd("PING")
                    .query::<String>(&mut connection)
                    .map_err(|e| other(&e.to_string()))
            });
            match answer {
                Ok(pong) if pong == "PONG" => return Ok(()),
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                Ok(pong) => return Err(other(&format!("PING answered {pong:?}"))),
                Err(err) => {
                    let _ = self.stop();
                    return Err(other(&format!(
                        "redis-server on port {} did not answer PING: {err}",
                        self.port
                    )));
                }
            }
        }
    }

    fn connection(&self) -> std::io::Result<redis::Connection> {
        let client = redis::Client::open(self.url()).map_err(|e| other(&e.to_string()))?;
        client
            .get_connection_with_timeout(Duration::from_secs(1))
            .map_err(|e| other(&e.to_string()))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn other(message: &str) -> std::io::Error {
    std::io::Error::other(message.to_owned())
}
