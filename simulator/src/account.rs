//! The Account API's projects, `GET /account/v3/projects?organization_id=…`: the projects the
//! simulated servers belong to, plus one no server uses. Names are free text (spaces, quotes,
//! non-ASCII), and an organization's `default` project has the organization's id.

use serde::Serialize;

use super::catalog::ReferenceFault;
use super::Simulator;

/// A project as the Account API writes it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Project {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    pub created_at: &'static str,
    pub updated_at: &'static str,
    pub description: &'static str,
    pub qualification: Qualification,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Qualification {
    pub architecture_type: &'static str,
}

/// The names of the fleet's projects, in the order `FleetCtx` lists them: a default one per
/// organization (its id is the organization's).
const NAMES: [&str; 4] = [
    "default",
    "Web shop (prod)",
    "data \"lake\" – Analyse ✓",
    "default",
];

impl Simulator {
    /// Every project, in creation order; of `organization_id` only when given.
    pub(crate) fn projects(&self, organization_id: Option<&str>) -> Vec<Project> {
        let fleet = &self.shared.fleet;
        let make = |id: &str, name: &str, organization: &str| Project {
            id: id.to_owned(),
            name: name.to_owned(),
            organization_id: organization.to_owned(),
            created_at: "2022-08-03T12:38:30.535676Z",
            updated_at: "2022-08-03T12:38:30.535676Z",
            description: "",
            qualification: Qualification {
                architecture_type: "unknown_architecture_type",
            },
        };
        let mut all: Vec<Project> = fleet
            .projects
            .iter()
            .zip(NAMES)
            .map(|(p, name)| make(&p.id, name, &p.organization))
            .collect();
        if let Some(main) = fleet.projects.first() {
            let unused = crate::json::uuid_from_bits(u128::from(fleet.seed) ^ 0x9e37_79b9);
            all.push(make(&unused, "Packer Plugin Scaleway", &main.organization));
        }
        all.retain(|p| organization_id.is_none_or(|org| p.organization_id == org));
        all
    }

    /// While `Some`, `/account/v3/projects` answers `fault`; `None` heals it.
    pub fn set_projects_fault(&self, fault: Option<ReferenceFault>) {
        self.shared.projects.set(fault);
    }

    /// Requests sent to `/account/v3/projects` so far, answered or refused.
    pub fn projects_requests(&self) -> u64 {
        self.shared.projects.count()
    }

    /// The `(organization_id, id, name)` of every project the API lists.
    pub fn project_names(&self) -> Vec<(String, String, String)> {
        self.projects(None)
            .into_iter()
            .map(|p| (p.organization_id, p.id, p.name))
            .collect()
    }
}
