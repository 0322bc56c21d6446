//! The Account API's projects: `GET /account/v3/projects?organization_id=…`
//! (docs/api-notes.md#projects).

use serde::Deserialize;

use super::null_as_default;

/// One page of an organization's projects; the total is in the body.
#[derive(Debug, Deserialize)]
pub struct ProjectsPage {
    #[serde(default)]
    pub total_count: Option<u64>,
    /// `null` is an empty page; a page without the key is not a projects list.
    #[serde(deserialize_with = "null_as_default")]
    pub projects: Vec<Project>,
}

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Project {
    #[serde_with(skip_apply)]
    pub id: String,
    /// Free text: spaces, quotes and any Unicode (the organization's first one is `default`).
    pub name: String,
    pub organization_id: String,
}
