//! Small serialisation helpers: the Instance API's Python-style JSON, UUID-shaped ids, and the
//! two date formats (`+00:00` with microseconds for Instance, `Z` for Block).

use std::io;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::Serialize;
use serde_json::ser::Formatter;

/// The Instance API is written in Python and serialises with `json.dumps` defaults:
/// `", "` between items and `": "` after keys (see the real bodies in the corpus).
pub(crate) struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate(w, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

/// `", "` before every item of an array or an object but the first.
fn separate<W: ?Sized + io::Write>(w: &mut W, first: bool) -> io::Result<()> {
    if first {
        Ok(())
    } else {
        w.write_all(b", ")
    }
}

/// Serialises `value` the way the Instance API does (spaced).
pub(crate) fn spaced<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    spaced_into(&mut out, value);
    out
}

/// Appends the spaced serialisation of `value` to `out`.
pub(crate) fn spaced_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, Spaced);
    // Our models only hold strings, numbers, bools, maps with string keys and arrays:
    // serialising them into a Vec cannot fail.
    if value.serialize(&mut ser).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// Serialises `value` compactly (the Go services: gateway errors, Block Storage).
pub(crate) fn compact<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec())
}

/// The string at `key` of a JSON object (a test's raw item), or `""`.
pub(crate) fn text<'a>(value: &'a serde_json::Value, key: &str) -> &'a str {
    value.get(key).and_then(|v| v.as_str()).unwrap_or_default()
}

/// A random UUID v4-shaped string.
pub(crate) fn uuid(rng: &mut impl Rng) -> String {
    uuid_from_bits(rng.random::<u128>())
}

/// Formats 128 bits as a v4 UUID (version and variant nibbles forced).
pub fn uuid_from_bits(bits: u128) -> String {
    let b = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (b >> 96) as u32,
        (b >> 80) as u16,
        (b >> 64) as u16,
        (b >> 48) as u16,
        (b & 0xffff_ffff_ffff) as u64
    )
}

/// SplitMix64: a cheap, well-mixed hash of a counter (request ids, per-server seeds).
pub(crate) fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a: a stable hash of a zone name (std's hasher is randomised per process).
pub(crate) fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `2026-08-11T09:17:01.059214+00:00`, the Instance API date form.
pub(crate) fn instance_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// `2026-07-20T14:35:34.653210Z`, the Block Storage API date form.
pub(crate) fn block_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A date from Unix microseconds (out-of-range values clamp to the epoch rather than panic).
pub(crate) fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_json_looks_like_python() {
        let v = serde_json::json!({"a": [1, 2], "b": {"c": null}});
        assert_eq!(
            String::from_utf8(spaced(&v)).unwrap(),
            r#"{"a": [1, 2], "b": {"c": null}}"#
        );
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let id = uuid_from_bits(u128::MAX);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        let id = uuid_from_bits(0);
        assert_eq!(id, "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn dates_use_the_real_forms() {
        let t = from_micros(1_786_439_821_059_214);
        assert_eq!(instance_date(t), "2026-08-11T09:17:01.059214+00:00");
        assert_eq!(block_date(t), "2026-08-11T09:17:01.059214Z");
    }
}
