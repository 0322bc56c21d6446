//! The routes of every [`Resource`]: one handler for all, reading its kind's [`super::Spec`],
//! after the checks of [`admit`] (key, zone form, served zone, then the kind's test fault).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::page::Asked;
use super::Resource;
use crate::http::{admit, page_sized, reply, Api, Refused};
use crate::Simulator;

/// Every kind's list route, added to the simulator's router.
pub(crate) fn routes(mut router: Router<Simulator>) -> Router<Simulator> {
    for kind in Resource::ALL {
        router = router.route(
            kind.path(),
            get(
                move |State(sim): State<Simulator>,
                      headers: HeaderMap,
                      path: Result<Path<String>, PathRejection>,
                      RawQuery(query): RawQuery| async move {
                    let zone = admit(&sim, &headers, path, Api::Resource(kind))?;
                    list(kind, &sim, &zone, query.as_deref())
                },
            ),
        );
    }
    router
}

/// A page of the kind's list in `zone`, as its API pages it.
fn list(
    kind: Resource,
    sim: &Simulator,
    zone: &str,
    query: Option<&str>,
) -> Result<Response, Refused> {
    let (page, size) = page_sized(sim, query, kind.spec().style())?;
    let body = sim.resource_page(kind, zone, query, Asked { page, size });
    Ok(reply(sim, StatusCode::OK, body))
}
