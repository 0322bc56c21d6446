//! The HTTP face of the Elastic Metal, Apple silicon and Dedibox APIs.
//!
//! Every endpoint first makes the checks of [`crate::http::admit`] (key, zone form, served
//! zone, forbidden product). Errors are compact, keys sorted, as the Go services and the
//! gateway write them. Not recorded, so written in the form of the recorded
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
use crate::http::{
    admit, fault_answer, page, permission_denied, reply, resource_not_found, Api, Asked, Refused,
    Style, NO_ROUTE, UNKNOWN_SERVICE,
};
use crate::{json, Simulator};

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
                        list(product, &sim, &headers, path, query.as_deref()).await
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

async fn list(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Option<&str>,
) -> Result<Response, Refused> {
    let zone = admit(sim, headers, path, Api::Servers(product))?;
    let (page, page_size) = page(sim, query, Style::Compact)?;
    let newest_first = query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair == "order_by=created_at_desc");
    let asked = Asked {
        product,
        zone: &zone,
        page,
        size: page_size,
        newest_first,
    };
    if let Some(faulted) = fault_answer(sim, &asked).await {
        return Ok(faulted);
    }
    let body = sim.product_page(product, &zone, page, page_size, newest_first);
    Ok(reply(sim, StatusCode::OK, body))
}

fn get_one(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, Refused> {
    let (zone, id) = admit(sim, headers, path, Api::Servers(product))?;
    Ok(match sim.product_detail(product, &zone, &id) {
        Some(body) => reply(sim, StatusCode::OK, body),
        None => not_found(product, sim, &id),
    })
}

fn act(
    product: Product,
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Response, Refused> {
    let (zone, id, name) = admit(sim, headers, path, Api::Servers(product))?;
    let Some(action) = ProductAction::parse(&name).filter(|&a| product.has_action(a)) else {
        return Ok(reply(sim, StatusCode::NOT_FOUND, NO_ROUTE.to_vec()));
    };
    Ok(match sim.product_act(product, &zone, &id, action) {
        // The SDK reads nothing back from a Dedibox action (an empty message: 204).
        Ok(_) if product == Product::Dedibox => {
            let mut response = reply(sim, StatusCode::NO_CONTENT, Vec::new());
            response.headers_mut().remove(header::CONTENT_TYPE);
            response
        }
        Ok(server) => reply(sim, StatusCode::OK, server),
        Err(ProductActionError::NotAllowed { state, .. }) => transient_state(sim, &state, &id),
        Err(ProductActionError::NotServed { .. }) => {
            reply(sim, StatusCode::NOT_IMPLEMENTED, UNKNOWN_SERVICE.to_vec())
        }
        Err(ProductActionError::Unsupported { .. }) => {
            reply(sim, StatusCode::NOT_FOUND, NO_ROUTE.to_vec())
        }
        Err(ProductActionError::UnknownServer { .. }) => not_found(product, sim, &id),
    })
}

/// The 409 for an action the server's state refuses.
fn transient_state(sim: &Simulator, state: &str, id: &str) -> Response {
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
        current_state: state,
        message: "resource is in a transient state",
        resource: "server",
        resource_id: id,
        kind: "transient_state",
    };
    reply(sim, StatusCode::CONFLICT, json::compact(&body))
}

/// A missing server: Apple silicon answers as for a deleted one, IAM's 403.
fn not_found(product: Product, sim: &Simulator, id: &str) -> Response {
    if product == Product::AppleSilicon {
        return permission_denied(sim, "server");
    }
    resource_not_found(sim, "server", id)
}
