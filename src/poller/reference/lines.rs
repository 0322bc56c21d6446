//! The log lines of one refresh of the reference data.

use std::collections::BTreeMap;

use crate::api::ApiError;
use crate::product::{PriceList, CONSUMPTIONS, PROJECTS};

/// The log lines of one refresh, written together, sorted, so that zones with one cause
/// share one line.
#[derive(Default)]
pub(super) struct Lines {
    /// Cause -> the zones that failed for it (each with its own error).
    pub(super) types_failed: BTreeMap<String, Vec<(String, ApiError)>>,
    pub(super) types_again: Vec<String>,
    pub(super) projects_refused: Vec<(String, ApiError)>,
    pub(super) projects_failed: Vec<(String, ApiError)>,
    pub(super) projects_again: Vec<String>,
    /// (list, cause) -> the zones whose prices failed for it.
    pub(super) prices_failed: BTreeMap<(PriceList, String), Vec<(String, ApiError)>>,
    pub(super) prices_again: Vec<(PriceList, String)>,
    pub(super) bill_refused: Vec<(String, ApiError)>,
    pub(super) bill_failed: Vec<(String, ApiError)>,
    pub(super) bill_again: Vec<String>,
    /// Rows of a bill not in euros, or not consistent, left out.
    pub(super) bill_left_out: usize,
}

impl Lines {
    pub(super) fn write(mut self) {
        self.write_prices();
        self.write_bill();
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

    fn write_prices(&mut self) {
        for ((list, cause), mut zones) in std::mem::take(&mut self.prices_failed) {
            zones.sort_by(|a, b| a.0.cmp(&b.0));
            let names: Vec<&str> = zones.iter().map(|(z, _)| z.as_str()).collect();
            let error = match zones.as_slice() {
                [(_, error)] => error.to_string(),
                _ => cause,
            };
            tracing::warn!(
                reference = list.label(),
                zones = names.join(",").as_str(),
                error,
                "{} read failed; their prices keep the last good read (none before one); servers are still published",
                list.title()
            );
        }
        let mut again = std::mem::take(&mut self.prices_again);
        again.sort();
        for list in PriceList::ALL {
            let zones: Vec<&str> = again
                .iter()
                .filter(|(l, _)| *l == list)
                .map(|(_, z)| z.as_str())
                .collect();
            if !zones.is_empty() {
                tracing::info!(
                    reference = list.label(),
                    zones = zones.join(",").as_str(),
                    "{} read again",
                    list.title()
                );
            }
        }
    }

    fn write_bill(&mut self) {
        if let Some((_, error)) = self.bill_refused.first() {
            let orgs: Vec<&str> = self.bill_refused.iter().map(|(o, _)| o.as_str()).collect();
            tracing::warn!(
                organization_ids = orgs.join(",").as_str(),
                error = %error,
                "the key may not read the bill: grant it the IAM permission set {} on the organization; scaleway_billing_consumption_euros is left out, servers are still published (said once for the run)",
                CONSUMPTIONS.permission_set
            );
        }
        for (org, error) in &self.bill_failed {
            tracing::warn!(organization_id = org.as_str(), error = %error, "bill read failed; the bill keeps its last good read (none before one)");
        }
        if !self.bill_again.is_empty() {
            self.bill_again.sort();
            tracing::info!(
                organization_ids = self.bill_again.join(",").as_str(),
                "bill read again"
            );
        }
        if self.bill_left_out > 0 {
            tracing::info!(
                rows = self.bill_left_out,
                "bill rows not in euros, or with an amount whose parts disagree in sign, are left out of scaleway_billing_consumption_euros (said once for the run)"
            );
        }
    }
}
