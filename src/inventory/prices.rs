//! What the fleet costs, as Scaleway publishes it (docs/design.md#prices-and-the-bill): the
//! prices of Elastic Metal's and Dedibox's offers and of Block Storage's volume types, per
//! zone, and this month's bill per project and category. Both are read at most hourly and
//! carried from snapshot to snapshot, like the type catalog; a failed read keeps the last.
//! Money is kept as the API writes it (integer units and nanos) and summed exactly.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Snapshot;
use crate::api::model::{self, Money};
use crate::product::PriceList;

/// What a price is for: an hour, a month, or once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    Hour,
    Month,
    Once,
}

impl Period {
    /// The `subscription_period` / `payment_frequency` label value, as the APIs spell it.
    pub fn label(self) -> &'static str {
        match self {
            Period::Hour => "hourly",
            Period::Month => "monthly",
            Period::Once => "oneshot",
        }
    }
}

/// An offer (Elastic Metal, Dedibox) and its price.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferPrice {
    pub id: String,
    pub name: String,
    pub period: Period,
    pub price: Money,
}

/// A Block Storage volume type and its prices per GB and hour.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeTypePrice {
    pub volume_type: String,
    pub volume: Option<Money>,
    pub snapshot: Option<Money>,
}

/// One zone's list of prices.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceItems {
    Offers(Vec<OfferPrice>),
    VolumeTypes(Vec<VolumeTypePrice>),
}

/// A price the API wrote with parts of two signs, or nanos past a unit, is no price.
fn consistent(price: Option<Money>) -> Option<Money> {
    price.filter(Money::is_consistent)
}

/// Elastic Metal's offers, hourly and monthly lists together, each with its one price.
pub fn elastic_metal_offers(offers: Vec<model::ElasticMetalOffer>) -> PriceItems {
    let priced = offers.into_iter().filter_map(|offer| {
        let (period, price) = match (
            consistent(offer.price_per_hour),
            consistent(offer.price_per_month),
        ) {
            (Some(hourly), _) => (Period::Hour, hourly),
            (None, Some(monthly)) => (Period::Month, monthly),
            (None, None) => return None,
        };
        Some(OfferPrice {
            id: offer.id,
            name: offer.name,
            period,
            price,
        })
    });
    PriceItems::Offers(unique(priced))
}

/// Dedibox's offers: monthly or one-shot.
pub fn dedibox_offers(offers: Vec<model::DediboxOffer>) -> PriceItems {
    let priced = offers.into_iter().filter_map(|offer| {
        let period = match offer.payment_frequency.as_str() {
            "monthly" => Period::Month,
            "oneshot" => Period::Once,
            _ => return None,
        };
        Some(OfferPrice {
            price: consistent(offer.pricing)?,
            id: offer.id,
            name: offer.name,
            period,
        })
    });
    PriceItems::Offers(unique(priced))
}

/// Each offer once (pages may shift while they are read), in (name, period) order.
fn unique(offers: impl Iterator<Item = OfferPrice>) -> Vec<OfferPrice> {
    let mut by_id: BTreeMap<String, OfferPrice> = BTreeMap::new();
    for offer in offers {
        by_id.entry(offer.id.clone()).or_insert(offer);
    }
    let mut offers: Vec<OfferPrice> = by_id.into_values().collect();
    offers.sort_by(|a, b| (&a.name, a.period, &a.id).cmp(&(&b.name, b.period, &b.id)));
    offers
}

/// Block Storage's volume types and their prices.
pub fn block_volume_types(types: Vec<model::BlockVolumeType>) -> PriceItems {
    let mut types: Vec<VolumeTypePrice> = types
        .into_iter()
        .map(|t| VolumeTypePrice {
            volume_type: t.volume_type,
            volume: consistent(t.pricing),
            snapshot: consistent(t.snapshot_pricing),
        })
        .collect();
    types.sort_by(|a, b| a.volume_type.cmp(&b.volume_type));
    types.dedup_by(|a, b| a.volume_type == b.volume_type);
    PriceItems::VolumeTypes(types)
}

/// This month's bill of the fleet's organizations: euros by (project, category).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bill {
    /// `YYYY-MM`, the month billed.
    pub period: String,
    /// (project id, category) -> the sum, exactly, in nanos of a euro.
    pub euros: BTreeMap<(String, String), i128>,
}

