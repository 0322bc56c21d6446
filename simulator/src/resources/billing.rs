//! The bill (`GET /billing/v2beta1/consumptions`): the organization's consumption of a
//! billing period, one row per project and product and zone, in the categories the recorded
//! bill uses (`Compute`, `BareMetal`, `Storage`, `Network`), compact, keys in the recorded
//! order, `billed_quantity` a string, `value` money rounded to the cent.
//!
//! Rows are what the fleet was built with, priced from the simulator's own prices, charged
//! by the hour: the current period's values are its hours so far (whole hours since the 1st
//! at 00:00 UTC), a past period's its every hour, a later period has none. Churn does not
//! change the bill, as a real bill lags: it is believable beside the fleet, not equal to any
//! estimate. Dedibox servers are not on it (no recorded bill shows them).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::Serialize;

use super::store::Listed;
use crate::catalog::hourly_price;
use crate::json::{block_date, compact, text};
use crate::prices::{
    apple_silicon_per_hour, block_price, metal_offer, Money, FLEXIBLE_IPV4_PER_HOUR, FREE,
    INSTANCE_IPV4_PER_HOUR, SNAPSHOT_PER_GB_HOUR,
};

/// Something the fleet is billed for, in the project it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Billable {
    /// A server of this commercial type that is not `stopped`, at the catalog's price.
    Instance(&'static str),
    /// An Instance IP (attached or not).
    InstanceIp { v6: bool },
    /// An Instance snapshot of this many bytes.
    InstanceSnapshot(u64),
    /// A Block volume of this type and size (attached or not).
    BlockVolume(&'static str, u64),
    /// A Block snapshot of this many bytes.
    BlockSnapshot(u64),
    /// An Elastic Metal flexible IP.
    FlexibleIp { v6: bool },
    /// An Elastic Metal server on this offer, by the hour or by the month.
    Metal { offer: &'static str, monthly: bool },
    /// An Apple silicon server of this type.
    AppleSilicon(&'static str),
}

/// One row of the bill, before its hours are known.
#[derive(Clone, Debug)]
struct Line {
    category: &'static str,
    product_name: String,
    resource_name: String,
    sku: String,
    unit: &'static str,
    /// Nanos per `per` hours: a monthly price is for 730.
    rate: i128,
    per: i128,
    /// Units of `unit` per hour (minutes, gigabytes…).
    quantity: u64,
}

const GB: u64 = 1_000_000_000;

impl Line {
    /// A row charged by the minute at `price` an hour (`ip_minute` for an IP).
    fn by_the_minute(category: &'static str, names: [String; 3], price: Money) -> Line {
        let [product_name, resource_name, sku] = names;
        Line {
            category,
            product_name,
            resource_name,
            sku,
            unit: "minute",
            rate: price.total_nanos(),
            per: 1,
            quantity: 60,
        }
    }

    /// A storage row charged by the gigabyte-hour.
    fn by_the_gigabyte(names: [String; 3], price: Money, bytes: u64) -> Line {
        Line {
            unit: "gigabyte_hour",
            rate: price.total_nanos() * i128::from(bytes / GB),
            quantity: bytes / GB,
            ..Line::by_the_minute("Storage", names, price)
        }
    }

    /// An IP's row: an IPv4 at its price, an IPv6 free.
    fn ip(zone: &str, v6: bool, names: &IpNames) -> Line {
        let (family, sku, price) = if v6 {
            (names.families[1], names.skus[1], FREE)
        } else {
            (names.families[0], names.skus[0], names.price)
        };
        let names = [
            names.product.to_owned(),
            format!("{family} - {}", zone.to_uppercase()),
            format!("{sku}{zone}"),
        ];
        Line {
            unit: "ip_minute",
            ..Line::by_the_minute("Network", names, price)
        }
    }
}

/// How the bill names an IP: its product, the words for IPv4 and IPv6 in its resource name,
/// the SKUs of both (the zone follows), and what an IPv4 costs an hour.
struct IpNames {
    product: &'static str,
    families: [&'static str; 2],
    skus: [&'static str; 2],
    price: Money,
}

const INSTANCE_IP: IpNames = IpNames {
    product: "Zonal Flexible IP",
    families: ["Zonal IPv4", "Zonal Ipv6"],
    skus: ["/network/ipam/ipv4/", "/network/ipam/ipv6/"],
    price: INSTANCE_IPV4_PER_HOUR,
};

const FLEXIBLE_IP: IpNames = IpNames {
    product: "Flexible IP",
    families: ["IP", "IPV6"],
    skus: ["/network/flexip/ip/run_", "/network/flexip/ipv6/run_"],
    price: FLEXIBLE_IPV4_PER_HOUR,
};

/// The row `what` adds to the bill of `zone`.
fn line(zone: &str, what: Billable) -> Line {
    let at = zone.to_uppercase();
    match what {
        Billable::Instance(ty) => {
            let sku = format!(
                "/compute/{}/run_{zone}",
                ty.to_lowercase().replace('-', "_")
            );
            let names = [ty.to_owned(), format!("{ty} - {at}"), sku];
            Line::by_the_minute("Compute", names, hourly_price(ty))
        }
        Billable::InstanceIp { v6 } => Line::ip(zone, v6, &INSTANCE_IP),
        Billable::FlexibleIp { v6 } => Line::ip(zone, v6, &FLEXIBLE_IP),
        Billable::InstanceSnapshot(bytes) => {
            let names = [
                "Snapshot".to_owned(),
                format!("Local storage - {at}"),
                format!("/storage/snapshot/local_storage/{zone}"),
            ];
            Line::by_the_gigabyte(names, SNAPSHOT_PER_GB_HOUR, bytes)
        }
        Billable::BlockVolume(ty, bytes) => {
            let names = [
                "Block Storage Volume".to_owned(),
                format!("Block Storage Low Latency {} IOPS - {at}", iops(ty)),
                format!("/storage/block/volume-low-latency-{}/{zone}", iops(ty)),
            ];
            Line::by_the_gigabyte(names, block_price(ty), bytes)
        }
        Billable::BlockSnapshot(bytes) => {
            let names = [
                "Block Snapshot".to_owned(),
                format!("Snapshot - {at}"),
                format!("/storage/block/snapshot/{zone}"),
            ];
            Line::by_the_gigabyte(names, SNAPSHOT_PER_GB_HOUR, bytes)
        }
        Billable::Metal { offer, monthly } => metal_line(zone, offer, monthly),
        Billable::AppleSilicon(ty) => {
            let (chip, size) = ty.split_once('-').unwrap_or((ty, ty));
            let names = [
                format!("Mac Mini {chip}"),
                format!("{size} - {at}"),
                format!("/apple-silicon/{}/run_{zone}", ty.to_lowercase()),
            ];
            Line::by_the_minute("BareMetal", names, apple_silicon_per_hour(ty))
        }
    }
}

/// `5k` for `sbs_5k`.
fn iops(volume_type: &str) -> &str {
    volume_type.strip_prefix("sbs_").unwrap_or(volume_type)
}

/// An Elastic Metal server's row: by the minute at the hourly price, or by the hour at a
/// 730th of the monthly price.
fn metal_line(zone: &str, offer: &'static str, monthly: bool) -> Line {
    let period = if monthly { "monthly" } else { "hourly" };
    let sold = metal_offer(offer).and_then(|o| if monthly { o.monthly } else { o.hourly });
    let price = sold.map_or(FREE, |(_, price)| price);
    Line {
        category: "BareMetal",
        product_name: format!("Elastic Metal {offer}"),
        resource_name: format!(
            "{} - {}",
            if monthly { "Monthly" } else { "Hourly" },
            zone.to_uppercase()
        ),
        sku: format!("/baremetal/{}/{period}/run_{zone}", offer.to_lowercase()),
        unit: if monthly { "hour" } else { "minute" },
        rate: price.total_nanos(),
        per: if monthly { 730 } else { 1 },
        quantity: if monthly { 1 } else { 60 },
    }
}

/// The bill: its rows by (category, product, resource, project), and a test's raw rows.
#[derive(Default)]
pub(crate) struct Bill {
    lines: BTreeMap<(&'static str, String, String, String), Line>,
    pub(crate) extra: Vec<Listed>,
}

impl Bill {
    /// Adds `count` of `what`, in `zone`, to `project`'s rows.
    pub(crate) fn add(&mut self, zone: &str, project: &str, what: Billable, count: u64) {
        let mut new = line(zone, what);
        new.rate *= i128::from(count);
        new.quantity *= count;
        let key = (
            new.category,
            new.product_name.clone(),
            new.resource_name.clone(),
            project.to_owned(),
        );
        match self.lines.get_mut(&key) {
            Some(row) => {
                row.rate += new.rate;
                row.quantity += new.quantity;
            }
            None => {
                self.lines.insert(key, new);
            }
        }
    }

    /// Adds every `(zone, project, what)`: the same things counted once, as a fleet of tens
    /// of thousands of servers holds few kinds of them.
    pub(crate) fn add_all(&mut self, billed: impl IntoIterator<Item = (String, String, Billable)>) {
        let mut counted: HashMap<(String, String, Billable), u64> = HashMap::new();
        for key in billed {
            *counted.entry(key).or_default() += 1;
        }
        for ((zone, project, what), count) in counted {
            self.add(&zone, &project, what, count);
        }
    }

    /// The rows of `hours` of the period, of the projects `keep` says, as the API writes
    /// them, then the raw rows (which `keep` also filters, by their `project_id`).
    pub(crate) fn rows(&self, hours: i64, keep: &dyn Fn(&str, &str) -> bool) -> Vec<Listed> {
        let mut out: Vec<Listed> = self
            .lines
            .iter()
            .filter(|((category, _, _, project), _)| keep(project, category))
            .map(|((.., project), line)| {
                let row = Row::of(line, project, hours);
                Listed::new(line.sku.clone(), compact(&row))
            })
            .collect();
        out.extend(self.extra.iter().filter(|raw| raw_kept(raw, keep)).cloned());
        out
    }
}

/// Whether a raw row passes the filter (by what its body says).
fn raw_kept(raw: &Listed, keep: &dyn Fn(&str, &str) -> bool) -> bool {
    let body: serde_json::Value = serde_json::from_slice(&raw.json).unwrap_or_default();
    keep(text(&body, "project_id"), text(&body, "category_name"))
}

/// A row as the API writes it.
#[derive(Serialize)]
struct Row<'a> {
    value: Money,
    product_name: &'a str,
    resource_name: &'a str,
    sku: &'a str,
    project_id: &'a str,
    category_name: &'a str,
    unit: &'a str,
    billed_quantity: String,
}

impl<'a> Row<'a> {
    fn of(line: &'a Line, project: &'a str, hours: i64) -> Self {
        let hours = i128::from(hours.max(0));
        let nanos = line.rate * hours / line.per;
        // To the cent, as every recorded value is.
        let cents = (nanos + 5_000_000).div_euclid(10_000_000) * 10_000_000;
        Row {
            value: Money::from_nanos(cents),
            product_name: &line.product_name,
            resource_name: &line.resource_name,
            sku: &line.sku,
            project_id: project,
            category_name: line.category,
            unit: line.unit,
            billed_quantity: (i128::from(line.quantity) * hours).to_string(),
        }
    }
}

/// A billing period, `YYYY-MM`, and how much of it the bill covers at `now`.
pub(crate) struct Period {
    /// Hours billed so far.
    pub hours: i64,
    /// What the body's `updated_at` says: the last full hour, or the period's end.
    pub updated_at: String,
}

impl Period {
    /// The period named `text` (`None`: the current one) as seen at `now`; `None` for a
    /// malformed name.
    pub(crate) fn parse(text: Option<&str>, now: DateTime<Utc>) -> Option<Period> {
        let (year, month) = match text {
            None => (now.year(), now.month()),
            Some(text) => {
                let (y, m) = text.split_once('-')?;
                if y.len() != 4 || m.len() != 2 {
                    return None;
                }
                (y.parse().ok()?, m.parse().ok()?)
            }
        };
        let start = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single()?;
        let (next_year, next_month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let end = Utc
            .with_ymd_and_hms(next_year, next_month, 1, 0, 0, 0)
            .single()?;
        let until = now.clamp(start, end);
        let hours = (until - start).num_hours();
        let updated = start + chrono::Duration::hours(hours);
        Some(Period {
            hours,
            updated_at: block_date(updated),
        })
    }
}
