//! The checks every endpoint makes before its own work, written once for every API: the key,
//! the zone's form, whether the product serves the zone, whether a test forbade it, and the
//! paging parameters. A failed check is a [`Refused`], which a handler passes on with `?`.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::errors::{bad_zone, denied, permission_denied, UNKNOWN_SERVICE};
use super::{paging_sized, reply, Simulator};
use crate::{Product, Resource};

/// A request refused before the handler's own work: the response that says why (boxed, as
/// a response is large beside what a handler returns when it succeeds).
pub(crate) struct Refused(Box<Response>);

impl From<Response> for Refused {
    fn from(response: Response) -> Self {
        Refused(Box::new(response))
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// How an API writes its JSON, errors included: the Instance API is Python (`json.dumps`'
/// spaced separators), Block Storage and the other products are Go services (compact).
#[derive(Clone, Copy)]
pub(crate) enum Style {
    Spaced,
    Compact,
}

/// Which API a zoned endpoint belongs to: what it checks and how it writes a refusal.
#[derive(Clone, Copy)]
pub(crate) enum Api {
    /// A product's servers (for Instance, its server-type catalog too): the product must
    /// serve the zone, and no test may have forbidden it.
    Servers(Product),
    /// A [`Resource`]'s list (Block volumes' get-one too): its API must serve the zone, and
    /// the kind's test fault answers instead of it.
    Resource(Resource),
}

impl Api {
    fn style(self) -> Style {
        match self {
            Api::Servers(Product::Instance) => Style::Spaced,
            Api::Servers(_) => Style::Compact,
            Api::Resource(kind) => kind.spec().style(),
        }
    }
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

impl ZonePath for (String, String, String) {
    fn zone(&self) -> &str {
        &self.0
    }
}

/// The key the gateway checks first: the gateway's 401 without it.
pub(crate) fn key(sim: &Simulator, headers: &HeaderMap) -> Result<(), Refused> {
    if headers.get("x-auth-token").map(|v| v.as_bytes()) == Some(sim.token().as_bytes()) {
        Ok(())
    } else {
        Err(denied(sim).into())
    }
}

/// The checks of a zoned endpoint, in the real API's order: the key, the zone's form (400),
/// whether the API serves the zone (the gateway's 501 `unknown service`), whether a test
/// forbade the product or set a fault on the resource (IAM's 403, a 500…). The path's
/// segments when all pass.
pub(crate) fn admit<T: ZonePath>(
    sim: &Simulator,
    headers: &HeaderMap,
    path: Result<Path<T>, PathRejection>,
    api: Api,
) -> Result<T, Refused> {
    key(sim, headers)?;
    let Ok(Path(path)) = path else {
        return Err(bad_zone(sim, "", api.style()).into());
    };
    if !is_zone(path.zone()) {
        return Err(bad_zone(sim, path.zone(), api.style()).into());
    }
    let served = match api {
        Api::Servers(product) => product.serves(path.zone()),
        Api::Resource(kind) => kind.serves(path.zone()),
    };
    if !served {
        let body = UNKNOWN_SERVICE.to_vec();
        return Err(reply(sim, StatusCode::NOT_IMPLEMENTED, body).into());
    }
    match api {
        Api::Servers(product) if sim.product_forbidden(product) => {
            Err(permission_denied(sim, "server").into())
        }
        Api::Servers(_) => Ok(path),
        Api::Resource(kind) => sim.resource_checks(kind, path.zone()).map(|()| path),
    }
}

/// `page` and the page size from the query (50 when absent): `per_page` for the Instance
/// API, `page_size` for the Go services, whose `invalid_arguments` body each writes in its
/// own style.
pub(crate) fn page(
    sim: &Simulator,
    query: Option<&str>,
    style: Style,
) -> Result<(u64, u64), Refused> {
    let (page, size) = page_sized(sim, query, style)?;
    Ok((page, size.unwrap_or(super::DEFAULT_PAGE_SIZE)))
}

/// `page`, and the page size when the query gives one (lists whose default is not 50).
pub(crate) fn page_sized(
    sim: &Simulator,
    query: Option<&str>,
    style: Style,
) -> Result<(u64, Option<u64>), Refused> {
    let size_name = match style {
        Style::Spaced => "per_page",
        Style::Compact => "page_size",
    };
    paging_sized(query, size_name)
        .map_err(|e| reply(sim, StatusCode::BAD_REQUEST, e.written(style)).into())
}

/// `xx-yyy-N`: two letters, three letters, a number (new zones must work without a release).
pub(crate) fn is_zone(zone: &str) -> bool {
    let parts: Vec<&str> = zone.split('-').collect();
    matches!(parts.as_slice(), [country, city, n]
        if country.len() == 2 && country.bytes().all(|b| b.is_ascii_lowercase())
        && city.len() == 3 && city.bytes().all(|b| b.is_ascii_lowercase())
        && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
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
