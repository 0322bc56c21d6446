//! Error bodies, each written once in the form its real service writes it: the gateway's and
//! IAM's (compact, keys sorted), the Instance API's (spaced Python JSON), and the Go
//! services' (compact, keys sorted).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::checks::Style;
use super::{json, reply, Simulator};
use crate::{BlockFault, ReferenceFault};

/// The gateway's answer to a missing or wrong key (real-err-401).
const DENIED: &str = r#"{"message":"authentication is denied","method":"api_key","reason":"not_found","type":"denied_authentication"}"#;
/// The gateway's answer for a service that does not serve the zone.
pub(crate) const UNKNOWN_SERVICE: &[u8] = br#"{"message":"unknown service"}"#;
/// The gateway's answer for a path no service has.
pub(crate) const NO_ROUTE: &[u8] = br#"{"message":"Not Found","type":"not_found"}"#;
/// The Instance API's 500 (`server_error`); no other service's is recorded, so the Go
/// services write the same, compact and key-sorted.
pub(crate) const SERVER_ERROR: &[u8] = br#"{"message":"Internal error","type":"server_error"}"#;

pub(crate) fn denied(sim: &Simulator) -> Response {
    reply(sim, StatusCode::UNAUTHORIZED, DENIED.as_bytes().to_vec())
}

/// IAM's 403 for a key whose policy does not cover reading `resource` (recorded for Apple
/// silicon servers).
pub(crate) fn permission_denied(sim: &Simulator, resource: &str) -> Response {
    let body = format!(
        r#"{{"details":[{{"action":"read","resource":"{resource}"}}],"message":"insufficient permissions","type":"permissions_denied"}}"#
    );
    reply(sim, StatusCode::FORBIDDEN, body.into_bytes())
}

/// IAM's 403 as the Instance API writes it (recorded for its IPs): spaced, its own key order.
fn permission_denied_spaced(sim: &Simulator, resource: &str) -> Response {
    let body = format!(
        r#"{{"message": "insufficient permissions", "type": "permissions_denied", "details": [{{"resource": "{resource}", "action": "read"}}]}}"#
    );
    reply(sim, StatusCode::FORBIDDEN, body.into_bytes())
}

/// What a test's [`ReferenceFault`] answers on an endpoint of `resource`, in the API's
/// `style`: IAM's refusal, or a 500.
pub(crate) fn fault_reply(
    sim: &Simulator,
    fault: ReferenceFault,
    resource: &str,
    style: Style,
) -> Response {
    match (fault, style) {
        (ReferenceFault::PermissionDenied, Style::Spaced) => {
            permission_denied_spaced(sim, resource)
        }
        (ReferenceFault::PermissionDenied, Style::Compact) => permission_denied(sim, resource),
        (ReferenceFault::InternalError, _) => reply(
            sim,
            StatusCode::INTERNAL_SERVER_ERROR,
            SERVER_ERROR.to_vec(),
        ),
    }
}

/// A Go service's 404 for a resource that does not exist (not recorded: written in the form
/// of the recorded Block Storage errors).
pub(crate) fn resource_not_found(sim: &Simulator, resource: &str, id: &str) -> Response {
    #[derive(Serialize)]
    struct NotFound<'a> {
        message: &'static str,
        resource: &'a str,
        resource_id: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    }
    let body = NotFound {
        message: "resource is not found",
        resource,
        resource_id: id,
        kind: "not_found",
    };
    reply(sim, StatusCode::NOT_FOUND, json::compact(&body))
}

/// What Block Storage answers in place of the volumes, as the real services write it: IAM's
/// 403, the gateway's empty 429 and its 501 for a service a zone lacks.
pub(crate) fn block_fault(sim: &Simulator, fault: BlockFault) -> Response {
    let (status, body): (StatusCode, &[u8]) = match fault {
        BlockFault::PermissionDenied => return permission_denied(sim, "volume"),
        BlockFault::RateLimited => {
            let mut response = reply(sim, StatusCode::TOO_MANY_REQUESTS, Vec::new());
            let headers = response.headers_mut();
            headers.remove(header::CONTENT_TYPE);
            headers.insert("x-envoy-ratelimited", HeaderValue::from_static("true"));
            return response;
        }
        BlockFault::InternalError => (StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR),
        BlockFault::NotServed => (StatusCode::NOT_IMPLEMENTED, UNKNOWN_SERVICE),
    };
    reply(sim, status, body.to_vec())
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
    pub(crate) fn one(argument: &str, help: String) -> Self {
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

    /// The body in `style`.
    pub(crate) fn written(&self, style: Style) -> Vec<u8> {
        match style {
            Style::Spaced => json::spaced(self),
            Style::Compact => json::compact(&self.compact()),
        }
    }

    fn compact(&self) -> serde_json::Value {
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

pub(crate) fn bad_zone(sim: &Simulator, zone: &str, style: Style) -> Response {
    let e = InvalidArguments::one(
        "zone",
        format!("'{zone}' is not a valid zone (expected xx-yyy-N)"),
    );
    reply(sim, StatusCode::BAD_REQUEST, e.written(style))
}

/// The Instance API's 404 for a server: spaced, its keys in the API's order.
pub(crate) fn server_not_found(sim: &Simulator, id: &str) -> Response {
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
pub(crate) fn invalid_request(
    sim: &Simulator,
    message: &str,
    field: Option<(&str, String)>,
) -> Response {
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
