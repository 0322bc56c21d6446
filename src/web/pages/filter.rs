//! The fleet's filter: the query parameters of `/` and `/inventory.json`, checked, and the
//! rows it keeps, in the order both views list them.
//!
//! The rules, the same for every parameter and for both views:
//!
//! - `product`, `zone`, `state` and `up`; each may be given several times
//!   (`?state=stopped&state=starting`) or as a comma list (`?state=stopped,starting`), and a
//!   server is kept when it matches one of the values of every parameter given.
//! - Values are compared ignoring case, and `_` stands for a space (`Stopped`,
//!   `stopped_in_place`). Empty values (the form's "all") restrict nothing.
//! - `up=false` keeps the servers not in their product's up state (`running` for an
//!   Instance), "not running" on the page; `up=true` the others.
//! - Any other parameter, or a value that names nothing (a zone this exporter does not poll,
//!   a state no product has), is refused: 400, with one sentence naming the parameter, the
//!   value and what is accepted ([`BadFilter`]), as HTML on `/` and as `{"error": ...}` on
//!   `/inventory.json`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::rows::{fleet_rows, polled_products, state_labels, zone_labels, FleetRow};
use crate::inventory::Snapshot;

/// The parameters a filter may have, in the order a link writes them.
pub const PARAMETERS: [&str; 4] = ["product", "zone", "state", "up"];

/// The query parameters of `/` and `/inventory.json` as sent, in order: a parameter may
/// repeat.
#[derive(Debug, Default, Clone)]
pub struct FleetQuery {
    pub pairs: Vec<(String, String)>,
}

/// A validated filter: an empty set, or `None`, matches everything.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filter {
    pub products: BTreeSet<&'static str>,
    pub zones: BTreeSet<String>,
    pub states: BTreeSet<&'static str>,
    /// `Some(false)`: only the servers not in their product's up state.
    pub up: Option<bool>,
}

/// A parameter, or one of its values, that names nothing: said in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("filter {parameter}={given:?} refused: {accepted}")]
pub struct BadFilter {
    pub parameter: String,
    pub given: String,
    /// What would have been accepted, as a clause (`state is one of running, ...`).
    pub accepted: String,
}

impl FleetQuery {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        FleetQuery { pairs }
    }

    /// The filter of the query against the zones of `snapshot`, or the first value refused.
    pub fn filter(&self, snapshot: &Snapshot) -> Result<Filter, BadFilter> {
        match self.parse(snapshot) {
            (filter, None) => Ok(filter),
            (_, Some(bad)) => Err(bad),
        }
    }

    /// The filter of the values accepted (for the form to keep them checked), and the first
    /// value refused, if any.
    pub fn parse(&self, snapshot: &Snapshot) -> (Filter, Option<BadFilter>) {
        let zones = zone_labels(snapshot);
        let states = state_labels(snapshot);
        let products: Vec<&'static str> = polled_products(snapshot)
            .iter()
            .map(|p| p.label())
            .collect();
        let mut filter = Filter::default();
        let mut up = BTreeSet::new();
        let mut refused = None;
        for (parameter, value) in &self.pairs {
            for given in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                let outcome = match parameter.as_str() {
                    "product" => pick(parameter, given, &products, "product is one of")
                        .map(|p| filter.products.insert(p)),
                    "zone" => pick(
                        parameter,
                        given,
                        &zones,
                        "zone is one of the zones this exporter polls,",
                    )
                    .map(|z| filter.zones.insert(z.to_owned())),
                    "state" => pick(parameter, given, &states, "state is one of")
                        .map(|s| filter.states.insert(s)),
                    "up" => pick(parameter, given, &["true", "false"], "up is one of")
                        .map(|u| up.insert(u == "true")),
                    _ => Err(BadFilter {
                        parameter: parameter.clone(),
                        given: given.to_owned(),
                        accepted: format!("the parameters are {}", PARAMETERS.join(", ")),
                    }),
                };
                if let Err(bad) = outcome {
                    refused.get_or_insert(bad);
                }
            }
            // An unknown parameter is refused even when empty: it is a misspelt one.
            if value.trim().is_empty() && !PARAMETERS.contains(&parameter.as_str()) {
                refused.get_or_insert(BadFilter {
                    parameter: parameter.clone(),
                    given: value.clone(),
                    accepted: format!("the parameters are {}", PARAMETERS.join(", ")),
                });
            }
        }
        // Both `up` values restrict nothing.
        if up.len() == 1 {
            filter.up = up.first().copied();
        }
        (filter, refused)
    }
}

