//! The reference endpoints: the Instance server-type catalog (paged like the servers list,
//! `X-Total-Count` and a `Link` rooted at `/products/servers`) and the Account projects
//! (`total_count` in the body, no paging headers), each with its test fault.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::super::catalog::zone_catalog;
use super::errors::fault_reply;
use super::{
    admit, json, key, page, page_sized, paging_headers, reply, window, Refused, Simulator, Style,
    INSTANCE, MAX_PAGE_SIZE,
};

pub(super) async fn list_server_types(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    zone: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refused> {
    let zone = admit(&sim, &headers, zone, INSTANCE)?;
    if let Some(fault) = sim.shared.catalog.request() {
        return Ok(fault_reply(
            &sim,
            fault,
            "instance_server_type",
            Style::Compact,
        ));
    }
    let (page, per_page) = page(&sim, query.as_deref(), Style::Spaced)?;
    let catalog = zone_catalog(&zone);
    let total = catalog.len() as u64;
    let range = window(page, per_page, catalog.len());
    let picked: serde_json::Map<String, serde_json::Value> = catalog
        .into_iter()
        .skip(range.start)
        .take(range.len())
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
    Ok(response)
}

pub(super) async fn list_projects(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refused> {
    key(&sim, &headers)?;
    if let Some(fault) = sim.shared.projects.request() {
        return Ok(fault_reply(&sim, fault, "account_project", Style::Compact));
    }
    let query = query.unwrap_or_default();
    let (page, page_size) = page_sized(&sim, Some(&query), Style::Compact)?;
    // Recorded answers of 58 projects came in one page without `page_size`.
    let page_size = page_size.unwrap_or(MAX_PAGE_SIZE);
    let organization = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("organization_id="));
    let projects = sim.projects(organization);
    let total = projects.len();
    let picked = &projects[window(page, page_size, total)];
    let body = serde_json::json!({ "total_count": total, "projects": picked });
    Ok(reply(&sim, StatusCode::OK, json::compact(&body)))
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
