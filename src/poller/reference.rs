//! The reference data beside the servers, refreshed by [`Poller::poll_once`] once the zones
//! have ended: each served Instance zone's server-type catalog, and the projects of every
//! organization the fleet belongs to (and of the configured default one).
//!
//! Both change rarely, so each zone's catalog and each organization's projects are read at
//! start and then again only once the last good read is an hour old. A read is best effort:
//! a failure keeps the last good answer and is tried again at the next poll, except a
//! refusal (401, 403), which waits the hour too; it never fails a zone or changes
//! `scaleway_exporter_poll_success` (docs/design.md#the-catalog-and-the-project-names-are-best-effort).
//!
//! Logging follows the Block Storage habit: a line when a failure begins or changes cause
//! (zones that share a cause share the line), one when a read succeeds again; a key that may
//! not read projects gets one line for the whole run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

use tokio::task::JoinSet;
use tokio::time::Instant;

use super::Poller;
use crate::api::model;
use crate::api::{ApiError, ApiFlavor, Client};
use crate::inventory::{catalog_from_api, projects_from_api, Project, Snapshot};
use crate::product::{Product, PROJECTS};

/// How old the last good read of a catalog or of an organization's projects may be.
pub const REFRESH_EVERY: Duration = Duration::from_secs(3600);

/// What the poller keeps between polls to know what is due.
#[derive(Debug, Default)]
pub(super) struct Reference {
    /// `SCW_DEFAULT_ORGANIZATION_ID` or the scw profile's: its projects are read even when
    /// no server of it is seen.
    default_organization: Option<String>,
    state: tokio::sync::Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Zone -> its catalog's reads.
    zones: BTreeMap<String, Due>,
    /// Organization -> its projects' reads.
    organizations: BTreeMap<String, Due>,
    /// Organization -> its projects as of their last good read.
    projects: BTreeMap<String, Vec<Project>>,
    /// A refused projects read has been logged: once for the run.
    refusal_logged: bool,
}

/// When one catalog, or one organization's projects, is read next.
#[derive(Debug, Default)]
struct Due {
    last_success: Option<Instant>,
    /// The last refusal (401, 403): a permission is not granted within the minute.
    refused_at: Option<Instant>,
    /// The cause of the failure in course, `{zone}` for the zone's name, so a line is
    /// written when a failure begins or changes cause, not at every poll.
    failing: Option<String>,
}

impl Due {
    fn is_due(&self, now: Instant) -> bool {
        let recent = |at: Option<Instant>| at.is_some_and(|at| now - at < REFRESH_EVERY);
        !recent(self.last_success) && !recent(self.refused_at)
    }

    /// Records a failed read; true when it begins a failure or changes its cause.
    fn failed(&mut self, error: &ApiError, cause: String, now: Instant) -> bool {
        if is_refusal(error) {
            self.refused_at = Some(now);
        }
        self.failing.replace(cause.clone()) != Some(cause)
    }

    /// Records a good read; true when it ends a failure.
    fn succeeded(&mut self, now: Instant) -> bool {
        self.last_success = Some(now);
        self.refused_at = None;
        self.failing.take().is_some()
    }
}

fn is_refusal(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Status {
            status: 401 | 403,
            ..
        }
    )
}

enum Read {
    Types(
        String,
        Result<BTreeMap<String, model::ServerType>, ApiError>,
    ),
    Projects(String, Result<Vec<model::Project>, ApiError>),
}

impl Poller {
    /// Reads the projects of `organization_id` too, whether or not a server of it is seen.
    pub fn with_default_organization(mut self, organization_id: Option<&str>) -> Self {
        self.reference.default_organization = organization_id.map(str::to_owned);
        self
    }
}

impl Reference {
    /// `snapshot` with the catalogs and projects that were due read again, under one
    /// `timeout` for all of them, concurrently. The Instance flavor only: the legacy API has
    /// neither. A zone is read once its servers list has answered (a zone that fails would
    /// only fail twice).
    pub(super) async fn refresh(
        &self,
        client: &Client,
        mut snapshot: Snapshot,
        timeout: Duration,
    ) -> Snapshot {
        if client.flavor() != ApiFlavor::Instance {
            return snapshot;
        }
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let mut reads = JoinSet::new();
        let deadline = now + timeout;
        state.spawn_catalogs(&mut reads, client, &snapshot, now, deadline);
        let wanted: BTreeSet<String> = snapshot
            .organization_ids()
            .into_iter()
            .map(str::to_owned)
            .chain(self.default_organization.clone())
            .collect();
        let mut projects_changed = state.forget_organizations_but(&wanted);
        state.spawn_projects(&mut reads, client, wanted, now, deadline);
        let mut log = Lines::default();
        while let Some(joined) = reads.join_next().await {
            match joined {
                Ok(read) => projects_changed |= state.take(read, &mut snapshot, &mut log, now),
                Err(error) => {
                    tracing::error!(error = %error, "reference data read ended abnormally; the last good answer is kept");
                }
            }
        }
        state.refusal_logged |= !log.projects_refused.is_empty();
        log.write();
        if projects_changed {
            let all = state.projects.values().flatten().cloned().collect();
            snapshot = snapshot.with_projects(all);
        }
        snapshot
    }
}

