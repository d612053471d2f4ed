//! Canonical JSON text for the before/after snapshots of an event.

use std::fmt::{self, Display, Formatter, Write};

use serde_json::Value;

/// Canonical JSON text for before/after snapshots: object keys sorted, no insignificant whitespace.
///
/// Keys are sorted by their UTF-8 bytes (which equals Unicode code point
/// order) at every nesting level, so the output does not depend on how the
/// value was built or on `serde_json`'s `preserve_order` feature. Strings are
/// escaped and numbers formatted exactly as `serde_json` does.
#[must_use]
pub fn canonical_json(value: &serde_json::Value) -> String {
    Canonical(value).to_string()
}

/// Displays a JSON value in canonical form.
struct Canonical<'a>(&'a Value);

impl Display for Canonical<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Array(items) => {
                f.write_char('[')?;
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        f.write_char(',')?;
                    }
                    Canonical(item).fmt(f)?;
                }
                f.write_char(']')
            }
            Value::Object(members) => {
                let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
                sorted.sort_unstable_by_key(|(key, _)| *key);
                f.write_char('{')?;
                for (position, (key, member)) in sorted.into_iter().enumerate() {
                    if position > 0 {
                        f.write_char(',')?;
                    }
                    JsonString(key).fmt(f)?;
                    f.write_char(':')?;
                    Canonical(member).fmt(f)?;
                }
                f.write_char('}')
            }
            Value::String(text) => JsonString(text).fmt(f),
            // serde_json's own compact form for null, booleans and numbers.
            scalar @ (Value::Null | Value::Bool(_) | Value::Number(_)) => scalar.fmt(f),
        }
    }
}

/// Displays a string as a quoted JSON string literal, escaped like `serde_json`.
struct JsonString<'a>(&'a str);

impl Display for JsonString<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        let mut unescaped_from = 0;
        for (position, character) in self.0.char_indices() {
            let short_escape = match character {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '\u{08}' => Some("\\b"),
                '\u{0C}' => Some("\\f"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                control if control < ' ' => None,
                _ => continue,
            };
            f.write_str(&self.0[unescaped_from..position])?;
            match short_escape {
                Some(escape) => f.write_str(escape)?,
                None => write!(f, "\\u{:04x}", u32::from(character))?,
            }
            unescaped_from = position + character.len_utf8();
        }
        f.write_str(&self.0[unescaped_from..])?;
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_at_every_level_without_whitespace() {
        let value = json!({
            "zeta": 1,
            "alpha": { "y": [ { "b": true, "a": null } ], "x": "text" },
            "mid": [3, 2.5, -1]
        });
        assert_eq!(
            canonical_json(&value),
            r#"{"alpha":{"x":"text","y":[{"a":null,"b":true}]},"mid":[3,2.5,-1],"zeta":1}"#
        );
    }

    #[test]
    fn output_does_not_depend_on_insertion_order() {
        let mut forwards = serde_json::Map::new();
        forwards.insert("b".to_owned(), json!(1));
        forwards.insert("a".to_owned(), json!({"d": 1, "c": 2}));
        let mut backwards = serde_json::Map::new();
        backwards.insert("a".to_owned(), json!({"c": 2, "d": 1}));
        backwards.insert("b".to_owned(), json!(1));
        let forwards = canonical_json(&Value::Object(forwards));
        assert_eq!(forwards, canonical_json(&Value::Object(backwards)));
        assert_eq!(forwards, r#"{"a":{"c":2,"d":1},"b":1}"#);
    }

    #[test]
    fn canonical_text_is_a_fixed_point() {
        let value = json!({"b": [1, {"d": "\u{1}", "c": "é"}], "a": "q\"uote"});
        let once = canonical_json(&value);
        let reparsed: Value = serde_json::from_str(&once).unwrap();
        assert_eq!(canonical_json(&reparsed), once);
    }

    #[test]
    fn escapes_like_serde_json() {
        let text = "quote\" backslash\\ controls\u{0}\u{8}\u{c}\n\r\t\u{1f} del\u{7f} é 😀 /";
        assert_eq!(
            canonical_json(&json!(text)),
            serde_json::to_string(text).unwrap()
        );
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            // Binary fractions with few digits parse back exactly.
            (any::<i16>(), 0..10i32).prop_map(|(mantissa, exponent)| Value::from(
                f64::from(mantissa) / 2f64.powi(exponent)
            )),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn round_trips_and_matches_serde_json_for_sorted_maps(value in arbitrary_json()) {
            let canonical = canonical_json(&value);
            let reparsed: Value = serde_json::from_str(&canonical).unwrap();
            prop_assert_eq!(&reparsed, &value);
            // Without `preserve_order`, serde_json keeps maps sorted by key,
            // so its compact output must be byte-identical.
            prop_assert_eq!(canonical, serde_json::to_string(&value).unwrap());
        }
    }
}
