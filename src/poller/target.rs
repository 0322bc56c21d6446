//! One (product, zone) polled: every page of its servers, read as its product's model, and
//! for Instances the Block Storage sizes of their `sbs_volume`s.

use tokio::time::Instant;

use crate::api::{model, ApiError, ApiFlavor, Client};
use crate::inventory::{
    listing_is_complete, BlockSizes, Fleet, PollError, Server, VolumeSizes, ZonePoll,
};
use crate::product::Product;

/// One product's zone, read with its product's model.
pub async fn poll_target(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError> {
    // A fault only the unit tests can switch on: polling this zone panics, as a bug of the
    // exporter's own would.
    #[cfg(test)]
    if tests::panics(product, zone) {
        panic!("a test asked for a panic while polling {product} in {zone}");
    }
    match product {
        Product::Instance => poll_instances(client, zone, deadline).await,
        Product::ElasticMetal => {
            poll_listed::<model::ElasticMetalServer>(client, product, zone, deadline).await
        }
        Product::AppleSilicon => {
            poll_listed::<model::AppleSiliconServer>(client, product, zone, deadline).await
        }
        Product::Dedibox => {
            poll_listed::<model::DediboxServer>(client, product, zone, deadline).await
        }
    }
}

/// Every page of a product's servers in `zone`, read as `S`, the product's model, into a
/// fleet; and whether the listing is complete.
async fn list<S>(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Result<(Fleet, bool), ApiError>
where
    S: serde::de::DeserializeOwned + Into<Server>,
{
    let mut fleet = Fleet::default();
    let announced = client
        .list_servers(product, zone, deadline, |server: S| fleet.add(server))
        .await?;
    let complete = listing_is_complete(fleet.servers().len(), announced);
    if !complete {
        tracing::debug!(
            product = product.label(),
            zone,
            servers = fleet.servers().len(),
            announced,
            "zone listing shorter than the total the API announced; servers it missed are kept from the last poll"
        );
    }
    Ok((fleet, complete))
}

/// A product whose servers are all its list says of them.
async fn poll_listed<S>(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError>
where
    S: serde::de::DeserializeOwned + Into<Server>,
{
    let (fleet, complete) = list::<S>(client, product, zone, deadline).await?;
    Ok(ZonePoll {
        complete,
        ..ZonePoll::from(fleet.finish())
    })
}

/// Instances: every page of servers, then the Block Storage volumes when an `sbs_volume`
/// needs its size. Only the servers list fails the zone's poll: Block Storage is best effort,
/// and what became of it is in [`ZonePoll::volume_sizes`]. The poll says whether the listing
/// is complete, so the snapshot can keep the servers a short one missed.
async fn poll_instances(
    client: &Client,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError> {
    let product = Product::Instance;
    let (mut fleet, complete) = list::<model::Server>(client, product, zone, deadline).await?;
    let (volume_sizes, block_sizes) =
        if client.flavor() != ApiFlavor::Instance || !BlockSizes::needed_by(fleet.servers()) {
            (VolumeSizes::NotNeeded, None)
        } else {
            match client.list_block_volumes(zone, deadline).await {
                Ok(volumes) => {
                    let sizes = BlockSizes::from_api(&volumes);
                    sizes.apply(fleet.servers_mut());
                    (VolumeSizes::Read, Some(sizes))
                }
                Err(error) if block_not_served(&error) => (VolumeSizes::NotServed(error), None),
                Err(error) => (VolumeSizes::Failed(error), None),
            }
        };
    Ok(ZonePoll {
        servers: fleet.finish(),
        complete,
        volume_sizes,
        block_sizes,
    })
}

/// A 404 or 501 from Block Storage, when the servers list of the same zone at the same base
/// URL has just answered: the service is not in this zone (the gateway's 501 "unknown
/// service"), not a wrong URL. Scaleway's SDK lists no Block Storage in it-mil-1, whose
/// servers have `sbs_volume`s, while recorded answers say it serves it: asking tells.
fn block_not_served(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Status {
            status: 404 | 501,
            ..
        }
    )
}

/// The API gateway's answer for a product that is not in a zone: `501 unknown service`.
pub(super) fn not_served(error: &PollError) -> bool {
    error.status() == Some(501)
}

/// The fault switch of the unit tests: the (product, zone) pairs whose poll panics.
#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use crate::product::Product;

    static PANICKING: Mutex<Vec<(Product, String)>> = Mutex::new(Vec::new());

    /// Makes the polls of these pairs panic, from now on (none: no more panics).
    pub(crate) fn panic_in(pairs: &[(Product, &str)]) {
        let mut panicking = PANICKING.lock().unwrap_or_else(|p| p.into_inner());
        *panicking = pairs.iter().map(|(p, z)| (*p, (*z).to_owned())).collect();
    }

    pub(super) fn panics(product: Product, zone: &str) -> bool {
        let panicking = PANICKING.lock().unwrap_or_else(|p| p.into_inner());
        panicking.iter().any(|(p, z)| *p == product && z == zone)
    }
}
