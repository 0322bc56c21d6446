//! The HTTP face of the simulator: routes, paging headers and the Instance and Block Storage
//! handlers. `checks` holds what every endpoint checks first, `errors` every error body.

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use super::{json, Action, ActionError, Product, Resource, Shape, Simulator};

mod checks;
mod errors;
mod fault_answers;
mod paging;
mod reference;

pub(crate) use checks::{admit, key, page, page_sized, Api, Refused, Style};
pub(crate) use errors::{
    block_fault, fault_reply, permission_denied, resource_not_found, InvalidArguments, NO_ROUTE,
    UNKNOWN_SERVICE,
};
use errors::{invalid_request, server_not_found};
pub(crate) use fault_answers::{answer as fault_answer, Asked};
#[cfg(test)]
use paging::link_header_at;
pub(crate) use paging::paging_headers;
pub(crate) use paging::{paging_sized, window};

/// Page size when the client sends none (every recorded `Link` says `per_page=50`).
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 50;
/// "a positive integer lower or equal to 100".
const MAX_PAGE_SIZE: u64 = 100;
const SERVER_HEADER: &str = "Scaleway API Gateway (fr-par-3;edge01)";
/// The checks of the Instance endpoints (the server-type catalog's too).
const INSTANCE: Api = Api::Servers(Product::Instance);

pub(crate) fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/instance/v1/zones/{zone}/servers", get(list_servers))
        .route("/instance/v1/zones/{zone}/servers/{id}", get(get_server))
        .route(
            "/instance/v1/zones/{zone}/servers/{id}/action",
            post(server_action),
        )
        .route("/block/v1/zones/{zone}/volumes/{id}", get(get_volume))
        .route(
            "/instance/v1/zones/{zone}/products/servers",
            get(reference::list_server_types),
        )
        .route("/account/v3/projects", get(reference::list_projects))
        .route("/servers", get(legacy_servers))
        .merge(crate::products::http::routes(Router::new()))
        .merge(crate::resources::http::routes(Router::new()))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(sim)
}

// ------------------------------------------------------------------------------------------
// Handlers
// ------------------------------------------------------------------------------------------

async fn list_servers(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    zone: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, Refused> {
    let zone = admit(&sim, &headers, zone, INSTANCE)?;
    let (page, per_page) = page(&sim, query.as_deref(), Style::Spaced)?;
    let asked = Asked {
        product: Product::Instance,
        zone: &zone,
        page,
        size: per_page,
        newest_first: true,
    };
    if let Some(faulted) = fault_answer(&sim, &asked).await {
        return Ok(faulted);
    }
    let out = sim.servers_page(&zone, page, per_page, Shape::Current);
    let mut response = reply(&sim, StatusCode::OK, out.body);
    paging_headers(
        &mut response,
        "/servers",
        page,
        per_page,
        out.total,
        "&order=creation_date_desc",
    );
    Ok(response)
}

async fn get_server(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, Refused> {
    let (zone, id) = admit(&sim, &headers, path, INSTANCE)?;
    Ok(match sim.server_bytes(&zone, &id) {
        Some(server) => {
            let mut body = Vec::with_capacity(server.len() + 16);
            body.extend_from_slice(b"{\"server\": ");
            body.extend_from_slice(&server);
            body.push(b'}');
            reply(&sim, StatusCode::OK, body)
        }
        None => server_not_found(&sim, &id),
    })
}

async fn server_action(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Result<Response, Refused> {
    let (zone, id) = admit(&sim, &headers, path, INSTANCE)?;
    let action = requested_action(&sim, &body)?;
    Ok(match sim.act(&zone, &id, action) {
        Ok(task) => {
            #[derive(Serialize)]
            struct Envelope<'a> {
                task: &'a super::Task,
            }
            let location = format!("/instance/v1/zones/{zone}/tasks/{}", task.id);
            let mut response = reply(
                &sim,
                StatusCode::ACCEPTED,
                json::spaced(&Envelope { task: &task }),
            );
            if let Ok(v) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, v);
            }
            response
        }
        Err(ActionError::UnknownZone(_)) | Err(ActionError::UnknownServer { .. }) => {
            server_not_found(&sim, &id)
        }
        Err(e @ ActionError::NotAllowed { .. }) => invalid_request(&sim, &e.to_string(), None),
    })
}

/// The action a request body names (`{"action": "poweron"}`), or the Instance API's refusal.
fn requested_action(sim: &Simulator, body: &[u8]) -> Result<Action, Refused> {
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(body) else {
        let why = "The request body could not be decoded as JSON";
        return Err(invalid_request(sim, why, None).into());
    };
    let why = match request.get("action") {
        Some(serde_json::Value::String(name)) => match Action::parse(name) {
            Some(action) => return Ok(action),
            None => format!("'{name}' is not a valid choice."),
        },
        _ => "This field is required.".to_owned(),
    };
    Err(invalid_request(sim, "Validation Error", Some(("action", why))).into())
}

async fn get_volume(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, Refused> {
    let (zone, id) = admit(&sim, &headers, path, Api::Resource(Resource::BlockVolume))?;
    Ok(match sim.volume_bytes(&zone, &id) {
        Some(body) => reply(&sim, StatusCode::OK, body),
        None => resource_not_found(&sim, "volume", &id),
    })
}

async fn legacy_servers(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refused> {
    key(&sim, &headers)?;
    let (page, per_page) = page(&sim, query.as_deref(), Style::Spaced)?;
    let zone = sim.legacy_zone().unwrap_or_default();
    let out = sim.servers_page(&zone, page, per_page, sim.shape_for_legacy());
    let mut response = reply(&sim, StatusCode::OK, out.body);
    paging_headers(&mut response, "/servers", page, per_page, out.total, "");
    Ok(response)
}

async fn not_found(State(sim): State<Simulator>) -> Response {
    reply(&sim, StatusCode::NOT_FOUND, NO_ROUTE.to_vec())
}

/// Every response: JSON, a request id, the gateway's `Server` header.
pub(crate) fn reply(sim: &Simulator, status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::SERVER, HeaderValue::from_static(SERVER_HEADER));
    if let Ok(v) = HeaderValue::from_str(&sim.fresh_uuid()) {
        headers.insert("x-request-id", v);
    }
    response
}
