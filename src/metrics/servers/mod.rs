//! The families of every product's servers: one module per product, each with its families
//! and the function that writes them from the snapshot alone (pure). What the families of
//! all products share (the server labels, the state, creation, tag and address families) is
//! here, named and worded from each product's facts ([`crate::product::Spec`]).

mod apple_silicon;
mod dedibox;
mod elastic_metal;
mod instance;

use super::descriptors::{Descriptor, SERVER_LABELS};
use super::writer::Writer;
use crate::inventory::{Server, Snapshot};
use crate::product::Product;

pub(super) use apple_silicon::FAMILIES as APPLE_SILICON;
pub(super) use dedibox::FAMILIES as DEDIBOX;
pub(super) use elastic_metal::FAMILIES as ELASTIC_METAL;
pub(super) use instance::FAMILIES as INSTANCE;

/// The end of every help text of a server family.
const CACHED: &str = " Cached from the last successful poll of its zone.";

/// The number of other states, as the help of a state family words it.
const fn others(states: usize) -> &'static str {
    match states.saturating_sub(1) {
        1 => "one",
        2 => "two",
        3 => "three",
        4 => "four",
        5 => "five",
        6 => "six",
        7 => "seven",
        8 => "eight",
        9 => "nine",
        10 => "ten",
        11 => "eleven",
        12 => "twelve",
        13 => "thirteen",
        14 => "fourteen",
        15 => "fifteen",
        _ => "many",
    }
}

/// `scaleway_…_state{…,state}`: 1 for the server's state, 0 for each other of its product.
macro_rules! state_family {
    ($spec:ident) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, "state"),
            help: const_format::concatcp!(
                "1 for the ",
                $spec.server_noun,
                "'s current state, 0 for the ",
                $crate::metrics::servers::others($spec.states.len()),
                " others.",
                $crate::metrics::servers::CACHED
            ),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: &$crate::metrics::descriptors::per_server(["state"]),
        }
    };
}

/// `scaleway_…_created_timestamp_seconds`.
macro_rules! created_family {
    ($spec:ident) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, "created_timestamp_seconds"),
            help: const_format::concatcp!(
                "Creation date of the ",
                $spec.server_noun,
                ", in Unix seconds.",
                $crate::metrics::servers::CACHED
            ),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: &$crate::metrics::descriptors::SERVER_LABELS,
        }
    };
}

/// `scaleway_…_tag_info{…,tag}`.
macro_rules! tag_family {
    ($spec:ident) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, "tag_info"),
            help: const_format::concatcp!(
                "One series of value 1 per tag of the ",
                $spec.server_noun,
                ".",
                $crate::metrics::servers::CACHED
            ),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: &$crate::metrics::descriptors::per_server(["tag"]),
        }
    };
}

/// `scaleway_…_ip_info`: one series per address, with the labels given.
macro_rules! ip_family {
    ($spec:ident, $note:literal, $labels:expr) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, "ip_info"),
            help: const_format::concatcp!(
                "One series of value 1 per address of the ",
                $spec.server_noun,
                $note,
                ".",
                $crate::metrics::servers::CACHED
            ),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: &$crate::metrics::descriptors::per_server($labels),
        }
    };
}

/// `scaleway_…_info`: the descriptive labels, value 1.
macro_rules! info_family {
    ($spec:ident, $note:literal, $labels:expr) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, "info"),
            help: const_format::concatcp!(
                "Descriptive labels of ",
                $spec.a_server,
                $note,
                ", value 1.",
                $crate::metrics::servers::CACHED
            ),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: &$crate::metrics::descriptors::per_server($labels),
        }
    };
}

/// A family of one product only, named after the product and cached like the others.
macro_rules! own_family {
    ($spec:ident, $suffix:literal, $help:literal, $labels:expr) => {
        $crate::metrics::descriptors::Descriptor {
            name: const_format::concatcp!($spec.metric_prefix, $suffix),
            help: const_format::concatcp!($help, $crate::metrics::servers::CACHED),
            kind: $crate::metrics::descriptors::Kind::Gauge,
            labels: $labels,
        }
    };
}

pub(super) use {created_family, info_family, ip_family, own_family, state_family, tag_family};

/// Writes every product's families, product by product.
pub(super) fn render(out: &mut Writer, snapshot: &Snapshot) {
    instance::render(out, snapshot);
    elastic_metal::render(out, snapshot);
    apple_silicon::render(out, snapshot);
    dedibox::render(out, snapshot);
}

/// The values of [`SERVER_LABELS`] for a server, in their order.
fn labels<'a>(zone: &'a str, s: &'a Server) -> [&'a str; SERVER_LABELS.len()] {
    [zone, &s.id, &s.name]
}

/// The values of [`SERVER_LABELS`] followed by a family's own: `N`, the family's number of
/// labels, must be their sum, or the build fails.
fn with<'a, const EXTRA: usize, const N: usize>(
    zone: &'a str,
    s: &'a Server,
    extra: [&'a str; EXTRA],
) -> [&'a str; N] {
    const { assert!(N == SERVER_LABELS.len() + EXTRA) };
    let mut values = [""; N];
    let (server, rest) = values.split_at_mut(SERVER_LABELS.len());
    server.copy_from_slice(&labels(zone, s));
    rest.copy_from_slice(&extra);
    values
}

/// 1 for each server's state, 0 for every other state of its product.
fn write_states<'a>(
    out: &mut Writer,
    family: &Descriptor<4>,
    product: Product,
    servers: impl Iterator<Item = (&'a str, &'a Server)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for state in product.states() {
            let value = u8::from(s.state == *state);
            out.sample(family, with(zone, s, [state.label()]), value);
        }
    }
}

/// A timestamp of each server that has one.
fn write_seconds<'a>(
    out: &mut Writer,
    family: &Descriptor<3>,
    servers: impl Iterator<Item = (&'a str, &'a Server, Option<f64>)>,
) {
    out.family(family);
    for (zone, s, seconds) in servers {
        if let Some(seconds) = seconds {
            out.sample(family, labels(zone, s), seconds);
        }
    }
}

fn write_tags<'a>(
    out: &mut Writer,
    family: &Descriptor<4>,
    servers: impl Iterator<Item = (&'a str, &'a Server)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for tag in &s.tags {
            out.sample(family, with(zone, s, [tag.as_str()]), 1);
        }
    }
}

/// Each address with its family (the Instance family adds its scope: `instance.rs`).
fn write_addresses<'a>(
    out: &mut Writer,
    family: &Descriptor<5>,
    servers: impl Iterator<Item = (&'a str, &'a Server)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for ip in &s.addresses {
            let extra = [ip.address.as_str(), ip.family.as_str()];
            out.sample(family, with(zone, s, extra), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_product_names_its_families_with_its_prefix_and_counts_its_states() {
        let families = [
            (Product::Instance, INSTANCE),
            (Product::ElasticMetal, ELASTIC_METAL),
            (Product::AppleSilicon, APPLE_SILICON),
            (Product::Dedibox, DEDIBOX),
        ];
        for (product, families) in families {
            let prefix = product.spec().metric_prefix;
            for family in families {
                assert!(family.name.starts_with(prefix), "{}", family.name);
            }
            let state = families
                .iter()
                .find(|f| f.name == format!("{prefix}state"))
                .unwrap();
            let others = product.states().len() - 1;
            assert!(
                state
                    .help
                    .contains(&format!(" 0 for the {} others.", super::others(others + 1))),
                "{}: {others} others",
                state.help
            );
        }
    }
}
