//! The reference data beside the servers: each zone's Instance server-type catalog and the
//! projects of the organizations the fleet belongs to. Both are read at most hourly and
//! carried from snapshot to snapshot; a failed read leaves them as they were
//! (docs/design.md#the-catalog-and-the-project-names-are-best-effort).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::SystemTime;

use super::Snapshot;
use crate::api::model;
use crate::product::Product;

/// One commercial type, as the catalog of its zone describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerType {
    /// vCPUs; `None` when the catalog gave no readable number.
    pub cpus: Option<u64>,
    pub memory_bytes: Option<u64>,
    /// 0 when the catalog says none or says nothing.
    pub gpus: u64,
    /// Euros an hour; `None` when the catalog gives no price (`null`).
    pub hourly_price_euros: Option<f64>,
    pub end_of_service: bool,
}

/// A zone's catalog, as of its last good read.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneCatalog {
    /// Commercial type -> what it is.
    pub types: BTreeMap<String, ServerType>,
    /// When it was read.
    pub read_at: SystemTime,
}

/// A project the key may read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Project {
    pub organization_id: String,
    pub id: String,
    pub name: String,
}

/// The catalog as the API sent it -> the types the inventory keeps.
pub fn catalog_from_api(
    types: BTreeMap<String, model::ServerType>,
) -> BTreeMap<String, ServerType> {
    types
        .into_iter()
        .map(|(name, t)| {
            let kept = ServerType {
                cpus: t.ncpus,
                memory_bytes: t.ram,
                gpus: t.gpu.unwrap_or(0),
                hourly_price_euros: t.hourly_price,
                end_of_service: t.end_of_service,
            };
            (name, kept)
        })
        .collect()
}

/// An organization's projects as the API sent them -> each once (pages may shift while
/// they are read), in (organization, id) order. A project without an id is dropped.
pub fn projects_from_api(projects: Vec<model::Project>) -> Vec<Project> {
    let unique: BTreeSet<Project> = projects
        .into_iter()
        .filter(|p| !p.id.is_empty())
        .map(|p| Project {
            organization_id: p.organization_id,
            id: p.id,
            name: p.name,
        })
        .collect();
    unique.into_iter().collect()
}

impl Snapshot {
    /// The same snapshot with `zone`'s catalog replaced by a fresh read.
    pub fn with_catalog(
        mut self,
        zone: &str,
        types: BTreeMap<String, ServerType>,
        read_at: SystemTime,
    ) -> Snapshot {
        Arc::make_mut(&mut self.catalog).insert(zone.to_owned(), ZoneCatalog { types, read_at });
        self
    }

    /// The same snapshot with these projects, every organization's, in place of the last.
    pub fn with_projects(mut self, mut projects: Vec<Project>) -> Snapshot {
        projects.sort();
        projects.dedup_by(|a, b| a.id == b.id && a.organization_id == b.organization_id);
        self.projects = Arc::new(projects);
        self
    }

    /// The commercial types `zone`'s servers use that its catalog describes, by name.
    /// The catalog of a zone has 40 to 136 types; a fleet uses a few, and they are what a
    /// dashboard of that fleet needs (docs/design.md#server-types-the-fleet-uses-not-the-whole-catalog).
    pub fn types_in_use(&self, zone: &str) -> Vec<(&str, &ServerType)> {
        let (Some(catalog), Some(state)) =
            (self.catalog.get(zone), self.zone(Product::Instance, zone))
        else {
            return Vec::new();
        };
        let used: BTreeSet<&str> = state
            .servers
            .iter()
            .map(|s| s.server_type.as_str())
            .collect();
        used.into_iter()
            .filter_map(|name| catalog.types.get_key_value(name))
            .map(|(name, t)| (name.as_str(), t))
            .collect()
    }

    /// Every organization a server of the snapshot belongs to, whatever its product, each
    /// once.
    pub fn organization_ids(&self) -> BTreeSet<&str> {
        self.servers()
            .map(|(_, s)| s.organization_id.as_str())
            .filter(|id| !id.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::instance::servers_from_json;
    use crate::product::ProductZone;

    fn server_types(json: &str) -> BTreeMap<String, ServerType> {
        let page: model::ServerTypesPage = serde_json::from_str(json).unwrap();
        catalog_from_api(page.servers)
    }

    #[test]
    fn the_organizations_of_every_product_are_asked_for_their_projects() {
        let instances = servers_from_json(r#"{"servers":[{"id":"a","organization":"org-i"}]}"#);
        let metal: model::ElasticMetalServer =
            serde_json::from_str(r#"{"id":"b","organization_id":"org-em"}"#).unwrap();
        let (at, took) = (SystemTime::UNIX_EPOCH, std::time::Duration::ZERO);
        let snapshot = Snapshot::default()
            .with_poll(
                Product::Instance,
                "fr-par-1",
                Ok(instances.into()),
                at,
                took,
            )
            .with_poll(
                Product::ElasticMetal,
                "fr-par-1",
                Ok(vec![metal.into()].into()),
                at,
                took,
            );
        assert_eq!(
            snapshot.organization_ids(),
            BTreeSet::from(["org-em", "org-i"])
        );
    }

    #[test]
    fn only_the_types_the_zones_servers_use_are_in_use() {
        let servers = servers_from_json(
            r#"{"servers":[{"id":"a","commercial_type":"DEV1-S"},{"id":"b","commercial_type":"DEV1-S"},
                {"id":"c","commercial_type":"GONE-1"}]}"#,
        );
        let zones = ["fr-par-1", "nl-ams-1"].map(|z| ProductZone::new(Product::Instance, z));
        let at = SystemTime::UNIX_EPOCH;
        let types = server_types(
            r#"{"servers":{"DEV1-S":{"ncpus":2,"ram":2147483648,"hourly_price":0.0088},
                "DEV1-M":{"ncpus":3,"ram":4294967296,"gpu":0,"hourly_price":0.02}}}"#,
        );
        let snapshot = Snapshot::of(zones)
            .with_poll(
                Product::Instance,
                "fr-par-1",
                Ok(servers.into()),
                at,
                Default::default(),
            )
            .with_catalog("fr-par-1", types.clone(), at)
            .with_catalog("nl-ams-1", types, at);
        let used = snapshot.types_in_use("fr-par-1");
        assert_eq!(used.len(), 1, "{used:?}");
        assert_eq!(used[0].0, "DEV1-S");
        assert_eq!(used[0].1.gpus, 0, "an absent gpu is none");
        assert!(
            snapshot.types_in_use("nl-ams-1").is_empty(),
            "no servers there"
        );
    }

    #[test]
    fn projects_come_once_each_in_organization_order() {
        let page: model::ProjectsPage = serde_json::from_str(
            r#"{"total_count":3,"projects":[{"id":"p2","name":"b","organization_id":"o"},
                {"id":"o","name":"default","organization_id":"o"},{"id":"p2","name":"b","organization_id":"o"},
                {"id":"","name":"no id","organization_id":"o"}]}"#,
        )
        .unwrap();
        let projects = projects_from_api(page.projects);
        let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["o", "p2"]);
    }
}
