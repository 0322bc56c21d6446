//! The fleet at a glance: for each product and zone, its servers, how many are not running
//! (not in their product's up state), and how many are in each state. It is of the whole
//! fleet, whatever the filter, and each count links to the view of the servers it counts.

use std::collections::BTreeMap;

use maud::{html, Markup};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::filter::query_string;
use super::rows::{fleet_rows, product_zones};
use crate::inventory::Snapshot;
use crate::product::Product;

/// The servers of one product in one zone (or, for [`Summary::total`], of the fleet).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ZoneCount<'a> {
    pub product: &'static str,
    /// `None` in the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<&'a str>,
    pub servers: usize,
    pub not_running: usize,
    /// Servers by state label, in the product's order of states; states with none left out.
    pub states: StateCounts,
}

/// Counts by state label, written as a JSON object in the products' order of states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateCounts(pub Vec<(&'static str, usize)>);

impl StateCounts {
    fn add(&mut self, state: &'static str, count: usize) {
        match self.0.iter_mut().find(|(label, _)| *label == state) {
            Some((_, n)) => *n += count,
            None => self.0.push((state, count)),
        }
    }

    /// In the order the products list their states.
    fn sort(&mut self) {
        let rank = |label: &str| {
            Product::ALL
                .iter()
                .flat_map(|p| p.states())
                .position(|s| s.label() == label)
                .unwrap_or(usize::MAX)
        };
        self.0.sort_by_key(|(label, _)| rank(label));
    }
}

impl Serialize for StateCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (label, count) in &self.0 {
            map.serialize_entry(label, count)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary<'a> {
    /// Every product and zone polled, with or without servers.
    pub zones: Vec<ZoneCount<'a>>,
    /// The whole fleet; its `product` is `all`.
    pub total: ZoneCount<'a>,
    /// How the page says "not in its up state" ([`super::rows::not_up`]).
    pub not_up: &'static str,
}

/// Counts the whole fleet of `snapshot`, in one pass over its servers.
pub fn summarize(snapshot: &Snapshot) -> Summary<'_> {
    let mut zones: BTreeMap<(&'static str, &str), ZoneCount> = product_zones(snapshot)
        .map(|(product, zone)| ((product, zone), empty(product, Some(zone))))
        .collect();
    let mut total = empty("all", None);
    for row in fleet_rows(snapshot) {
        let count = zones
            .entry((row.product, row.zone))
            .or_insert_with(|| empty(row.product, Some(row.zone)));
        for count in [count, &mut total] {
            count.servers += 1;
            count.not_running += usize::from(!row.up);
            count.states.add(row.state, 1);
        }
    }
    let mut zones: Vec<ZoneCount> = zones.into_values().collect();
    for count in zones.iter_mut().chain([&mut total]) {
        count.states.sort();
    }
    Summary {
        zones,
        total,
        not_up: super::rows::not_up(snapshot),
    }
}

fn empty<'a>(product: &'static str, zone: Option<&'a str>) -> ZoneCount<'a> {
    ZoneCount {
        product,
        zone,
        servers: 0,
        not_running: 0,
        states: StateCounts::default(),
    }
}

/// The summary as a table, each count a link to the servers it counts.
pub fn summary_html(summary: &Summary) -> Markup {
    html! {
        table class="summary" id="fleet-summary-table" {
            thead { tr {
                th { "product" } th { "zone" } th { "servers" }
                th title="not in their product's up state: running for an Instance, ready for the others" {
                    (summary.not_up)
                }
                th { "by state" }
            } }
            tbody {
                "\n"
                @for count in &summary.zones { (count_row(count, false)) "\n" }
            }
            tfoot { (count_row(&summary.total, true)) }
        } "\n"
    }
}

fn count_row(count: &ZoneCount, total: bool) -> Markup {
    let mut scope: Vec<(&str, &str)> = Vec::new();
    if !total {
        scope.push(("product", count.product));
    }
    if let Some(zone) = count.zone {
        scope.push(("zone", zone));
    }
    let link = |extra: &[(&str, &str)]| {
        let pairs: Vec<(&str, &str)> = scope.iter().chain(extra).copied().collect();
        format!("/{}#fleet", query_string(&pairs))
    };
    html! {
        tr class=[total.then_some("total")] data-product=(count.product)
            data-zone=(count.zone.unwrap_or("all")) data-servers=(count.servers)
            data-not-running=(count.not_running) {
            td { (if total { "all" } else { count.product }) }
            td { (count.zone.unwrap_or("all")) }
            td { a href=(link(&[])) { (count.servers) } }
            td class=[(count.not_running > 0).then_some("not-running")] {
                a href=(link(&[("up", "false")])) { (count.not_running) }
            }
            td class="states" {
                @for (i, (state, n)) in count.states.0.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(link(&[("state", state)])) data-state=(state) {
                        (state) " " (n)
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pages::tests::snapshot_of;

    #[test]
    fn the_summary_counts_each_zone_by_state_and_the_servers_not_running() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","state":"running"},{"id":"2","state":"stopped"},
                {"id":"3","state":"running"},{"id":"4","state":"stopped_in_place"}]}"#,
        );
        let summary = summarize(&snapshot);
        let paris = &summary.zones[0];
        assert_eq!(
            (paris.zone, paris.servers, paris.not_running),
            (Some("fr-par-1"), 4, 2)
        );
        assert_eq!(
            paris.states.0,
            [("running", 2), ("stopped", 1), ("stopped in place", 1)]
        );
        // A zone not yet polled is listed, with nothing in it.
        assert_eq!(summary.zones[1].zone, Some("nl-ams-1"));
        assert_eq!(summary.zones[1].servers, 0);
        assert_eq!((summary.total.servers, summary.total.not_running), (4, 2));
        assert_eq!(
            serde_json::to_value(&summary.total).unwrap(),
            serde_json::json!({"product": "all", "servers": 4, "not_running": 2,
                "states": {"running": 2, "stopped": 1, "stopped in place": 1}})
        );
        let html = summary_html(&summary).into_string();
        assert!(
            html.contains(
                "<a href=\"/?product=instance&amp;zone=fr-par-1&amp;up=false#fleet\">2</a>"
            ),
            "{html}"
        );
        assert!(html.contains(
            "<a href=\"/?state=stopped%20in%20place#fleet\" data-state=\"stopped in place\">stopped in place 1</a>"
        ), "{html}");
    }
}
