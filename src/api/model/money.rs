//! [`Money`]: an amount as Scaleway's APIs write it, integer `units` and `nanos`
//! (docs/api-notes.md#money).

use std::fmt;

use serde::Deserialize;

use super::null_as_default;

/// `{"currency_code": "EUR", "units": 3, "nanos": 500000000}` is 3.5 EUR; a negative amount
/// has both parts negative (`-1.75` is `units: -1, nanos: -750000000`). Kept as the API
/// writes it, and written out exactly, so that no cent is lost to a float on the way.
#[serde_with::apply(_ => #[serde(default, deserialize_with = "null_as_default")])]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Money {
    /// Empty at times (billing budgets): then unknown.
    pub currency_code: String,
    pub units: i64,
    pub nanos: i32,
}

impl Money {
    /// True for an amount whose two parts disagree in sign: the API never writes one, and
    /// none can be told apart from a typo; such an amount is not exported.
    pub fn is_consistent(&self) -> bool {
        !(self.units > 0 && self.nanos < 0 || self.units < 0 && self.nanos > 0)
            && self.nanos.unsigned_abs() < 1_000_000_000
    }
}

/// The amount in decimal, exactly: `3.5`, `0.0088`, `-1.75`, `12`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.units < 0 || self.nanos < 0;
        let units = self.units.unsigned_abs();
        let nanos = self.nanos.unsigned_abs();
        if negative {
            f.write_str("-")?;
        }
        write!(f, "{units}")?;
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            write!(f, ".{}", fraction.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(json: &str) -> Money {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_amount_is_written_exactly_with_its_nanos_and_its_sign() {
        for (json, text) in [
            (
                r#"{"currency_code":"EUR","units":3,"nanos":500000000}"#,
                "3.5",
            ),
            (
                r#"{"currency_code":"EUR","units":0,"nanos":8800000}"#,
                "0.0088",
            ),
            (
                r#"{"currency_code":"EUR","units":-1,"nanos":-750000000}"#,
                "-1.75",
            ),
            (
                r#"{"currency_code":"EUR","units":-5911,"nanos":-170000000}"#,
                "-5911.17",
            ),
            (
                r#"{"currency_code":"EUR","units":0,"nanos":-1}"#,
                "-0.000000001",
            ),
            (r#"{"currency_code":"EUR","units":12}"#, "12"),
            (
                r#"{"currency_code":"EUR","units":9223372036854775807,"nanos":999999999}"#,
                "9223372036854775807.999999999",
            ),
        ] {
            let amount = money(json);
            assert!(amount.is_consistent(), "{json}");
            assert_eq!(amount.to_string(), text, "{json}");
        }
    }

    #[test]
    fn an_amount_whose_parts_disagree_is_not_consistent_and_an_empty_currency_is_read() {
        assert!(!money(r#"{"units":1,"nanos":-5}"#).is_consistent());
        assert!(!money(r#"{"units":0,"nanos":1000000000}"#).is_consistent());
        assert_eq!(
            money(r#"{"currency_code":"","units":10000,"nanos":0}"#).currency_code,
            ""
        );
        assert_eq!(
            money(r#"{"currency_code":null,"units":null}"#),
            Money::default()
        );
    }
}