impl State {
    /// Starts a read of each served Instance zone's catalog that is due.
    fn spawn_catalogs(
        &mut self,
        reads: &mut JoinSet<Read>,
        client: &Client,
        snapshot: &Snapshot,
        now: Instant,
        deadline: Instant,
    ) {
        for (zone, polled) in snapshot.zones_of(Product::Instance) {
            let due = self.zones.entry(zone.to_owned()).or_default();
            if polled.last_success.is_some() && due.is_due(now) {
                let (client, zone) = (client.clone(), zone.to_owned());
                reads.spawn(async move {
                    let types = client.list_server_types(&zone, deadline).await;
                    Read::Types(zone, types)
                });
            }
        }
    }

    /// Forgets the organizations no server belongs to any more; true when projects went.
    fn forget_organizations_but(&mut self, wanted: &BTreeSet<String>) -> bool {
        let before = self.projects.len();
        self.organizations.retain(|org, _| wanted.contains(org));
        self.projects.retain(|org, _| wanted.contains(org));
        self.projects.len() != before
    }

    /// Starts a read of each wanted organization's projects that is due.
    fn spawn_projects(
        &mut self,
        reads: &mut JoinSet<Read>,
        client: &Client,
        wanted: BTreeSet<String>,
        now: Instant,
        deadline: Instant,
    ) {
        for org in wanted {
            if self
                .organizations
                .entry(org.clone())
                .or_default()
                .is_due(now)
            {
                let client = client.clone();
                reads.spawn(async move {
                    let projects = client.list_projects(&org, deadline).await;
                    Read::Projects(org, projects)
                });
            }
        }
    }

    /// Takes in one read: a catalog into the snapshot, projects into the state, a failure
    /// into the log when it begins or changes. True when the projects changed.
    fn take(&mut self, read: Read, snapshot: &mut Snapshot, log: &mut Lines, now: Instant) -> bool {
        match read {
            Read::Types(zone, Ok(types)) => {
                if self.zones.entry(zone.clone()).or_default().succeeded(now) {
                    log.types_again.push(zone.clone());
                }
                tracing::debug!(zone, types = types.len(), "server-type catalog read");
                let catalog = catalog_from_api(types);
                *snapshot =
                    std::mem::take(snapshot).with_catalog(&zone, catalog, SystemTime::now());
                false
            }
            Read::Types(zone, Err(error)) => {
                let cause = error.to_string().replace(&zone, "{zone}");
                let due = self.zones.entry(zone.clone()).or_default();
                if due.failed(&error, cause.clone(), now) {
                    log.types_failed
                        .entry(cause)
                        .or_default()
                        .push((zone, error));
                }
                false
            }
            Read::Projects(org, Ok(projects)) => {
                if self
                    .organizations
                    .entry(org.clone())
                    .or_default()
                    .succeeded(now)
                {
                    log.projects_again.push(org.clone());
                }
                self.projects.insert(org, projects_from_api(projects));
                true
            }
            Read::Projects(org, Err(error)) => {
                let refused = is_refusal(&error);
                let due = self.organizations.entry(org.clone()).or_default();
                let changed = due.failed(&error, error.to_string(), now);
                if refused && !self.refusal_logged {
                    log.projects_refused.push((org, error));
                } else if changed && !refused {
                    log.projects_failed.push((org, error));
                }
                false
            }
        }
    }
}

/// The log lines of one refresh, written together, sorted, so that zones with one cause
/// share one line.
#[derive(Default)]
struct Lines {
    /// Cause -> the zones that failed for it (each with its own error).
    types_failed: BTreeMap<String, Vec<(String, ApiError)>>,
    types_again: Vec<String>,
    projects_refused: Vec<(String, ApiError)>,
    projects_failed: Vec<(String, ApiError)>,
    projects_again: Vec<String>,
}

impl Lines {
    fn write(mut self) {
        for (cause, mut zones) in self.types_failed {
            zones.sort_by(|a, b| a.0.cmp(&b.0));
            if let [(zone, error)] = zones.as_slice() {
                tracing::warn!(zone, error = %error, "server-type catalog read failed; the zone's types keep the values of the last good read (none before one); its servers are still published");
            } else {
                let names: Vec<&str> = zones.iter().map(|(z, _)| z.as_str()).collect();
                tracing::warn!(zones = names.join(",").as_str(), error = cause.as_str(), "server-type catalog read failed; the zone's types keep the values of the last good read (none before one); its servers are still published");
            }
        }
        if !self.types_again.is_empty() {
            self.types_again.sort();
            tracing::info!(
                zones = self.types_again.join(",").as_str(),
                "server-type catalog read again"
            );
        }
        if let Some((_, error)) = self.projects_refused.first() {
            let orgs: Vec<&str> = self
                .projects_refused
                .iter()
                .map(|(o, _)| o.as_str())
                .collect();
            tracing::warn!(
                organization_ids = orgs.join(",").as_str(),
                error = %error,
                "the key may not read project names: grant it the IAM permission set {} on the organization; scaleway_project_info is left out, servers are still published (said once for the run)",
                PROJECTS.permission_set
            );
        }
        for (org, error) in &self.projects_failed {
            tracing::warn!(organization_id = org.as_str(), error = %error, "projects read failed; project names keep the last good read (none before one)");
        }
        if !self.projects_again.is_empty() {
            self.projects_again.sort();
            tracing::info!(
                organization_ids = self.projects_again.join(",").as_str(),
                "projects read again"
            );
        }
    }
}
