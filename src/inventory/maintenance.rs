//! A server's planned maintenances, one per reason
//! (docs/api-notes.md#maintenances-end-of-service-and-boot-type).

use super::unix_seconds;
use crate::api::model;

/// A maintenance scheduled on a server, as the metrics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Maintenance {
    /// The API's free text, the `reason` label; unique among the server's maintenances.
    pub reason: String,
    /// Unix seconds: the earliest start the API gave for this reason; `None` when it gave
    /// none that parses.
    pub start: Option<f64>,
}

/// The maintenances of a server, one per distinct reason, in the order the API first names
/// each reason. Two entries with one reason would be two series with the same labels, which
/// an exposition may not hold: they become one, starting at the earliest of their starts.
/// A `null` entry is skipped.
pub(super) fn maintenances_from_api(entries: Vec<Option<model::Maintenance>>) -> Vec<Maintenance> {
    let mut out: Vec<Maintenance> = Vec::new();
    for entry in entries.into_iter().flatten() {
        let start = entry.start_date.as_deref().and_then(unix_seconds);
        match out.iter_mut().find(|m| m.reason == entry.reason) {
            Some(known) => {
                known.start = match (known.start, start) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            None => out.push(Maintenance {
                reason: entry.reason,
                start,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries shaped as the Go SDK's `ServerMaintenance` (`reason`, `start_date` nullable):
    /// no recorded Instance body has a non-empty `maintenances`.
    fn entries(json: &str) -> Vec<Option<model::Maintenance>> {
        serde_json::from_str(json).expect("entries parse")
    }

    #[test]
    fn a_maintenance_keeps_its_reason_and_its_start_when_there_is_one() {
        let got = maintenances_from_api(entries(
            r#"[{"reason":"hypervisor upgrade","start_date":"2026-09-01T02:00:00+00:00"},
                {"reason":"disk swap","start_date":null},
                {"reason":"network"}]"#,
        ));
        assert_eq!(
            got,
            [
                Maintenance {
                    reason: "hypervisor upgrade".into(),
                    start: Some(1_788_228_000.0)
                },
                Maintenance {
                    reason: "disk swap".into(),
                    start: None
                },
                Maintenance {
                    reason: "network".into(),
                    start: None
                },
            ]
        );
    }

    #[test]
    fn two_maintenances_with_one_reason_become_one_starting_at_the_earliest() {
        let got = maintenances_from_api(entries(
            r#"[{"reason":"reboot","start_date":"2026-09-02T00:00:00Z"},
                {"reason":"other","start_date":"2026-09-05T00:00:00Z"},
                {"reason":"reboot","start_date":null},
                {"reason":"reboot","start_date":"2026-09-01T00:00:00Z"}]"#,
        ));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].reason, "reboot");
        assert_eq!(got[0].start, Some(1_788_220_800.0));
        assert_eq!(got[1].reason, "other");
    }

    #[test]
    fn a_repeated_reason_takes_the_start_of_the_entry_that_has_one() {
        let got = maintenances_from_api(entries(
            r#"[{"reason":"r","start_date":null},{"reason":"r","start_date":"2026-09-01T00:00:00Z"}]"#,
        ));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].start, Some(1_788_220_800.0));
    }

    #[test]
    fn null_entries_and_null_reasons_are_tolerated() {
        let got = maintenances_from_api(entries(
            r#"[null,{"reason":null,"start_date":"not a date"}]"#,
        ));
        assert_eq!(
            got,
            [Maintenance {
                reason: String::new(),
                start: None
            }]
        );
    }
}
