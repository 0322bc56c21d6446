//! `/inventory.json`: the zones' poll status, the summary by product, zone and state, and
//! the filtered servers, in the table's order, with every field the table shows and a few
//! more. JSON needs no HTML escaping: serde writes the texts as JSON strings.

use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::filter::{rows, BadFilter, Filter};
use super::rfc3339;
use super::rows::{zone_states, FleetRow};
use super::summary::{summarize, Summary};
use crate::inventory::{Detail, InstanceDetail, Server, Snapshot, Volume};

/// `/inventory.json`: the zones' poll status, the summary of the whole fleet, and the
/// filtered servers, in the table's order.
#[derive(Debug, Serialize)]
pub struct InventoryJson<'a> {
    pub generated_at: String,
    pub zones: Vec<ZoneJson<'a>>,
    /// Of the whole fleet, whatever the filter.
    pub summary: Summary<'a>,
    pub servers: ServersJson<'a>,
}

/// The servers, each turned into its JSON object only as it is written: the whole list of
/// them (some 5 MB at 10,000 servers) is never built beside the text.
#[derive(Debug)]
pub struct ServersJson<'a>(Vec<FleetRow<'a>>);

impl Serialize for ServersJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(server_json))
    }
}

#[derive(Debug, Serialize)]
pub struct ZoneJson<'a> {
    pub product: &'static str,
    pub zone: &'a str,
    pub servers: usize,
    pub last_poll_at: Option<String>,
    pub last_poll_ok: Option<bool>,
    pub last_poll_error: Option<String>,
    pub last_success_at: Option<String>,
}

/// A server of any product: the fields of [`FleetRow`], then its product's own.
#[derive(Debug, Serialize)]
pub struct ServerJson<'a> {
    pub product: &'static str,
    pub zone: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub state: &'static str,
    /// In its product's up state (`running` for an Instance).
    pub up: bool,
    /// The same as `up`, under its first name.
    pub running: bool,
    /// See [`crate::inventory::StateSince`]: as seen by this exporter.
    pub state_since: Option<String>,
    pub state_change_observed: Option<bool>,
    pub volumes: Vec<VolumeJson<'a>>,
    pub tags: &'a [String],
    pub addresses: Vec<AddressJson<'a>>,
    #[serde(flatten)]
    pub detail: DetailJson<'a>,
}

/// The fields of one product only, written beside the common ones.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum DetailJson<'a> {
    Instance(InstanceJson<'a>),
    Other(ProductJson<'a>),
}

/// The fields of an Elastic Metal, Apple silicon or Dedibox server; each product's own only
/// when it is that product.
#[derive(Debug, Serialize)]
pub struct ProductJson<'a> {
    /// The offer (Elastic Metal, Dedibox) or the type (Apple silicon).
    #[serde(rename = "type")]
    pub server_type: &'a str,
    pub project_id: &'a str,
    pub organization_id: &'a str,
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping_up: Option<Option<bool>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletable_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datacenter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Option<String>>,
}

#[derive(Debug, Serialize)]
pub struct InstanceJson<'a> {
    pub commercial_type: &'a str,
    pub arch: &'a str,
    pub image_name: &'a str,
    pub project_id: &'a str,
    pub organization_id: &'a str,
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct VolumeJson<'a> {
    pub id: &'a str,
    pub index: &'a str,
    pub volume_type: &'a str,
    pub name: &'a str,
    pub size_bytes: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct AddressJson<'a> {
    pub address: &'a str,
    pub family: &'static str,
    pub scope: &'static str,
}

/// The JSON view of the snapshot through `filter`.
pub fn inventory_json<'a>(
    snapshot: &'a Snapshot,
    filter: &Filter,
    now: SystemTime,
) -> InventoryJson<'a> {
    let zones = zone_states(snapshot)
        .map(|(product, zone, state)| ZoneJson {
            product,
            zone,
            servers: state.server_count(),
            last_poll_at: state.last_poll.as_ref().map(|p| rfc3339(p.at)),
            last_poll_ok: state.last_poll.as_ref().map(|p| p.error.is_none()),
            last_poll_error: state.last_error().map(ToString::to_string),
            last_success_at: state.last_success.map(rfc3339),
        })
        .collect();
    InventoryJson {
        generated_at: rfc3339(now),
        zones,
        summary: summarize(snapshot),
        servers: ServersJson(rows(snapshot, filter)),
    }
}

