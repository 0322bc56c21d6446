//! The routes of every [`Resource`]: one handler for all, reading its kind's [`super::Spec`].
//! A zoned list goes through [`admit`] (key, zone form, served zone, then the kind's test
//! fault); the bill, global, through the key and the fault alone.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::page::{respond, Asked};
use super::Resource;
use crate::http::{admit, key, page_sized, reply, Api, Refused};
use crate::Simulator;

/// Every kind's list route, added to the simulator's router.
pub(crate) fn routes(mut router: Router<Simulator>) -> Router<Simulator> {
    for kind in Resource::ALL {
        router = if kind.is_zoned() {
            router.route(
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
            )
        } else {
            router.route(
                kind.path(),
                get(
                    move |State(sim): State<Simulator>,
                          headers: HeaderMap,
                          RawQuery(query): RawQuery| async move {
                        key(&sim, &headers)?;
                        sim.resource_checks(kind, "")?;
                        list(kind, &sim, "", query.as_deref())
                    },
                ),
            )
        };
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
    let spec = kind.spec();
    let (page, size) = page_sized(sim, query, spec.style())?;
    let asked = Asked { page, size };
    match sim.resource_page(kind, zone, query, asked) {
        Ok((body, total)) => Ok(respond(sim, spec, asked, total, body)),
        Err(invalid) => Ok(reply(
            sim,
            StatusCode::BAD_REQUEST,
            invalid.written(spec.style()),
        )),
    }
}
