//! A zone's servers of one product, kept the same way for every simulated API: in creation
//! order, found by id, with their state changes in flight.
//!
//! Actions are lazy. An action moves a server to an intermediate state and stores what the
//! server becomes with a deadline one `transition` away ([`Servers::begin`]); the change lands
//! when the zone is next read after the deadline ([`Servers::due`]), dated at the deadline on
//! the wall clock. Deadlines are `tokio::time::Instant`s, so `tokio::time::pause()` works.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// A change in flight: what the server becomes, and when.
pub(crate) struct Pending<T> {
    pub(crate) deadline: Instant,
    pub(crate) then: T,
}

/// A server as a zone holds it: an id, and room for a change in flight.
pub(crate) trait Held {
    /// What a change in flight makes of the server.
    type Then;

    fn id(&self) -> &str;

    fn pending(&mut self) -> &mut Option<Pending<Self::Then>>;
}

pub(crate) struct Servers<S> {
    /// Oldest first.
    list: Vec<S>,
    /// id → position in `list`; of the newest, when a test inserted two with one id.
    index: HashMap<String, usize>,
    /// Ids of servers with a change in flight, in the order the changes began.
    in_flight: Vec<String>,
}

impl<S> Default for Servers<S> {
    fn default() -> Self {
        Servers {
            list: Vec::new(),
            index: HashMap::new(),
            in_flight: Vec::new(),
        }
    }
}

impl<S: Held> Servers<S> {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Servers {
            list: Vec::with_capacity(capacity),
            ..Servers::default()
        }
    }

    /// Adds the newest server.
    pub(crate) fn push(&mut self, server: S) {
        self.index.insert(server.id().to_owned(), self.list.len());
        self.list.push(server);
    }

    /// Every server, oldest first.
    pub(crate) fn all(&self) -> &[S] {
        &self.list
    }

    /// The server a seeded roll `pick` lands on (`pick` modulo the count), unless a change is
    /// in flight on it: what churn may act on.
    pub(crate) fn idle_at(&mut self, pick: u64) -> Option<&S> {
        let len = self.list.len() as u64;
        if len == 0 {
            return None;
        }
        let server = &mut self.list[(pick % len) as usize];
        if server.pending().is_some() {
            return None;
        }
        Some(server)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&S> {
        self.list.get(*self.index.get(id)?)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut S> {
        self.list.get_mut(*self.index.get(id)?)
    }

    /// Starts a change on server `id`: it becomes `then` at `deadline`, in place of any change
    /// already in flight. Nothing happens when there is no such server.
    pub(crate) fn begin(&mut self, id: &str, deadline: Instant, then: S::Then) {
        let Some(server) = self.get_mut(id) else {
            return;
        };
        *server.pending() = Some(Pending { deadline, then });
        if !self.in_flight.iter().any(|p| p == id) {
            self.in_flight.push(id.to_owned());
        }
    }

    /// Every change in flight lands at `deadline` (the fleet's first transitions, which
    /// start once the whole fleet is built).
    pub(crate) fn land_all_at(&mut self, deadline: Instant) {
        for id in &self.in_flight {
            if let Some(p) = self
                .index
                .get(id)
                .and_then(|&pos| self.list[pos].pending().as_mut())
            {
                p.deadline = deadline;
            }
        }
    }

    /// Takes the changes whose deadline has passed at `now`, in the order they began: the
    /// server's position, what it becomes, and when that happened on the wall clock `wall`.
    pub(crate) fn due(
        &mut self,
        now: Instant,
        wall: DateTime<Utc>,
    ) -> Vec<(usize, S::Then, DateTime<Utc>)> {
        let mut due = Vec::new();
        if self.in_flight.is_empty() {
            return due;
        }
        let mut still = Vec::new();
        for id in std::mem::take(&mut self.in_flight) {
            let Some(&pos) = self.index.get(&id) else {
                continue;
            };
            let pending = self.list[pos].pending();
            let deadline = match pending {
                Some(p) => p.deadline,
                None => continue,
            };
            if deadline > now {
                still.push(id);
                continue;
            }
            if let Some(p) = pending.take() {
                let when = wall - chrono::Duration::from_std(now - deadline).unwrap_or_default();
                due.push((pos, p.then, when));
            }
        }
        self.in_flight = still;
        due
    }

    pub(crate) fn at_mut(&mut self, pos: usize) -> &mut S {
        &mut self.list[pos]
    }

    /// Removes the servers at the given positions (as [`Servers::due`] gives them), each
    /// returned with what the caller keeps beside its position, last position first.
    pub(crate) fn remove_at<T>(&mut self, mut at: Vec<(usize, T)>) -> Vec<(S, T)> {
        at.sort_by_key(|&(pos, _)| std::cmp::Reverse(pos));
        let removed: Vec<(S, T)> = at
            .into_iter()
            .map(|(pos, kept)| (self.list.remove(pos), kept))
            .collect();
        self.in_flight
            .retain(|id| !removed.iter().any(|(s, _)| s.id() == id));
        self.index = self
            .list
            .iter()
            .enumerate()
            .map(|(pos, s)| (s.id().to_owned(), pos))
            .collect();
        removed
    }

    /// Removes server `id`, and its change in flight.
    pub(crate) fn remove(&mut self, id: &str) -> Option<S> {
        let pos = *self.index.get(id)?;
        self.remove_at(vec![(pos, ())])
            .pop()
            .map(|(server, ())| server)
    }
}
