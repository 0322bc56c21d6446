//! The Instance server-type catalog: `GET /instance/v1/zones/{zone}/products/servers`
//! (docs/api-notes.md#the-server-type-catalog).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::{lenient_size, null_as_default};

/// One page of the catalog: a map keyed by commercial type, not a list. The number of types
/// is only in the `X-Total-Count` header.
#[derive(Debug, Deserialize)]
pub struct ServerTypesPage {
    /// `null` is an empty page; a page without the key is not a catalog, and stays an error.
    #[serde(deserialize_with = "null_as_default")]
    pub servers: BTreeMap<String, ServerType>,
}

/// One commercial type, as the catalog describes it. Numbers the parser cannot read are
/// unknown rather than a failed page: the catalog is reference data, and one odd type
/// should not hide the others.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerType {
    /// vCPUs.
    #[serde(default, deserialize_with = "lenient_size")]
    pub ncpus: Option<u64>,
    /// Bytes (binary: 4294967296 is 4 GiB).
    #[serde(default, deserialize_with = "lenient_size")]
    pub ram: Option<u64>,
    /// GPUs; absent on old answers and on types without one.
    #[serde(default, deserialize_with = "lenient_size")]
    pub gpu: Option<u64>,
    /// Euros an hour: a float, but a JSON integer (`3`) and `null` were both recorded.
    #[serde(default, deserialize_with = "lenient_price")]
    pub hourly_price: Option<f64>,
    /// Absent before 2025.
    #[serde(default, deserialize_with = "null_as_default")]
    pub end_of_service: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub arch: String,
}

/// A price: any JSON number (integer or float) is read as euros; `null`, a missing key or
/// any other kind of value is no price.
fn lenient_price<'de, D>(deserializer: D) -> Result<Option<f64>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Option::<serde_json::Value>::deserialize(deserializer)?;
    Ok(value
        .as_ref()
        .and_then(serde_json::Value::as_f64)
        .filter(|price| price.is_finite()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_may_be_floats_integers_or_null_and_gpus_may_be_absent() {
        let page: ServerTypesPage = serde_json::from_str(
            r#"{"servers": {
                "DEV1-S": {"ncpus": 2, "ram": 2147483648, "gpu": 0, "hourly_price": 0.0088},
                "L4-4-24G": {"ncpus": 32, "ram": 206158430208, "gpu": 4, "hourly_price": 3},
                "GP1-VIZ": {"ncpus": 10, "ram": 42949672960, "hourly_price": null, "monthly_price": null},
                "ODD": {"ncpus": "many", "ram": -1, "hourly_price": "free", "end_of_service": null}
            }}"#,
        )
        .unwrap();
        let dev = &page.servers["DEV1-S"];
        assert_eq!(
            (dev.ncpus, dev.ram, dev.gpu),
            (Some(2), Some(2_147_483_648), Some(0))
        );
        assert_eq!(dev.hourly_price, Some(0.0088));
        assert_eq!(page.servers["L4-4-24G"].hourly_price, Some(3.0));
        assert_eq!(page.servers["GP1-VIZ"].hourly_price, None);
        assert_eq!(page.servers["GP1-VIZ"].gpu, None);
        let odd = &page.servers["ODD"];
        assert_eq!((odd.ncpus, odd.ram, odd.hourly_price), (None, None, None));
        assert!(!odd.end_of_service);
    }

    #[test]
    fn a_null_catalog_is_empty_and_a_body_without_one_is_refused() {
        let empty: ServerTypesPage = serde_json::from_str(r#"{"servers": null}"#).unwrap();
        assert!(empty.servers.is_empty());
        assert!(serde_json::from_str::<ServerTypesPage>(r#"{"types": {}}"#).is_err());
    }
}
