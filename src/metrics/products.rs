//! The families of Elastic Metal, Apple silicon and Dedibox servers (pure, like the
//! Instance ones in `encoder`).

use super::descriptors::*;
use super::writer::Writer;
use crate::api::Product;
use crate::inventory::{states, Detail, ProductServer, Snapshot};

/// Writes every family of the three products, each from the snapshot alone.
pub(super) fn render_products(out: &mut Writer, snapshot: &Snapshot) {
    let of = |product: Product| snapshot.servers_of(product);

    out.family(&EM_INFO);
    for (zone, s) in of(Product::ElasticMetal) {
        let extra = [s.server_type.as_str(), &s.project_id, &s.organization_id];
        out.sample(&EM_INFO, with(zone, s, extra), 1);
    }
    state_family(
        out,
        &EM_STATE,
        Product::ElasticMetal,
        of(Product::ElasticMetal),
    );
    out.family(&EM_PING_UP);
    for (zone, s) in of(Product::ElasticMetal) {
        if let Detail::ElasticMetal { ping_up: Some(up) } = s.detail {
            out.sample(&EM_PING_UP, labels(zone, s), u8::from(up));
        }
    }
    seconds_family(out, &EM_CREATED, of(Product::ElasticMetal), |s| s.created);
    tag_family(out, &EM_TAG, of(Product::ElasticMetal));
    ip_family(out, &EM_IP, of(Product::ElasticMetal));

    out.family(&AS_INFO);
    for (zone, s) in of(Product::AppleSilicon) {
        let os_name = match &s.detail {
            Detail::AppleSilicon { os_name, .. } => os_name.as_str(),
            _ => "",
        };
        let extra = [
            s.server_type.as_str(),
            os_name,
            &s.project_id,
            &s.organization_id,
        ];
        out.sample(&AS_INFO, with(zone, s, extra), 1);
    }
    state_family(
        out,
        &AS_STATE,
        Product::AppleSilicon,
        of(Product::AppleSilicon),
    );
    seconds_family(out, &AS_CREATED, of(Product::AppleSilicon), |s| s.created);
    seconds_family(out, &AS_DELETABLE, of(Product::AppleSilicon), |s| {
        match s.detail {
            Detail::AppleSilicon { deletable, .. } => deletable,
            _ => None,
        }
    });
    tag_family(out, &AS_TAG, of(Product::AppleSilicon));
    ip_family(out, &AS_IP, of(Product::AppleSilicon));

    out.family(&DEDIBOX_INFO);
    for (zone, s) in of(Product::Dedibox) {
        let datacenter = match &s.detail {
            Detail::Dedibox { datacenter, .. } => datacenter.as_str(),
            _ => "",
        };
        let extra = [
            s.server_type.as_str(),
            datacenter,
            &s.project_id,
            &s.organization_id,
        ];
        out.sample(&DEDIBOX_INFO, with(zone, s, extra), 1);
    }
    state_family(out, &DEDIBOX_STATE, Product::Dedibox, of(Product::Dedibox));
    seconds_family(
        out,
        &DEDIBOX_EXPIRATION,
        of(Product::Dedibox),
        |s| match s.detail {
            Detail::Dedibox { expiration, .. } => expiration,
            _ => None,
        },
    );
    ip_family(out, &DEDIBOX_IP, of(Product::Dedibox));
}

/// `zone`, `server_id`, `name` of a server.
fn labels<'a>(zone: &'a str, s: &'a ProductServer) -> [&'a str; 3] {
    [zone, &s.id, &s.name]
}

/// The server's labels followed by a family's own; `N` must be their sum.
fn with<'a, const EXTRA: usize, const N: usize>(
    zone: &'a str,
    s: &'a ProductServer,
    extra: [&'a str; EXTRA],
) -> [&'a str; N] {
    const { assert!(N == SERVER_LABELS.len() + EXTRA) };
    let mut values = [""; N];
    let (server, rest) = values.split_at_mut(SERVER_LABELS.len());
    server.copy_from_slice(&labels(zone, s));
    rest.copy_from_slice(&extra);
    values
}

fn state_family<'a>(
    out: &mut Writer,
    family: &Descriptor<4>,
    product: Product,
    servers: impl Iterator<Item = (&'a str, &'a ProductServer)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for state in states(product) {
            out.sample(family, with(zone, s, [state]), u8::from(s.state == *state));
        }
    }
}

fn seconds_family<'a>(
    out: &mut Writer,
    family: &Descriptor<3>,
    servers: impl Iterator<Item = (&'a str, &'a ProductServer)>,
    field: impl Fn(&ProductServer) -> Option<f64>,
) {
    out.family(family);
    for (zone, s) in servers {
        if let Some(seconds) = field(s) {
            out.sample(family, labels(zone, s), seconds);
        }
    }
}

fn tag_family<'a>(
    out: &mut Writer,
    family: &Descriptor<4>,
    servers: impl Iterator<Item = (&'a str, &'a ProductServer)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for tag in &s.tags {
            out.sample(family, with(zone, s, [tag.as_str()]), 1);
        }
    }
}

fn ip_family<'a>(
    out: &mut Writer,
    family: &Descriptor<5>,
    servers: impl Iterator<Item = (&'a str, &'a ProductServer)>,
) {
    out.family(family);
    for (zone, s) in servers {
        for ip in &s.addresses {
            out.sample(
                family,
                with(zone, s, [ip.address.as_str(), ip.family.as_str()]),
                1,
            );
        }
    }
}
