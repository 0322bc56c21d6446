//! The checks clap cannot make: zones, the API URL, the web config file.

use std::path::Path;

use super::{ConfigError, WebConfigFile, DEFAULT_LEGACY_ZONE, DEFAULT_ZONES};
use crate::api::ApiFlavor;
use crate::product::{Product, ProductZone};

/// The web config file, read and checked.
pub fn read_web_config(path: &Path) -> Result<WebConfigFile, ConfigError> {
    std::fs::metadata(path).map_err(|e| ConfigError::UnreadableWebConfig {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    WebConfigFile::read(path).map_err(|reason| ConfigError::bad_web_config(path, &reason))
}

/// True for a zone of the form `xx-yyy-N` (fr-par-1, pl-waw-3), so that new zones work
/// without a release.
pub fn is_valid_zone(zone: &str) -> bool {
    let parts: Vec<&str> = zone.split('-').collect();
    matches!(parts.as_slice(), [country, city, number]
        if country.len() == 2 && country.bytes().all(|b| b.is_ascii_lowercase())
        && city.len() == 3 && city.bytes().all(|b| b.is_ascii_lowercase())
        && !number.is_empty() && number.len() <= 3 && number.bytes().all(|b| b.is_ascii_digit()))
}

fn is_valid_legacy_zone(zone: &str) -> bool {
    !zone.is_empty()
        && zone.len() <= 32
        && zone
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(super) fn resolve_zones(
    flavor: ApiFlavor,
    given: &[String],
) -> Result<Vec<String>, ConfigError> {
    // Trim and drop empty entries: `SCW_EXPORTER_ZONES="fr-par-1, nl-ams-1,"` is a typo, not an error.
    let mut zones: Vec<String> = Vec::new();
    for zone in given.iter().map(|z| z.trim()).filter(|z| !z.is_empty()) {
        if !zones.iter().any(|known| known == zone) {
            zones.push(zone.to_owned());
        }
    }
    match flavor {
        ApiFlavor::Instance => {
            if let Some(zone) = zones.iter().find(|zone| !is_valid_zone(zone)) {
                return Err(ConfigError::MalformedZone { zone: zone.clone() });
            }
            if zones.is_empty() {
                zones = DEFAULT_ZONES.iter().map(|z| (*z).to_owned()).collect();
            }
        }
        ApiFlavor::Legacy => {
            if zones.len() > 1 {
                return Err(ConfigError::TooManyLegacyZones { count: zones.len() });
            }
            if let Some(zone) = zones.iter().find(|zone| !is_valid_legacy_zone(zone)) {
                return Err(ConfigError::MalformedLegacyZone { zone: zone.clone() });
            }
            if zones.is_empty() {
                zones.push(DEFAULT_LEGACY_ZONE.to_owned());
            }
        }
    }
    Ok(zones)
}

/// Every (product, zone) pair to poll.
type Targets = Vec<ProductZone>;

/// The (product, zone) pairs to poll, and the products named. Each selected product (every
/// product when none is named; Instances alone with the legacy API) is polled in its own
/// zones, or, when zones were given, in those of them not known to lack it: a zone newer
/// than this release is tried for every product.
pub(super) fn resolve_targets(
    flavor: ApiFlavor,
    named: &[Product],
    zones: &[String],
    zones_defaulted: bool,
) -> Result<(Targets, Vec<Product>), ConfigError> {
    let mut named_once: Vec<Product> = Vec::new();
    for product in named {
        if !named_once.contains(product) {
            named_once.push(*product);
        }
    }
    if flavor == ApiFlavor::Legacy {
        if let Some(product) = named_once.iter().find(|p| **p != Product::Instance) {
            return Err(ConfigError::LegacyProduct { product: *product });
        }
        let targets = zones
            .iter()
            .map(|z| ProductZone::new(Product::Instance, z.clone()))
            .collect();
        return Ok((targets, vec![Product::Instance]));
    }
    let selected: Vec<Product> = if named_once.is_empty() {
        Product::ALL.to_vec()
    } else {
        Product::ALL
            .into_iter()
            .filter(|p| named_once.contains(p))
            .collect()
    };
    let mut targets = Vec::new();
    for product in selected {
        if zones_defaulted {
            targets.extend(
                product
                    .zones()
                    .iter()
                    .map(|z| ProductZone::new(product, *z)),
            );
        } else {
            let before = targets.len();
            targets.extend(
                zones
                    .iter()
                    .filter(|zone| !product.known_absent_from(zone))
                    .map(|zone| ProductZone::new(product, zone.clone())),
            );
            if targets.len() == before && named_once.contains(&product) {
                return Err(ConfigError::ProductWithoutZone {
                    product,
                    zones: product.zones().join(", "),
                });
            }
        }
    }
    Ok((targets, named_once))
}

pub(super) fn resolve_api_url(text: &str) -> Result<String, ConfigError> {
    let bad = |reason: &str| ConfigError::BadApiUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    // The URL parser drops white space and control characters that the client's requests,
    // built from this text, would then choke on.
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("a URL holds no white space"));
    }
    // `api.scaleway.com` does not parse, and `localhost:8080` parses as the scheme `localhost`.
    if !text.contains("://") {
        return Err(bad(&format!(
            "no scheme; did you mean {}?",
            with_scheme(text)
        )));
    }
    let url = reqwest::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL takes no query or fragment"));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// `text` with the scheme it most likely lacks: `http://` on loopback (the simulator, a
/// test), else `https://`, as the real API speaks.
fn with_scheme(text: &str) -> String {
    let host = text.trim_start_matches('/');
    let loopback = ["localhost", "127.", "[::1]"]
        .iter()
        .any(|prefix| host.starts_with(prefix));
    format!("{}://{host}", if loopback { "http" } else { "https" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(targets: &[ProductZone], product: Product) -> Vec<&str> {
        targets
            .iter()
            .filter(|t| t.product == product)
            .map(|t| t.zone.as_str())
            .collect()
    }

    #[test]
    fn by_default_every_product_is_polled_in_its_own_zones_and_none_is_named() {
        let zones = resolve_zones(ApiFlavor::Instance, &[]).unwrap();
        let (targets, named) = resolve_targets(ApiFlavor::Instance, &[], &zones, true).unwrap();
        assert!(named.is_empty());
        assert_eq!(targets.len(), 10 + 6 + 2 + 3);
        for product in Product::ALL {
            assert_eq!(pairs(&targets, product), product.zones(), "{product}");
        }
    }

    #[test]
    fn zones_given_are_polled_for_every_product_not_known_to_lack_them() {
        let zones: Vec<String> = ["fr-par-2", "pl-waw-1", "xx-new-1"]
            .map(String::from)
            .to_vec();
        let (targets, _) = resolve_targets(ApiFlavor::Instance, &[], &zones, false).unwrap();
        assert_eq!(
            pairs(&targets, Product::Instance),
            ["fr-par-2", "pl-waw-1", "xx-new-1"]
        );
        assert_eq!(
            pairs(&targets, Product::ElasticMetal),
            ["fr-par-2", "xx-new-1"]
        );
        assert_eq!(pairs(&targets, Product::AppleSilicon), ["xx-new-1"]);
        assert_eq!(pairs(&targets, Product::Dedibox), ["fr-par-2", "xx-new-1"]);
    }

    #[test]
    fn products_named_are_polled_alone_each_once_and_must_have_a_zone() {
        let zones = vec!["fr-par-1".to_owned()];
        let named = [Product::Dedibox, Product::Dedibox, Product::Instance];
        let (targets, named) = resolve_targets(ApiFlavor::Instance, &named, &zones, false).unwrap();
        assert_eq!(named, [Product::Dedibox, Product::Instance]);
        assert_eq!(
            targets,
            [
                ProductZone::new(Product::Instance, "fr-par-1"),
                ProductZone::new(Product::Dedibox, "fr-par-1")
            ]
        );
        let lacking = resolve_targets(
            ApiFlavor::Instance,
            &[Product::AppleSilicon],
            &["pl-waw-1".to_owned()],
            false,
        );
        assert!(matches!(
            lacking,
            Err(ConfigError::ProductWithoutZone {
                product: Product::AppleSilicon,
                ..
            })
        ));
    }

    #[test]
    fn the_legacy_api_polls_instances_alone_and_refuses_another_product() {
        let zones = vec!["par1".to_owned()];
        let (targets, named) = resolve_targets(ApiFlavor::Legacy, &[], &zones, false).unwrap();
        assert_eq!(targets, [ProductZone::new(Product::Instance, "par1")]);
        assert_eq!(named, [Product::Instance]);
        let refused = resolve_targets(ApiFlavor::Legacy, &[Product::Dedibox], &zones, false);
        assert!(matches!(
            refused,
            Err(ConfigError::LegacyProduct {
                product: Product::Dedibox
            })
        ));
    }
}
