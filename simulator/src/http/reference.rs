//! The reference endpoints: the Instance server-type catalog (paged like the servers list,
//! `X-Total-Count` and a `Link` rooted at `/products/servers`) and the Account projects
//! (`total_count` in the body, no paging headers), each with its test fault.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::super::catalog::{zone_catalog, ReferenceFault};
use super::{
    admit, authorized, denied, json, paging, paging_headers, reply, Simulator, Style, MAX_PAGE_SIZE,
};

pub(super) async fn list_server_types(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    zone: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let zone = match admit(&sim, &headers, zone, Style::Instance) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    if let Some(fault) = sim.shared.catalog.request() {
        return fault_reply(&sim, fault, "instance_server_type");
    }
    let (page, per_page) = match paging(query.as_deref(), "per_page") {
        Ok(p) => p,
        Err(e) => return reply(&sim, StatusCode::BAD_REQUEST, json::spaced(&e)),
    };
    let catalog = zone_catalog(&zone);
    let total = catalog.len() as u64;
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let picked: serde_json::Map<String, serde_json::Value> = catalog
        .into_iter()
        .skip(start)
        .take(per_page as usize)
        .collect();
    let body = json::spaced(&serde_json::json!({ "servers": picked }));
    let mut response = reply(&sim, StatusCode::OK, body);
    // Rooted at `/products/servers`, with the trailing `&` the real one has.
    paging_headers(
        &mut response,
        "/products/servers",
        page,
        per_page,
        total,
        "&",
    );
    response
}

pub(super) async fn list_projects(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if !authorized(&sim, &headers) {
        return denied(&sim);
    }
    if let Some(fault) = sim.shared.projects.request() {
        return fault_reply(&sim, fault, "account_project");
    }
    let query = query.unwrap_or_default();
    let (page, mut page_size) = match paging(Some(&query), "page_size") {
        Ok(p) => p,
        Err(e) => return reply(&sim, StatusCode::BAD_REQUEST, json::compact(&e.compact())),
    };
    // Recorded answers of 58 projects came in one page without `page_size`.
    if !query.split('&').any(|pair| pair.starts_with("page_size=")) {
        page_size = MAX_PAGE_SIZE;
    }
    let organization = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("organization_id="));
    let projects = sim.projects(organization);
    let total = projects.len();
    let start = usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX);
    let picked: Vec<_> = projects
        .into_iter()
        .skip(start)
        .take(page_size as usize)
        .collect();
    let body = serde_json::json!({ "total_count": total, "projects": picked });
    reply(&sim, StatusCode::OK, json::compact(&body))
}

/// The IAM refusal (compact, key-sorted, as the gateway writes it) or a 500.
fn fault_reply(sim: &Simulator, fault: ReferenceFault, resource: &str) -> Response {
    let (status, body) = match fault {
        ReferenceFault::PermissionDenied => (
            StatusCode::FORBIDDEN,
            format!(
                r#"{{"details":[{{"action":"read","resource":"{resource}"}}],"message":"insufficient permissions","type":"permissions_denied"}}"#
            ),
        ),
        ReferenceFault::InternalError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"message":"Internal error","type":"server_error"}"#.to_owned(),
        ),
    };
    reply(sim, status, body.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::super::link_header_at;

    #[test]
    fn the_catalog_link_has_the_recorded_form() {
        assert_eq!(
            link_header_at("/products/servers", 1, 50, 136, "&"),
            r#"</products/servers?page=2&per_page=50&>; rel="next",</products/servers?page=3&per_page=50&>; rel="last""#
        );
        assert_eq!(
            link_header_at("/products/servers", 3, 50, 136, "&"),
            concat!(
                r#"</products/servers?page=1&per_page=50&>; rel="first","#,
                r#"</products/servers?page=2&per_page=50&>; rel="previous","#,
                r#"</products/servers?page=3&per_page=50&>; rel="last""#
            )
        );
    }
}
