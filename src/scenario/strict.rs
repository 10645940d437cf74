//! Reading a TOML document into the raw scenario types, strictly and with key paths.
//!
//! serde's derived structs also accept a sequence, read by position, so a plain reader
//! took `taste = [1.0, 2.0]` as `genre_spread` and `track_spread`. [`Strict`] is a
//! deserializer over a parsed TOML value that accepts a table only where a table belongs
//! and an array only where an array belongs; `serde_path_to_error` adds the key path of
//! any error (`policies[0].curation[0].colour`), and [`plain`] turns serde's Rust type
//! names (`expected u32`) into what is allowed.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use toml::Value;

/// A deserialization error: a message, without the key path (added by the caller).
#[derive(Debug)]
pub struct StrictError(String);

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StrictError {}

impl de::Error for StrictError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Reads `T` from a TOML table; an error comes with its key path (`"."` for the root).
pub fn read<T: de::DeserializeOwned>(doc: toml::Table) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(Strict(Value::Table(doc)))
        .map_err(|e| (e.path().to_string(), plain(&e.inner().0)))
}

/// What kind of TOML value `v` is, in the file's own words.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "true or false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// A TOML value being read strictly.
pub struct Strict(pub Value);

impl Strict {
    fn wrong(self, expected: &str) -> StrictError {
        StrictError(format!("expected {expected}, got {}", kind(&self.0)))
    }
}

impl<'de> de::Deserializer<'de> for Strict {
    type Error = StrictError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::String(s) => visitor.visit_string(s),
            Value::Integer(i) => visitor.visit_i64(i),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Boolean(b) => visitor.visit_bool(b),
            Value::Datetime(d) => visitor.visit_string(d.to_string()),
            Value::Array(a) => visitor.visit_seq(Seq(a.into_iter())),
            Value::Table(t) => visitor.visit_map(Map {
                entries: t.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Table(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("a table")),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::Array(_) => self.deserialize_any(visitor),
            _ => Err(self.wrong("an array")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        // TOML has no null: a key that is present holds a value.
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Table(t) if t.len() == 1 => {
                let (variant, value) = t.into_iter().next().expect("invariant: one entry");
                visitor.visit_enum(Variant { variant, value })
            }
            _ => Err(self.wrong("a name (a string)")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct identifier
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = StrictError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, StrictError> {
        self.0
            .next()
            .map(|v| seed.deserialize(Strict(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map {
    entries: toml::map::IntoIter<String, Value>,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Map {
    type Error = StrictError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, StrictError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, StrictError> {
        let value = self
            .value
            .take()
            .ok_or_else(|| StrictError("a value without its key".into()))?;
        seed.deserialize(Strict(value))
    }
}

struct Variant {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = StrictError;
    type Variant = Strict;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Strict), StrictError> {
        let name = seed.deserialize(self.variant.into_deserializer())?;
        Ok((name, Strict(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Strict {
    type Error = StrictError;

    fn unit_variant(self) -> Result<(), StrictError> {
        Err(self.wrong("a plain name"))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, StrictError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// serde's message in the scenario's terms: Rust type names become the values allowed,
/// and long echoed values are shortened.
pub fn plain(message: &str) -> String {
    const TYPES: [(&str, &str); 11] = [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        (
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        ),
        ("expected usize", "expected a whole number from 0 upwards"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("invalid type: sequence", "invalid type: an array"),
        ("invalid type: map", "invalid type: a table"),
    ];
    let mut text = message.to_owned();
    for (rust, plain) in TYPES {
        text = text.replace(rust, plain);
    }
    if text.starts_with("data did not match any variant of untagged enum OrNone") {
        text = "expected a value of the documented kind, or \"none\"".to_owned();
    }
    shorten_quoted(&text)
}

/// Shortens every `backquoted` value longer than 24 characters.
fn shorten_quoted(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.chars().count() > 24 {
            match part.parse::<f64>() {
                Ok(x) => out.push_str(&format!("{x:e}")),
                Err(_) => out.push_str(&crate::error::shorten(part)),
            }
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: f64,
        b: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
    }

    fn read_str(text: &str) -> Result<Outer, (String, String)> {
        read(text.parse().unwrap())
    }

    #[test]
    fn tables_read_as_structs_and_arrays_do_not() {
        let ok = read_str("inner = { a = 1, b = 2 }\nlist = [{ a = 0.5, b = 0 }]").unwrap();
        assert_eq!(ok.inner, Some(Inner { a: 1.0, b: 2 }));
        assert_eq!(ok.list, vec![Inner { a: 0.5, b: 0 }]);
        let (path, message) = read_str("inner = [1.0, 2]").unwrap_err();
        assert_eq!(path, "inner");
        assert_eq!(message, "expected a table, got an array");
        let (path, message) = read_str("list = { a = 1, b = 2 }").unwrap_err();
        assert_eq!(
            (path.as_str(), message.as_str()),
            ("list", "expected an array, got a table")
        );
    }

    #[test]
    fn errors_name_the_key_path_and_the_allowed_values() {
        let (path, message) = read_str("list = [{ a = 1, b = 2 }, { a = 1, b = -1 }]").unwrap_err();
        assert_eq!(path, "list[1].b");
        assert!(message.contains("from 0 to 4294967295"), "{message}");
        assert!(!message.contains("u32"), "{message}");
        let (path, message) = read_str("inner = { a = 1, b = 2, c = 3 }").unwrap_err();
        assert!(path.starts_with("inner"), "{path}");
        assert!(message.contains("unknown field `c`"), "{message}");
    }

    #[test]
    fn long_echoed_values_are_shortened() {
        let long = format!(
            "invalid value: floating point `{}`, expected u32",
            "9".repeat(300)
        );
        let text = plain(&long);
        assert!(text.len() < 120, "{text}");
        assert!(text.contains("1e300") && !text.contains("u32"), "{text}");
    }
}
