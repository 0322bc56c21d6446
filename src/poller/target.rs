//! One (product, zone) polled: every page of its servers, read as its product's model, and
//! for Instances the Block Storage sizes of their `sbs_volume`s.

use tokio::time::Instant;

use crate::api::{model, ApiError, ApiFlavor, Client};
use crate::inventory::{
    ips_from, listing_is_complete, snapshots_from, volumes_from, BlockSizes, Fleet, Items,
    PollError, Server, VolumeSizes, ZonePoll,
};
use crate::product::{Product, Resource};

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

/// A product whose servers are all its list says of them, and what its zone holds beside
/// them.
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
    let resources = read_resources(client, product, zone, deadline).await;
    Ok(ZonePoll {
        complete,
        resources,
        ..ZonePoll::from(fleet.finish())
    })
}

/// Instances: every page of servers, then, each on its own and best effort, what the zone
/// holds beside them; the Block Storage volumes among those give the `sbs_volume`s their
/// sizes. Only the servers list fails the zone's poll: what became of the rest is in
/// [`ZonePoll::volume_sizes`] and [`ZonePoll::resources`]. The legacy API has nothing but
/// servers.
async fn poll_instances(
    client: &Client,
    zone: &str,
    deadline: Instant,
) -> Result<ZonePoll, ApiError> {
    let product = Product::Instance;
    let (mut fleet, complete) = list::<model::Server>(client, product, zone, deadline).await?;
    if client.flavor() != ApiFlavor::Instance {
        return Ok(ZonePoll {
            complete,
            ..ZonePoll::from(fleet.finish())
        });
    }
    let resources = read_resources(client, product, zone, deadline).await;
    let block = resources
        .iter()
        .find(|(resource, _)| *resource == Resource::BlockVolumes)
        .map(|(_, read)| read);
    let (volume_sizes, block_sizes) = match block {
        _ if !BlockSizes::needed_by(fleet.servers()) => (VolumeSizes::NotNeeded, None),
        Some(Ok(Items::Volumes(volumes))) => {
            let sizes = BlockSizes::of(
                volumes
                    .iter()
                    .map(|v| (v.id.as_str(), v.size, v.name.as_str())),
            );
            sizes.apply(fleet.servers_mut());
            (VolumeSizes::Read, Some(sizes))
        }
        Some(Err(error)) if block_not_served(error) => {
            (VolumeSizes::NotServed(error.clone()), None)
        }
        Some(Err(error)) => (VolumeSizes::Failed(error.clone()), None),
        Some(Ok(_)) | None => (VolumeSizes::NotNeeded, None),
    };
    Ok(ZonePoll {
        servers: fleet.finish(),
        complete,
        volume_sizes,
        block_sizes,
        resources,
    })
}

/// Every resource read beside `product`'s servers in `zone`, concurrently, each on its own.
async fn read_resources(
    client: &Client,
    product: Product,
    zone: &str,
    deadline: Instant,
) -> Vec<(Resource, Result<Items, ApiError>)> {
    let reads = Resource::read_with_product(product)
        .map(|resource| async move { (resource, read(client, resource, zone, deadline).await) });
    futures_util::future::join_all(reads).await
}

/// One resource of `zone`, every page, read with its own model.
async fn read(
    client: &Client,
    resource: Resource,
    zone: &str,
    deadline: Instant,
) -> Result<Items, ApiError> {
    /// Every item of the list, read as `M` and turned into `T`.
    async fn all<M, T>(
        client: &Client,
        resource: Resource,
        zone: &str,
        deadline: Instant,
    ) -> Result<Vec<T>, ApiError>
    where
        M: serde::de::DeserializeOwned + model::Listed + Into<T>,
    {
        let listed = client.list::<M>(resource, zone, deadline).await?;
        Ok(listed.into_iter().map(Into::into).collect())
    }
    let (c, r, z, d) = (client, resource, zone, deadline);
    Ok(match resource {
        Resource::BlockVolumes => {
            volumes_from(all::<model::BlockVolume, _>(c, r, z, d).await?, true)
        }
        Resource::InstanceVolumes => {
            volumes_from(all::<model::InstanceVolume, _>(c, r, z, d).await?, false)
        }
        Resource::InstanceIps => ips_from(all::<model::InstanceIp, _>(c, r, z, d).await?),
        Resource::FlexibleIps => ips_from(all::<model::FlexibleIp, _>(c, r, z, d).await?),
        Resource::BlockSnapshots => {
            snapshots_from(all::<model::BlockSnapshot, _>(c, r, z, d).await?)
        }
        Resource::InstanceSnapshots => {
            snapshots_from(all::<model::InstanceSnapshot, _>(c, r, z, d).await?)
        }
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