/// The one of `accepted` that `given` names, ignoring case, `_` standing for a space.
fn pick<'l>(
    parameter: &str,
    given: &str,
    accepted: &[&'l str],
    clause: &str,
) -> Result<&'l str, BadFilter> {
    let wanted = normalise(given);
    accepted
        .iter()
        .copied()
        .find(|label| normalise(label) == wanted)
        .ok_or_else(|| BadFilter {
            parameter: parameter.to_owned(),
            given: given.to_owned(),
            accepted: format!(
                "{clause} {} (any case, several allowed)",
                accepted.join(", ")
            ),
        })
}

fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl Filter {
    pub fn matches(&self, row: &FleetRow) -> bool {
        (self.products.is_empty() || self.products.contains(row.product))
            && (self.zones.is_empty() || self.zones.contains(row.zone))
            && (self.states.is_empty() || self.states.contains(row.state))
            && self.up.is_none_or(|up| up == row.up)
    }

    /// `?zone=...&state=...` for a link to the same view (percent-encoded, values
    /// repeated), or `""` for no filter.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        pairs.extend(self.products.iter().map(|p| ("product", *p)));
        pairs.extend(self.zones.iter().map(|z| ("zone", z.as_str())));
        pairs.extend(self.states.iter().map(|s| ("state", *s)));
        if let Some(up) = self.up {
            pairs.push(("up", if up { "true" } else { "false" }));
        }
        query_string(&pairs)
    }
}

