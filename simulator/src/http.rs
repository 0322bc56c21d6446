//! The HTTP face of the simulator: routes, the gateway's auth check, paging headers, and error
//! bodies written the way each real service writes them (spaced Python JSON for Instance,
//! compact Go JSON for the gateway and Block Storage).

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use super::{json, Action, ActionError, BlockFault, Shape, Simulator};

mod paging;
mod reference;

#[cfg(test)]
use paging::link_header_at;
pub(crate) use paging::paging;
use paging::paging_headers;

/// Page size when the client sends none (every recorded `Link` says `per_page=50`).
const DEFAULT_PAGE_SIZE: u64 = 50;
/// "a positive integer lower or equal to 100".
const MAX_PAGE_SIZE: u64 = 100;
const SERVER_HEADER: &str = "Scaleway API Gateway (fr-par-3;edge01)";
/// The gateway's answer to a missing or wrong key (real-err-401).
const DENIED: &str = r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#;

pub(crate) fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/instance/v1/zones/{zone}/servers", get(list_servers))
        .route("/instance/v1/zones/{zone}/servers/{id}", get(get_server))
        .route(
            "/instance/v1/zones/{zone}/servers/{id}/action",
            post(server_action),
        )
        .route("/block/v1/zones/{zone}/volumes", get(list_volumes))
        .route("/block/v1/zones/{zone}/volumes/{id}", get(get_volume))
        .route(
            "/instance/v1/zones/{zone}/products/servers",
            get(reference::list_server_types),
        )
        .route("/account/v3/projects", get(reference::list_projects))
        .route("/servers", get(legacy_servers))
        .merge(crate::products::http::routes(Router::new()))
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
) -> Response {
    let zone = match admit(&sim, &headers, zone, Style::Instance) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    let (page, per_page) = match paging(query.as_deref(), "per_page") {
        Ok(p) => p,
        Err(e) => return reply(&sim, StatusCode::BAD_REQUEST, json::spaced(&e)),
    };
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
    response
}

async fn get_server(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (zone, id) = match admit(&sim, &headers, path, Style::Instance) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    match sim.server_bytes(&zone, &id) {
        Some(server) => {
            let mut body = Vec::with_capacity(server.len() + 16);
            body.extend_from_slice(b"{\"server\": ");
            body.extend_from_slice(&server);
            body.push(b'}');
            reply(&sim, StatusCode::OK, body)
        }
        None => server_not_found(&sim, &id),
    }
}

async fn server_action(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Bytes,
) -> Response {
    let (zone, id) = match admit(&sim, &headers, path, Style::Instance) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    let request: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            return invalid_request(&sim, "The request body could not be decoded as JSON", None);
        }
    };
    let action = match request.get("action") {
        Some(serde_json::Value::String(name)) => match Action::parse(name) {
            Some(action) => action,
            None => {
                let why = format!("'{name}' is not a valid choice.");
                return invalid_request(&sim, "Validation Error", Some(("action", why)));
            }
        },
        _ => {
            let why = "This field is required.".to_owned();
            return invalid_request(&sim, "Validation Error", Some(("action", why)));
        }
    };
    match sim.act(&zone, &id, action) {
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
    }
}

async fn list_volumes(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    zone: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let zone = match admit(&sim, &headers, zone, Style::Block) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    if let Some(fault) = sim.block_fault(&zone) {
        return block_fault(&sim, fault);
    }
    match paging(query.as_deref(), "page_size") {
        Ok((page, page_size)) => reply(
            &sim,
            StatusCode::OK,
            sim.volumes_page(&zone, page, page_size),
        ),
        Err(e) => reply(&sim, StatusCode::BAD_REQUEST, json::compact(&e.compact())),
    }
}

async fn get_volume(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let (zone, id) = match admit(&sim, &headers, path, Style::Block) {
        Ok(path) => path,
        Err(refused) => return *refused,
    };
    if let Some(fault) = sim.block_fault(&zone) {
        return block_fault(&sim, fault);
    }
    match sim.volume_bytes(&zone, &id) {
        Some(body) => reply(&sim, StatusCode::OK, body),
        None => {
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
                resource: "volume",
                resource_id: &id,
                kind: "not_found",
            };
            reply(&sim, StatusCode::NOT_FOUND, json::compact(&body))
        }
    }
}

