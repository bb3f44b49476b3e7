//! Capturing `tracing` output in tests, to check that no secret reaches a log.

use std::io;
use std::sync::{Arc, Mutex};

use tracing::Dispatch;
use tracing::subscriber::{DefaultGuard, NoSubscriber};

/// Everything logged on the current thread, down to TRACE, while the guard returned by
/// [`capture`](Self::capture) lives. Use it from a current-thread runtime (the default of
/// `#[tokio::test]`) so that all the work runs on that thread.
///
/// ```
/// let (logs, guard) = oauth_kit_testkit::LogCapture::capture();
/// tracing::info!(provider = "bitbucket", "login completed");
/// drop(guard);
/// assert!(logs.text().contains("login completed"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

/// Keeps a [`LogCapture`] installed on its thread; dropping it restores the thread's previous
/// subscriber.
#[must_use = "the capture stops when the guard is dropped"]
#[derive(Debug)]
pub struct CaptureGuard {
    _default: DefaultGuard,
    _second: Dispatch,
}

impl LogCapture {
    /// Installs a plain-text subscriber at TRACE level on this thread until the guard drops.
    ///
    /// While only one subscriber is registered in the process, `tracing` decides whether a
    /// call site is enabled from the default subscriber of whichever thread reaches it first;
    /// a test thread without a capture could then switch a call site off for the capturing
    /// thread too. The guard keeps a second, silent subscriber registered, so that every
    /// decision consults the capture.
    pub fn capture() -> (Self, CaptureGuard) {
        let logs = LogCapture::default();
        let second = Dispatch::new(NoSubscriber::default());
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        (
            logs,
            CaptureGuard {
                _default: guard,
                _second: second,
            },
        )
    }

    /// The text captured so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("the log buffer's lock was poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
