//! The reference data beside the servers: the Instance server-type catalog of a zone and the
//! projects of an organization. Both are read as [`Client::list_server_types`] and
//! [`Client::list_projects`], counted like every request, under the endpoints `types` and
//! `projects` (the latter with an empty zone: projects have none).

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::super::{model, ApiError, Endpoint, MAX_PAGES, PER_PAGE};
use super::Client;

impl Client {
    /// Every commercial type of `zone`'s catalog, all pages read. The catalog is a map keyed
    /// by type and its size is only in `X-Total-Count`; the API gives 50 types a page unless
    /// asked for more, so one request misses types
    /// (docs/api-notes.md#the-server-type-catalog).
    pub async fn list_server_types(
        &self,
        zone: &str,
        deadline: Instant,
    ) -> Result<BTreeMap<String, model::ServerType>, ApiError> {
        let endpoint = Endpoint::Types;
        let path = endpoint.listing().path_in(zone);
        let mut types = BTreeMap::new();
        for page in 1..=MAX_PAGES {
            let (parsed, total): (model::ServerTypesPage, _) =
                self.page(zone, endpoint, &path, page, deadline).await?;
            let count = parsed.servers.len();
            let before = types.len();
            types.extend(parsed.servers);
            if catalog_is_read(count, types.len() - before, types.len(), total) {
                return Ok(types);
            }
        }
        Err(ApiError::TooManyPages {
            endpoint,
            pages: MAX_PAGES,
        })
    }

    /// Every project of `organization_id`, all pages read (the total is in the body).
    pub async fn list_projects(
        &self,
        organization_id: &str,
        deadline: Instant,
    ) -> Result<Vec<model::Project>, ApiError> {
        let endpoint = Endpoint::Projects;
        let path = format!(
            "{}?organization_id={}",
            endpoint.listing().path,
            query_value(organization_id)
        );
        let mut projects = Vec::new();
        self.list_all(
            "",
            endpoint,
            &path,
            deadline,
            |body: model::ProjectsPage| {
                let count = body.projects.len();
                projects.extend(body.projects);
                (count, body.total_count)
            },
        )
        .await?;
        Ok(projects)
    }
}

/// True when the catalog is complete after a page of `count` types, `new` of them not seen
/// before, `distinct` read in all, and the `X-Total-Count` of `total`. The API may give
/// fewer types a page than asked (50 by default), so a page shorter than asked ends the
/// catalog only when the total is reached or unknown; a page that brings nothing new ends it
/// whatever the total says (an API that repeats a page, or a total that lies high).
fn catalog_is_read(count: usize, new: usize, distinct: usize, total: Option<u64>) -> bool {
    if count == 0 || new == 0 {
        return true;
    }
    match total {
        Some(total) if distinct as u64 == total => true,
        // Short of the total: read on, whatever the page's size.
        Some(total) if (distinct as u64) < total => false,
        // Past a total that lies low, or no total: a short page is the last.
        _ => count < PER_PAGE,
    }
}

/// `text` percent-encoded for a query string: an organization id comes from the API's
/// server bodies, and must not add parameters of its own.
pub fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_read_on_past_pages_of_fifty_until_the_total() {
        assert!(!catalog_is_read(50, 50, 50, Some(136)));
        assert!(!catalog_is_read(50, 50, 100, Some(136)));
        assert!(catalog_is_read(36, 36, 136, Some(136)));
        assert!(
            catalog_is_read(100, 100, 100, Some(100)),
            "no empty page to ask for"
        );
    }

    #[test]
    fn an_empty_or_repeated_page_ends_the_catalog_whatever_the_total() {
        assert!(catalog_is_read(0, 0, 40, Some(136)));
        assert!(catalog_is_read(50, 0, 50, Some(136)), "the same page again");
    }

    #[test]
    fn without_a_total_or_past_a_low_one_a_short_page_is_the_last() {
        assert!(!catalog_is_read(100, 100, 100, None));
        assert!(catalog_is_read(41, 41, 41, None));
        assert!(!catalog_is_read(100, 100, 100, Some(50)));
        assert!(catalog_is_read(20, 20, 120, Some(50)));
    }

    #[test]
    fn an_organization_id_cannot_add_query_parameters() {
        assert_eq!(
            query_value("105bdce1-64c0-48ab-899d-868455867ecf"),
            "105bdce1-64c0-48ab-899d-868455867ecf"
        );
        assert_eq!(query_value("a&page=9#x é"), "a%26page%3D9%23x%20%C3%A9");
    }
}
