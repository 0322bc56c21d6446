//! The HTTP face of the Elastic Metal, Apple silicon and Dedibox APIs.
//!
//! Every endpoint checks, in this order: the key (the gateway's 401), the zone's form (400,
//! compact), whether the product serves the zone (the gateway's 501 `unknown service`), and
//! whether a test forbade the product (IAM's 403). Errors are compact, keys sorted, as the Go
//! services and the gateway write them. Not recorded, so written in the form of the recorded
//! Block Storage errors: an Elastic Metal or Dedibox server that does not exist (404
//! `not_found`) and an action the server's state refuses (409 `transient_state`). A missing
//! Apple silicon server answers what the real API answers for a deleted one: IAM's 403.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use super::{Product, ProductAction, ProductActionError};
use crate::http::{authorized, bad_zone, denied, is_zone, paging, reply, Style, ZonePath};
use crate::{json, Simulator};

/// IAM's answer to a key whose policy does not cover the product (recorded for Apple silicon).
const FORBIDDEN: &[u8] = br#"{"details":[{"action":"read","resource":"server"}],"message":"insufficient permissions","type":"permissions_denied"}"#;
/// The gateway's answer for a service that does not serve the zone.
const UNKNOWN_SERVICE: &[u8] = br#"{"message":"unknown service"}"#;
const NOT_FOUND: &[u8] = br#"{"message":"Not Found","type":"not_found"}"#;

/// The routes of the three products, added to the simulator's router.
pub(crate) fn routes(mut router: Router<Simulator>) -> Router<Simulator> {
    for product in [
        Product::ElasticMetal,
        Product::AppleSilicon,
        Product::Dedibox,
    ] {
        let servers = format!("{}/zones/{{zone}}/servers", product.api_path());
        router = router
            .route(
                &servers,
                get(
                    move |State(sim): State<Simulator>,
                          headers: HeaderMap,
                          path: Result<Path<String>, PathRejection>,
                          RawQuery(query): RawQuery| async move {
                        list(product, &sim, &headers, path, query.as_deref())
                    },
                ),
            )
            .route(
                &format!("{servers}/{{id}}"),
                get(
                    move |State(sim): State<Simulator>,
                          headers: HeaderMap,
                          path: Result<Path<(String, String)>, PathRejection>| async move {
                        get_one(product, &sim, &headers, path)
                    },
                ),
            )
            .route(
                &format!("{servers}/{{id}}/{{action}}"),
                post(
                    move |State(sim): State<Simulator>,
                          headers: HeaderMap,
                          path: Result<Path<(String, String, String)>, PathRejection>,
                          _body: Bytes| async move {
                        act(product, &sim, &headers, path)
                    },
                ),
            );
    }
    router
}

/// IAM's 403 for a forbidden product (Instance included).
pub(crate) fn forbidden(sim: &Simulator) -> Response {
    reply(sim, StatusCode::FORBIDDEN, FORBIDDEN.to_vec())
}

impl ZonePath for (String, String, String) {
    fn zone(&self) -> &str {
        &self.0
    }
}

/// The checks every endpoint makes first; the path's segments or the refusal.
fn gate<T: ZonePath>(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<T>, PathRejection>,
) -> Result<T, Box<Response>> {
    if !authorized(sim, headers) {
        return Err(Box::new(denied(sim)));
    }
    let Ok(Path(path)) = path else {
        return Err(Box::new(bad_zone(sim, "", Style::Block)));
    };
    if !is_zone(path.zone()) {
        return Err(Box::new(bad_zone(sim, path.zone(), Style::Block)));
    }
    if !product.serves(path.zone()) {
        let body = UNKNOWN_SERVICE.to_vec();
        return Err(Box::new(reply(sim, StatusCode::NOT_IMPLEMENTED, body)));
    }
    if sim.product_forbidden(product) {
        return Err(Box::new(forbidden(sim)));
    }
    Ok(path)
}

fn list(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Option<&str>,
) -> Response {
    let zone = match gate(product, sim, headers, path) {
        Ok(zone) => zone,
        Err(refused) => return *refused,
    };
    let (page, page_size) = match paging(query, "page_size") {
        Ok(p) => p,
        Err(e) => return reply(sim, StatusCode::BAD_REQUEST, json::compact(&e.compact())),
    };
    let newest_first = query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair == "order_by=created_at_desc");
    let body = sim.product_page(product, &zone, page, page_size, newest_first);
    reply(sim, StatusCode::OK, body)
}

fn get_one(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (zone, id) = match gate(product, sim, headers, path) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    match sim.product_detail(product, &zone, &id) {
        Some(body) => reply(sim, StatusCode::OK, body),
        None => not_found(product, sim, &id),
    }
}

fn act(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Response {
    let (zone, id, name) = match gate(product, sim, headers, path) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    let Some(action) = ProductAction::parse(&name).filter(|&a| product.has_action(a)) else {
        return reply(sim, StatusCode::NOT_FOUND, NOT_FOUND.to_vec());
    };
    match sim.product_act(product, &zone, &id, action) {
        // The SDK reads nothing back from a Dedibox action (an empty message: 204).
        Ok(_) if product == Product::Dedibox => {
            let mut response = reply(sim, StatusCode::NO_CONTENT, Vec::new());
            response.headers_mut().remove(header::CONTENT_TYPE);
            response
        }
        Ok(server) => reply(sim, StatusCode::OK, server),
        Err(ProductActionError::NotAllowed { state, .. }) => {
            #[derive(Serialize)]
            struct TransientState<'a> {
                current_state: &'a str,
                message: &'static str,
                resource: &'static str,
                resource_id: &'a str,
                #[serde(rename = "type")]
                kind: &'static str,
            }
            let body = TransientState {
                current_state: &state,
                message: "resource is in a transient state",
                resource: "server",
                resource_id: &id,
                kind: "transient_state",
            };
            reply(sim, StatusCode::CONFLICT, json::compact(&body))
        }
        Err(ProductActionError::NotServed { .. }) => {
            reply(sim, StatusCode::NOT_IMPLEMENTED, UNKNOWN_SERVICE.to_vec())
        }
        Err(ProductActionError::Unsupported { .. }) => {
            reply(sim, StatusCode::NOT_FOUND, NOT_FOUND.to_vec())
        }
        Err(ProductActionError::UnknownServer { .. }) => not_found(product, sim, &id),
    }
}

fn not_found(product: Product, sim: &Simulator, id: &str) -> Response {
    if product == Product::AppleSilicon {
        return forbidden(sim);
    }
    #[derive(Serialize)]
    struct NotFound<'a> {
        message: &'static str,
        resource: &'static str,
        resource_id: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    }
    let body = NotFound {
        message: "resource is not found",
        resource: "server",
        resource_id: id,
        kind: "not_found",
    };
    reply(sim, StatusCode::NOT_FOUND, json::compact(&body))
}
