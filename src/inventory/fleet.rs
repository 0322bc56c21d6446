//! [`Fleet`]: one zone's servers as its listing hands them over, page by page.

use std::collections::HashSet;

use super::Server;

/// Builds one zone's servers, of any product, from its listing: each id once (the first
/// listing wins; pages shift while paging), in API order.
#[derive(Debug, Default)]
pub struct Fleet {
    seen: HashSet<String>,
    servers: Vec<Server>,
}

impl Fleet {
    pub fn add(&mut self, server: impl Into<Server>) {
        let server = server.into();
        if self.seen.insert(server.id.clone()) {
            self.servers.push(server);
        }
    }

    /// The servers so far, to complete them before [`Fleet::finish`] (`sbs_volume` sizes).
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    pub fn servers_mut(&mut self) -> &mut [Server] {
        &mut self.servers
    }

    pub fn finish(self) -> Vec<Server> {
        self.servers
    }
}
