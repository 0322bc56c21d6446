//! How the reference poller takes in one read: into the snapshot or its own state, and into
//! the log when a failure begins or changes.

use std::time::SystemTime;

use tokio::time::Instant;

use super::lines::Lines;
use super::{is_refusal, Read, State};
use crate::api::ApiError;
use crate::inventory::{catalog_from_api, projects_from_api, Bill, PriceItems, Snapshot};
use crate::product::PriceList;

impl State {
    /// Takes in one read: a catalog into the snapshot, projects into the state, a failure
    /// into the log when it begins or changes. True when the projects changed.
    pub(super) fn take(
        &mut self,
        read: Read,
        snapshot: &mut Snapshot,
        log: &mut Lines,
        now: Instant,
    ) -> bool {
        match read {
            Read::Types(zone, Ok(types)) => {
                self.outcomes.insert(("types", zone.clone()), true);
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
                self.outcomes.insert(("types", zone.clone()), false);
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
                self.outcomes.insert(("projects", String::new()), true);
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
                self.outcomes.insert(("projects", String::new()), false);
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
            Read::Prices(list, zone, outcome) => {
                self.take_prices(list, zone, outcome, snapshot, log, now);
                false
            }
            Read::Bill(org, outcome) => {
                self.take_bill(org, outcome, log, now);
                false
            }
        }
    }
}

impl State {
    fn take_prices(
        &mut self,
        list: PriceList,
        zone: String,
        outcome: Result<PriceItems, ApiError>,
        snapshot: &mut Snapshot,
        log: &mut Lines,
        now: Instant,
    ) {
        let key = (list, zone.clone());
        self.outcomes
            .insert((list.label(), zone.clone()), outcome.is_ok());
        match outcome {
            Ok(items) => {
                if self.prices.entry(key).or_default().succeeded(now) {
                    log.prices_again.push((list, zone.clone()));
                }
                *snapshot = std::mem::take(snapshot).with_prices(list, &zone, items);
            }
            Err(error) => {
                let cause = error.to_string().replace(&zone, "{zone}");
                if self
                    .prices
                    .entry(key)
                    .or_default()
                    .failed(&error, cause.clone(), now)
                {
                    log.prices_failed
                        .entry((list, cause))
                        .or_default()
                        .push((zone, error));
                }
            }
        }
    }

    /// A bill into the state; true when the bill changed.
    pub(super) fn take_bill(
        &mut self,
        org: String,
        outcome: Result<(Bill, usize), ApiError>,
        log: &mut Lines,
        now: Instant,
    ) -> bool {
        self.outcomes
            .insert(("billing", String::new()), outcome.is_ok());
        match outcome {
            Ok((bill, left_out)) => {
                if self
                    .bills_due
                    .entry(org.clone())
                    .or_default()
                    .succeeded(now)
                {
                    log.bill_again.push(org.clone());
                }
                if left_out > 0 && !self.bill_left_out_logged {
                    log.bill_left_out += left_out;
                }
                self.bills.insert(org, bill);
                true
            }
            Err(error) => {
                let refused = is_refusal(&error);
                let due = self.bills_due.entry(org.clone()).or_default();
                let changed = due.failed(&error, error.to_string(), now);
                if refused && !self.bill_refusal_logged {
                    log.bill_refused.push((org, error));
                } else if changed && !refused {
                    log.bill_failed.push((org, error));
                }
                false
            }
        }
    }
}