async fn legacy_servers(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if !authorized(&sim, &headers) {
        return denied(&sim);
    }
    let (page, per_page) = match paging(query.as_deref(), "per_page") {
        Ok(p) => p,
        Err(e) => return reply(&sim, StatusCode::BAD_REQUEST, json::spaced(&e)),
    };
    let zone = sim.legacy_zone().unwrap_or_default();
    let out = sim.servers_page(&zone, page, per_page, sim.shape_for_legacy());
    let mut response = reply(&sim, StatusCode::OK, out.body);
    paging_headers(&mut response, "/servers", page, per_page, out.total, "");
    response
}

async fn not_found(State(sim): State<Simulator>) -> Response {
    reply(
        &sim,
        StatusCode::NOT_FOUND,
        br#"{"message":"Not Found","type":"not_found"}"#.to_vec(),
    )
}

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

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

/// What Block Storage answers in place of the volumes, as the real services write it: IAM's
/// compact key-sorted 403, the gateway's empty 429 and its 501 for a service a zone lacks.
fn block_fault(sim: &Simulator, fault: BlockFault) -> Response {
    let (status, body): (StatusCode, &[u8]) = match fault {
        BlockFault::PermissionDenied => (
            StatusCode::FORBIDDEN,
            br#"{"details":[{"action":"read","resource":"volume"}],"message":"insufficient permissions","type":"permissions_denied"}"#,
        ),
        BlockFault::RateLimited => {
            let mut response = reply(sim, StatusCode::TOO_MANY_REQUESTS, Vec::new());
            let headers = response.headers_mut();
            headers.remove(header::CONTENT_TYPE);
            headers.insert(
                "x-envoy-ratelimited",
                HeaderValue::from_static("true"),
            );
            return response;
        }
        BlockFault::InternalError => (
            StatusCode::INTERNAL_SERVER_ERROR,
            // No Block 500 is recorded: the Instance API's (`server_error`), written compact
            // and key-sorted as the Go services write their errors.
            br#"{"message":"Internal error","type":"server_error"}"#,
        ),
        BlockFault::NotServed => (
            StatusCode::NOT_IMPLEMENTED,
            br#"{"message":"unknown service"}"#,
        ),
    };
    reply(sim, status, body.to_vec())
}

pub(crate) fn authorized(sim: &Simulator, headers: &HeaderMap) -> bool {
    headers.get("x-auth-token").map(|v| v.as_bytes()) == Some(sim.token().as_bytes())
}

pub(crate) fn denied(sim: &Simulator) -> Response {
    reply(sim, StatusCode::UNAUTHORIZED, DENIED.as_bytes().to_vec())
}

/// `xx-yyy-N`: two letters, three letters, a number (new zones must work without a release).
pub(crate) fn is_zone(zone: &str) -> bool {
    let parts: Vec<&str> = zone.split('-').collect();
    matches!(parts.as_slice(), [country, city, n]
        if country.len() == 2 && country.bytes().all(|b| b.is_ascii_lowercase())
        && city.len() == 3 && city.bytes().all(|b| b.is_ascii_lowercase())
        && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The Instance API's `invalid_arguments` body.
#[derive(Serialize)]
pub(crate) struct InvalidArguments {
    #[serde(rename = "type")]
    kind: &'static str,
    message: &'static str,
    details: Vec<ArgumentDetail>,
}

#[derive(Serialize)]
struct ArgumentDetail {
    argument_name: String,
    reason: &'static str,
    help_message: String,
}

/// The same error as the Go services write it (keys sorted).
#[derive(Serialize)]
struct InvalidArgumentsCompact<'a> {
    details: &'a [ArgumentDetailCompact<'a>],
    message: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct ArgumentDetailCompact<'a> {
    argument_name: &'a str,
    help_message: &'a str,
    reason: &'static str,
}