/// The body of a refused filter: `{"error": "filter state=\"asleep\" refused: ..."}`, the
/// sentence the HTML page shows.
pub fn error_json(refused: &BadFilter) -> Vec<u8> {
    let body = serde_json::json!({ "error": refused.to_string() });
    let mut bytes = serde_json::to_vec(&body).expect("serialising a Value cannot fail");
    bytes.push(b'\n');
    bytes
}

fn rfc3339_from_unix(seconds: f64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(seconds.floor() as i64, 0)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn server_json<'a>(row: &FleetRow<'a>) -> ServerJson<'a> {
    ServerJson {
        product: row.product,
        zone: row.zone,
        id: row.id,
        name: row.name,
        state: row.state,
        up: row.up,
        running: row.up,
        state_since: row.since.map(|since| rfc3339(since.at)),
        state_change_observed: row.since.map(|since| since.observed_change),
        volumes: row.volumes.iter().map(volume_json).collect(),
        tags: row.tags,
        addresses: row
            .addresses
            .iter()
            .map(|a| AddressJson {
                address: &a.address,
                family: a.family.as_str(),
                scope: a.scope.as_str(),
            })
            .collect(),
        detail: match &row.server.detail {
            Detail::Instance(instance) => DetailJson::Instance(instance_json(row.server, instance)),
            _ => DetailJson::Other(product_json(row.server)),
        },
    }
}

fn instance_json<'a>(s: &'a Server, d: &'a InstanceDetail) -> InstanceJson<'a> {
    InstanceJson {
        commercial_type: &s.server_type,
        arch: &d.arch,
        image_name: &d.image_name,
        project_id: &s.project_id,
        organization_id: &s.organization_id,
        created_at: s.created.and_then(rfc3339_from_unix),
        modified_at: d.modified.and_then(rfc3339_from_unix),
    }
}

fn product_json(s: &Server) -> ProductJson<'_> {
    let mut json = ProductJson {
        server_type: &s.server_type,
        project_id: &s.project_id,
        organization_id: &s.organization_id,
        created_at: s.created.and_then(rfc3339_from_unix),
        ping_up: None,
        os_name: None,
        deletable_at: None,
        datacenter: None,
        expires_at: None,
    };
    match &s.detail {
        Detail::Instance(_) => {}
        Detail::ElasticMetal(d) => json.ping_up = Some(d.ping_up),
        Detail::AppleSilicon(d) => {
            json.os_name = Some(&d.os_name);
            json.deletable_at = Some(d.deletable.and_then(rfc3339_from_unix));
        }
        Detail::Dedibox(d) => {
            json.datacenter = Some(&d.datacenter);
            json.expires_at = Some(d.expiration.and_then(rfc3339_from_unix));
        }
    }
    json
}

fn volume_json(v: &Volume) -> VolumeJson<'_> {
    VolumeJson {
        id: &v.id,
        index: &v.index,
        volume_type: &v.volume_type,
        name: &v.name,
        size_bytes: v.size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::pages::tests::{snapshot_of, NOW};

    #[test]
    fn the_json_carries_every_field_of_the_table() {
        let snapshot = snapshot_of(
            r#"{"servers":[{"id":"1","name":"n","state":"stopped","tags":["a"],
                "public_ips":[{"address":"51.15.1.2","family":"inet"}],
                "volumes":{"0":{"id":"v","volume_type":"l_ssd","size":10}},
                "creation_date":"2026-07-20T14:35:34Z"}]}"#,
        );
        let json = serde_json::to_value(inventory_json(
            &snapshot,
            &Filter::default(),
            SystemTime::UNIX_EPOCH + NOW,
        ))
        .unwrap();
        let server = &json["servers"][0];
        assert_eq!(server["state"], "stopped");
        assert_eq!(server["running"], false);
        assert_eq!(server["up"], false);
        assert_eq!(server["product"], "instance");
        assert_eq!(server["commercial_type"], "");
        assert_eq!(server["state_since"], "1970-01-01T00:16:40Z");
        assert_eq!(server["state_change_observed"], false);
        assert_eq!(server["volumes"][0]["size_bytes"], 10);
        assert_eq!(server["tags"][0], "a");
        assert_eq!(server["addresses"][0]["scope"], "public");
        assert_eq!(server["created_at"], "2026-07-20T14:35:34Z");
        assert_eq!(json["zones"][1]["zone"], "nl-ams-1");
        assert_eq!(json["zones"][1]["last_poll_ok"], serde_json::Value::Null);
        assert_eq!(json["summary"]["total"]["not_running"], 1);
    }
}
