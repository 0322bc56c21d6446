//! A child process's log, read as it is written, and the address the child says it listens
//! on. This is the one way the tests learn the port of a child: the child binds
//! `127.0.0.1:0` itself and logs the address the system gave it. (A port the test picks by
//! binding port 0 and closing the socket again can be taken by another test before the
//! child binds it.)

use std::io::{BufRead as _, BufReader, Read};
use std::time::Duration;

use tokio::sync::mpsc;

/// How long a child gets to start and log that it listens: generous, it waits for an event.
pub const START_WAIT: Duration = Duration::from_secs(60);

/// The `address` field of a log line, when it holds a socket address: `address=HOST:PORT`
/// in logfmt (ours, and Prometheus's and Alertmanager's `msg="Listening on"`) or
/// `"address":"HOST:PORT"` in our JSON.
pub fn logged_address(line: &str) -> Option<String> {
    for key in ["address=", "\"address\":"] {
        for (at, _) in line.match_indices(key) {
            // `listen_address=` is another field.
            if line[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                continue;
            }
            let value: String = line[at + key.len()..]
                .trim_start_matches('"')
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '"' && *c != ',')
                .collect();
            if value.parse::<std::net::SocketAddr>().is_ok() {
                return Some(value);
            }
        }
    }
    None
}

/// The address named by the first line of `log` that contains `marker`.
pub fn address_in_log(log: &str, marker: &str) -> Option<String> {
    log.lines()
        .find(|line| line.contains(marker))
        .and_then(logged_address)
}

/// The lines a child writes to a pipe (its standard error, usually). A thread reads the pipe
/// to its end, so the child never blocks on a full pipe, however little the test reads and
/// even once this is dropped.
pub struct ChildLog {
    incoming: mpsc::UnboundedReceiver<String>,
    /// Every line received so far.
    pub lines: Vec<String>,
    /// How many of `lines` [`ChildLog::wait_for`] has looked at.
    scanned: usize,
}

impl ChildLog {
    pub fn read(pipe: impl Read + Send + 'static) -> ChildLog {
        let (send, incoming) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let _ = send.send(line);
            }
        });
        ChildLog {
            incoming,
            lines: Vec::new(),
            scanned: 0,
        }
    }

    /// The next line that contains `marker`, waiting for it at most `within`. Panics with
    /// the lines so far when the child closes the pipe (it exited) or time runs out.
    pub async fn wait_for(&mut self, marker: &str, within: Duration) -> String {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while self.scanned < self.lines.len() {
                self.scanned += 1;
                if self.lines[self.scanned - 1].contains(marker) {
                    return self.lines[self.scanned - 1].clone();
                }
            }
            match tokio::time::timeout_at(deadline, self.incoming.recv()).await {
                Ok(Some(line)) => self.lines.push(line),
                Ok(None) => panic!(
                    "the child's log ended without {marker:?}:\n{}",
                    self.lines.join("\n")
                ),
                Err(_) => panic!(
                    "no {marker:?} in the child's log after {within:?}:\n{}",
                    self.lines.join("\n")
                ),
            }
        }
    }

    /// The address named by the next line with `marker`, at most [`START_WAIT`] away.
    pub async fn address(&mut self, marker: &str) -> String {
        let line = self.wait_for(marker, START_WAIT).await;
        logged_address(&line).unwrap_or_else(|| panic!("no address in {line:?}"))
    }
}

/// A child process that is killed (and reaped) when this is dropped: when the test ends,
/// pass or fail.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