/// `?a=b&c=d`, percent-encoded, or `""` for no pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The rows the filter keeps: not running first, then by product, zone, name and id.
pub fn rows<'a>(snapshot: &'a Snapshot, filter: &Filter) -> Vec<FleetRow<'a>> {
    let mut rows: Vec<FleetRow> = fleet_rows(snapshot)
        .filter(|row| filter.matches(row))
        .collect();
    rows.sort_by(|a, b| {
        (a.up, a.product, a.zone, a.name, a.id).cmp(&(b.up, b.product, b.zone, b.name, b.id))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pages::tests::{query, snapshot_of};

    fn fleet() -> Snapshot {
        snapshot_of(
            r#"{"servers":[{"id":"1","name":"a","state":"running"},{"id":"2","name":"b","state":"stopped"},
                {"id":"3","name":"c","state":"running"},{"id":"4","name":"d","state":"locked"},
                {"id":"5","name":"e","state":"stopped in place"}]}"#,
        )
    }

    fn kept(snapshot: &Snapshot, pairs: &[(&str, &str)]) -> Vec<String> {
        let filter = query(pairs).filter(snapshot).unwrap();
        rows(snapshot, &filter)
            .iter()
            .map(|r| r.id.to_owned())
            .collect()
    }

    fn refusal(pairs: &[(&str, &str)]) -> String {
        query(pairs).filter(&fleet()).unwrap_err().to_string()
    }

    #[test]
    fn servers_not_running_come_first() {
        assert_eq!(kept(&fleet(), &[]), ["2", "4", "5", "1", "3"]);
    }

    #[test]
    fn states_are_matched_ignoring_case_with_an_underscore_for_a_space() {
        let snapshot = fleet();
        for spelling in [
            "stopped in place",
            "Stopped In Place",
            "stopped_in_place",
            "STOPPED_IN_PLACE",
        ] {
            assert_eq!(kept(&snapshot, &[("state", spelling)]), ["5"], "{spelling}");
        }
        assert_eq!(kept(&snapshot, &[("state", "Stopped")]), ["2"]);
        assert_eq!(kept(&snapshot, &[("zone", "FR-PAR-1")]).len(), 5);
    }

    #[test]
    fn several_values_are_given_repeated_or_as_a_comma_list() {
        let snapshot = fleet();
        let repeated = kept(&snapshot, &[("state", "stopped"), ("state", "locked")]);
        assert_eq!(repeated, ["2", "4"]);
        assert_eq!(kept(&snapshot, &[("state", "stopped, locked")]), repeated);
        assert_eq!(
            kept(
                &snapshot,
                &[("zone", "nl-ams-1,fr-par-1"), ("state", "running")]
            ),
            ["1", "3"]
        );
        // A zone polled but without servers keeps none.
        assert!(kept(&snapshot, &[("zone", "nl-ams-1")]).is_empty());
    }

    #[test]
    fn up_false_keeps_the_servers_not_running_and_both_values_keep_all() {
        let snapshot = fleet();
        assert_eq!(kept(&snapshot, &[("up", "false")]), ["2", "4", "5"]);
        assert_eq!(kept(&snapshot, &[("up", "TRUE")]), ["1", "3"]);
        let both = query(&[("up", "true,false")]).filter(&snapshot).unwrap();
        assert_eq!(both, Filter::default());
    }

    #[test]
    fn empty_values_restrict_nothing() {
        let all = query(&[("zone", ""), ("state", ""), ("up", " ")]).filter(&fleet());
        assert_eq!(all.unwrap(), Filter::default());
    }

    #[test]
    fn every_bad_value_is_refused_the_same_way_naming_parameter_value_and_what_is_accepted() {
        assert_eq!(
            refusal(&[("state", "asleep")]),
            "filter state=\"asleep\" refused: state is one of running, stopped, stopped in place, \
             starting, stopping, locked, unknown (any case, several allowed)"
        );
        assert_eq!(
            refusal(&[("zone", "xx-yyy-9")]),
            "filter zone=\"xx-yyy-9\" refused: zone is one of the zones this exporter polls, \
             fr-par-1, nl-ams-1 (any case, several allowed)"
        );
        assert_eq!(
            refusal(&[("up", "maybe")]),
            "filter up=\"maybe\" refused: up is one of true, false (any case, several allowed)"
        );
        assert_eq!(
            refusal(&[("product", "lambda")]),
            "filter product=\"lambda\" refused: product is one of instance (any case, several allowed)"
        );
        assert_eq!(
            refusal(&[("State", "stopped")]),
            "filter State=\"stopped\" refused: the parameters are product, zone, state, up"
        );
        assert_eq!(
            refusal(&[("zones", "")]),
            "filter zones=\"\" refused: the parameters are product, zone, state, up"
        );
        // In a list, the value refused is the one named, the first of several.
        assert_eq!(
            refusal(&[("state", "stopped,asleep,dozing")]),
            refusal(&[("state", "asleep")])
        );
        assert!(refusal(&[("state", "stopped"), ("zone", "mars-1")]).starts_with("filter zone="));
    }

    #[test]
    fn a_refused_query_still_keeps_the_values_it_accepted_for_the_form() {
        let (filter, refused) =
            query(&[("zone", "nl-ams-1"), ("state", "asleep,stopped")]).parse(&fleet());
        assert!(refused.is_some());
        assert_eq!(filter.zones, BTreeSet::from(["nl-ams-1".to_owned()]));
        assert_eq!(filter.states, BTreeSet::from(["stopped"]));
    }

    #[test]
    fn the_query_string_is_percent_encoded_with_values_repeated() {
        let filter = query(&[
            ("zone", "nl-ams-1,fr-par-1"),
            ("state", "stopped_in_place"),
            ("up", "false"),
        ])
        .filter(&fleet())
        .unwrap();
        assert_eq!(
            filter.query_string(),
            "?zone=fr-par-1&zone=nl-ams-1&state=stopped%20in%20place&up=false"
        );
        assert_eq!(Filter::default().query_string(), "");
    }
}