impl InvalidArguments {
    fn one(argument: &str, help: String) -> Self {
        InvalidArguments {
            kind: "invalid_arguments",
            message: "invalid argument(s)",
            details: vec![ArgumentDetail {
                argument_name: argument.to_owned(),
                reason: "constraint",
                help_message: help,
            }],
        }
    }

    pub(crate) fn compact(&self) -> serde_json::Value {
        let details: Vec<ArgumentDetailCompact<'_>> = self
            .details
            .iter()
            .map(|d| ArgumentDetailCompact {
                argument_name: &d.argument_name,
                help_message: &d.help_message,
                reason: d.reason,
            })
            .collect();
        serde_json::to_value(InvalidArgumentsCompact {
            details: &details,
            message: self.message,
            kind: self.kind,
        })
        .unwrap_or_default()
    }
}

/// Which API an error body imitates: the Instance API writes Python-style JSON, the Block
/// Storage API compact Go JSON.
#[derive(Clone, Copy)]
pub(crate) enum Style {
    Instance,
    Block,
}

/// A path whose first segment is a zone.
pub(crate) trait ZonePath {
    fn zone(&self) -> &str;
}

impl ZonePath for String {
    fn zone(&self) -> &str {
        self
    }
}

impl ZonePath for (String, String) {
    fn zone(&self) -> &str {
        &self.0
    }
}

/// The checks every zoned endpoint makes first, in the real API's order: the key, then
/// the zone's form (then, for Instance, whether a test forbade it). The path's segments, or the response that refuses the request.
fn admit<T: ZonePath>(
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<T>, PathRejection>,
    style: Style,
) -> Result<T, Box<Response>> {
    if !authorized(sim, headers) {
        return Err(Box::new(denied(sim)));
    }
    let Ok(Path(path)) = path else {
        return Err(Box::new(bad_zone(sim, "", style)));
    };
    if !is_zone(path.zone()) {
        return Err(Box::new(bad_zone(sim, path.zone(), style)));
    }
    if matches!(style, Style::Instance) && sim.product_forbidden(crate::Product::Instance) {
        return Err(Box::new(crate::products::http::forbidden(sim)));
    }
    Ok(path)
}

pub(crate) fn bad_zone(sim: &Simulator, zone: &str, style: Style) -> Response {
    let e = InvalidArguments::one(
        "zone",
        format!("'{zone}' is not a valid zone (expected xx-yyy-N)"),
    );
    let body = match style {
        Style::Instance => json::spaced(&e),
        Style::Block => json::compact(&e.compact()),
    };
    reply(sim, StatusCode::BAD_REQUEST, body)
}

fn server_not_found(sim: &Simulator, id: &str) -> Response {
    #[derive(Serialize)]
    struct NotFound<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        message: &'static str,
        resource: &'static str,
        resource_id: &'a str,
    }
    let body = NotFound {
        kind: "not_found",
        message: "resource is not found",
        resource: "instance_server",
        resource_id: id,
    };
    reply(sim, StatusCode::NOT_FOUND, json::spaced(&body))
}

/// The Instance API's older `invalid_request_error` body, with `fields` when one is to blame.
fn invalid_request(sim: &Simulator, message: &str, field: Option<(&str, String)>) -> Response {
    #[derive(Serialize)]
    struct InvalidRequest<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        fields: Option<std::collections::BTreeMap<&'a str, [String; 1]>>,
    }
    let fields = field.map(|(name, why)| std::iter::once((name, [why])).collect());
    let body = InvalidRequest {
        kind: "invalid_request_error",
        message,
        fields,
    };
    reply(sim, StatusCode::BAD_REQUEST, json::spaced(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_must_look_like_xx_yyy_n() {
        assert!(is_zone("fr-par-1"));
        assert!(is_zone("it-mil-12"));
        assert!(!is_zone("par1"));
        assert!(!is_zone("FR-PAR-1"));
        assert!(!is_zone("fr-par-"));
        assert!(!is_zone("fr-pa-1"));
        assert!(!is_zone("fr-par-1-x"));
    }
}