impl Bill {
    /// The bill of `period` from every row the API listed: euro rows summed exactly per
    /// project and category; a row in another currency, or whose amount is not consistent,
    /// is left out (the count is returned, to be said once).
    pub fn from_rows(period: &str, rows: Vec<model::Consumption>) -> (Bill, usize) {
        let mut bill = Bill {
            period: period.to_owned(),
            ..Bill::default()
        };
        let mut left_out = 0;
        for row in rows {
            let Some(value) = row
                .value
                .filter(|v| v.is_consistent() && v.currency_code == "EUR")
            else {
                left_out += 1;
                continue;
            };
            let nanos = i128::from(value.units) * 1_000_000_000 + i128::from(value.nanos);
            *bill
                .euros
                .entry((row.project_id, row.category_name))
                .or_default() += nanos;
        }
        (bill, left_out)
    }

    /// A sum in nanos as money, exactly (`Money`'s decimal form).
    pub fn amount(nanos: i128) -> Money {
        let units = nanos / 1_000_000_000;
        let rest = nanos % 1_000_000_000;
        Money {
            currency_code: "EUR".to_owned(),
            units: i64::try_from(units).unwrap_or(if units < 0 { i64::MIN } else { i64::MAX }),
            nanos: i32::try_from(rest).unwrap_or_default(),
        }
    }

    /// The bills of several organizations as one.
    pub fn merge(bills: impl IntoIterator<Item = Bill>) -> Bill {
        let mut merged = Bill::default();
        for bill in bills {
            merged.period = bill.period;
            for (key, nanos) in bill.euros {
                *merged.euros.entry(key).or_default() += nanos;
            }
        }
        merged
    }
}

impl Snapshot {
    /// The same snapshot with one zone's list of prices replaced by a fresh read.
    pub fn with_prices(mut self, list: PriceList, zone: &str, items: PriceItems) -> Snapshot {
        Arc::make_mut(&mut self.prices).insert((list, zone.to_owned()), items);
        self
    }

    /// The same snapshot with this bill in place of the last.
    pub fn with_bill(mut self, bill: Bill) -> Snapshot {
        self.bill = Arc::new(bill);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_elastic_metal_offer_is_hourly_or_monthly_by_the_price_it_has() {
        let offers: Vec<model::ElasticMetalOffer> = serde_json::from_str(
            r#"[{"id":"h","name":"EM-A","price_per_hour":{"currency_code":"EUR","units":0,"nanos":77000000},
                 "price_per_month":null,"subscription_period":"hourly","monthly_offer_id":"m"},
                {"id":"m","name":"EM-A","price_per_hour":null,
                 "price_per_month":{"currency_code":"EUR","units":49,"nanos":990000000}},
                {"id":"x","name":"EM-B","price_per_hour":null,"price_per_month":null},
                {"id":"h","name":"EM-A","price_per_hour":{"currency_code":"EUR","units":0,"nanos":77000000}}]"#,
        )
        .unwrap();
        let PriceItems::Offers(offers) = elastic_metal_offers(offers) else {
            unreachable!()
        };
        let seen: Vec<(&str, Period, String)> = offers
            .iter()
            .map(|o| (o.id.as_str(), o.period, o.price.to_string()))
            .collect();
        assert_eq!(
            seen,
            [
                ("h", Period::Hour, "0.077".to_owned()),
                ("m", Period::Month, "49.99".to_owned())
            ]
        );
    }

    #[test]
    fn the_bill_sums_each_project_and_category_exactly_and_leaves_out_other_currencies() {
        let rows: Vec<model::Consumption> = serde_json::from_str(
            r#"[{"value":{"currency_code":"EUR","units":2,"nanos":860000000},"project_id":"p","category_name":"Compute"},
                {"value":{"currency_code":"EUR","units":0,"nanos":140000001},"project_id":"p","category_name":"Compute"},
                {"value":{"currency_code":"EUR","units":-1,"nanos":-500000000},"project_id":"p","category_name":"Storage"},
                {"value":{"currency_code":"USD","units":9,"nanos":0},"project_id":"p","category_name":"Storage"},
                {"value":null,"project_id":"q","category_name":"Network"}]"#,
        )
        .unwrap();
        let (bill, left_out) = Bill::from_rows("2026-12", rows);
        assert_eq!(left_out, 2);
        let amount = |project: &str, category: &str| {
            Bill::amount(bill.euros[&(project.to_owned(), category.to_owned())]).to_string()
        };
        assert_eq!(amount("p", "Compute"), "3.000000001");
        assert_eq!(amount("p", "Storage"), "-1.5");
    }
}
