//! The bill: `GET /billing/v2beta1/consumptions?organization_id=…&billing_period=YYYY-MM`,
//! `{"consumptions": [...], "total_count", ...}`: what an organization consumed in a month,
//! by product, project and category (docs/api-notes.md#the-bill).

use serde::Deserialize;

use super::{null_as_default, Listed, Money};

#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Deserialize)]
pub struct Consumption {
    pub value: Option<Money>,
    pub project_id: String,
    /// `Compute`, `Storage`, `Network`, `Containers`, ...
    pub category_name: String,
    pub product_name: String,
}

impl Listed for Consumption {
    const KEY: &'static str = "consumptions";
}
