//! [`Page`]: one page of any list whose items sit under one key, with the total the body
//! announces (`total_count`) when it does.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// An item of a list, and the key its list is under (`"volumes"`, `"ips"`, ...).
pub trait Listed: DeserializeOwned {
    const KEY: &'static str;
}

/// One page of a list of `T`. `null` is an empty page; a body without the key is not the
/// list at all, and stays an error (docs/api-notes.md#null-fields).
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `total_count`, where the API says it in the body.
    pub total_count: Option<u64>,
}

impl<'de, T: Listed> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Listed> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a list under {:?}", T::KEY)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut items: Option<Vec<T>> = None;
        let mut total_count = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == T::KEY {
                items = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default());
            } else if key == "total_count" {
                // A total that is not a count is no total: paging then reads to a short page.
                total_count = map.next_value::<serde_json::Value>()?.as_u64();
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.ok_or_else(|| serde::de::Error::missing_field(T::KEY))?;
        Ok(Page { items, total_count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Thing {
        id: String,
    }

    impl Listed for Thing {
        const KEY: &'static str = "things";
    }

    #[test]
    fn a_page_reads_its_items_and_its_total_wherever_they_are_and_ignores_the_rest() {
        let page: Page<Thing> = serde_json::from_str(
            r#"{"total_count": 2, "other": {"a": [1]}, "things": [{"id": "a"}, {"id": "b"}]}"#,
        )
        .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.total_count, Some(2));
        let last: Page<Thing> =
            serde_json::from_str(r#"{"things": [], "total_count": "many"}"#).unwrap();
        assert_eq!(last.total_count, None);
    }

    #[test]
    fn a_null_list_is_empty_and_a_body_without_the_list_is_refused() {
        let page: Page<Thing> = serde_json::from_str(r#"{"things": null}"#).unwrap();
        assert!(page.items.is_empty());
        assert!(serde_json::from_str::<Page<Thing>>(r#"{"total_count": 0}"#).is_err());
        assert!(serde_json::from_str::<Page<Thing>>("[1]").is_err());
    }
}
