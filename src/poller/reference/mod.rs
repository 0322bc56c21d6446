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
//! The prices of what the fleet runs (Elastic Metal's and Dedibox's offers, Block Storage's
//! volume types, each in the zones of its product) and this month's bill of each
//! organization are read the same way, hourly and best effort (`reference/take.rs`).
//!
//! Logging follows the Block Storage habit: a line when a failure begins or changes cause
//! (zones that share a cause share the line), one when a read succeeds again; a key that may
//! not read projects gets one line for the whole run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

mod lines;
mod take;

use lines::Lines;

use super::Poller;
use crate::api::model;
use crate::api::{query_value, ApiError, ApiFlavor, Client, Endpoint};
use crate::inventory::{
    block_volume_types, dedibox_offers, elastic_metal_offers, Bill, PriceItems, Project, Snapshot,
};
use crate::product::{PriceList, Product, CONSUMPTIONS};

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
pub(super) struct State {
    /// Zone -> its catalog's reads.
    zones: BTreeMap<String, Due>,
    /// Organization -> its projects' reads.
    organizations: BTreeMap<String, Due>,
    /// Organization -> its projects as of their last good read.
    projects: BTreeMap<String, Vec<Project>>,
    /// A refused projects read has been logged: once for the run.
    refusal_logged: bool,
    /// (list, zone) -> its prices' reads.
    prices: BTreeMap<(PriceList, String), Due>,
    /// Organization -> its bill's reads.
    bills_due: BTreeMap<String, Due>,
    /// Organization -> its bill of the month as of its last good read.
    bills: BTreeMap<String, Bill>,
    /// A refused bill read has been logged: once for the run.
    bill_refusal_logged: bool,
    /// Bill rows left out (not in euros) have been said: once for the run.
    bill_left_out_logged: bool,
    /// (reference, zone or "") -> whether its last read succeeded.
    outcomes: BTreeMap<(&'static str, String), bool>,
}

/// When one catalog, or one organization's projects, is read next.
#[derive(Debug, Default)]
pub(super) struct Due {
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
    pub(super) fn failed(&mut self, error: &ApiError, cause: String, now: Instant) -> bool {
        if is_refusal(error) {
            self.refused_at = Some(now);
        }
        self.failing.replace(cause.clone()) != Some(cause)
    }

    /// Records a good read; true when it ends a failure.
    pub(super) fn succeeded(&mut self, now: Instant) -> bool {
        self.last_success = Some(now);
        self.refused_at = None;
        self.failing.take().is_some()
    }
}

/// One zone's list of prices, every page (Elastic Metal's offers twice: the default listing
/// gives the hourly offers only, `subscription_period=monthly` their monthly twins).
async fn read_prices(
    client: &Client,
    list: PriceList,
    zone: &str,
    deadline: Instant,
) -> Result<PriceItems, ApiError> {
    let endpoint = Endpoint::Prices(list);
    let path = list.listing().path_in(zone);
    Ok(match list {
        PriceList::ElasticMetalOffers => {
            let mut offers = client
                .list_at::<model::ElasticMetalOffer>(endpoint, zone, &path, deadline)
                .await?;
            let monthly = format!("{path}?subscription_period=monthly");
            offers.extend(client.list_at(endpoint, zone, &monthly, deadline).await?);
            elastic_metal_offers(offers)
        }
        PriceList::DediboxOffers => {
            dedibox_offers(client.list_at(endpoint, zone, &path, deadline).await?)
        }
        PriceList::BlockVolumeTypes => {
            block_volume_types(client.list_at(endpoint, zone, &path, deadline).await?)
        }
    })
}

pub(super) fn is_refusal(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Status {
            status: 401 | 403,
            ..
        }
    )
}

pub(super) enum Read {
    Types(
        String,
        Result<BTreeMap<String, model::ServerType>, ApiError>,
    ),
    Projects(String, Result<Vec<model::Project>, ApiError>),
    Prices(PriceList, String, Result<PriceItems, ApiError>),
    /// An organization's bill of the month, and how many of its rows were left out.
    Bill(String, Result<(Bill, usize), ApiError>),
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
        state.spawn_prices(&mut reads, client, &snapshot, now, deadline);
        state.spawn_bills(&mut reads, client, &wanted, now, deadline);
        state.spawn_projects(&mut reads, client, wanted, now, deadline);
        let mut log = Lines::default();
        let mut bill_changed = false;
        while let Some(joined) = reads.join_next().await {
            match joined {
                Ok(Read::Bill(org, outcome)) => {
                    bill_changed |= state.take_bill(org, outcome, &mut log, now);
                }
                Ok(read) => projects_changed |= state.take(read, &mut snapshot, &mut log, now),
                Err(error) => {
                    tracing::error!(error = %error, "reference data read ended abnormally; the last good answer is kept");
                }
            }
        }
        state.refusal_logged |= !log.projects_refused.is_empty();
        state.bill_refusal_logged |= !log.bill_refused.is_empty();
        state.bill_left_out_logged |= log.bill_left_out > 0;
        log.write();
        if projects_changed {
            let all = state.projects.values().flatten().cloned().collect();
            snapshot = snapshot.with_projects(all);
        }
        if bill_changed {
            snapshot = snapshot.with_bill(Bill::merge(state.bills.values().cloned()));
        }
        snapshot.reference_success = std::sync::Arc::new(state.outcomes.clone());
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
        self.bills_due.retain(|org, _| wanted.contains(org));
        self.bills.retain(|org, _| wanted.contains(org));
        self.projects.len() != before
    }

    /// Starts a read of each price list that is due, in each zone of its product whose
    /// servers answered.
    fn spawn_prices(
        &mut self,
        reads: &mut JoinSet<Read>,
        client: &Client,
        snapshot: &Snapshot,
        now: Instant,
        deadline: Instant,
    ) {
        for list in PriceList::ALL {
            for (zone, polled) in snapshot.zones_of(list.read_with()) {
                let due = self.prices.entry((list, zone.to_owned())).or_default();
                if polled.last_success.is_some() && due.is_due(now) {
                    let (client, zone) = (client.clone(), zone.to_owned());
                    reads.spawn(async move {
                        let prices = read_prices(&client, list, &zone, deadline).await;
                        Read::Prices(list, zone, prices)
                    });
                }
            }
        }
    }

    /// Starts a read of this month's bill of each wanted organization that is due.
    fn spawn_bills(
        &mut self,
        reads: &mut JoinSet<Read>,
        client: &Client,
        wanted: &BTreeSet<String>,
        now: Instant,
        deadline: Instant,
    ) {
        let period = chrono::Utc::now().format("%Y-%m").to_string();
        for org in wanted {
            if self.bills_due.entry(org.clone()).or_default().is_due(now) {
                let (client, org, period) = (client.clone(), org.clone(), period.clone());
                reads.spawn(async move {
                    let path = format!(
                        "{}?organization_id={}&billing_period={period}",
                        CONSUMPTIONS.path,
                        query_value(&org)
                    );
                    let rows = client
                        .list_at::<model::Consumption>(Endpoint::Billing, "", &path, deadline)
                        .await;
                    Read::Bill(org, rows.map(|rows| Bill::from_rows(&period, rows)))
                });
            }
        }
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
}
