//! Scenario validation errors that name the file, the key and what is allowed.

use std::collections::BTreeSet;

use crate::error::{Error, Result, number};

/// Builds errors that carry the scenario's origin, and records the whole-number range
/// of every key it checks (so a value too far out to read can still be answered with
/// the documented range, see [`super::documented_range`]).
pub(super) struct Check<'a> {
    pub(super) origin: &'a str,
    pub(super) ranges: std::cell::RefCell<Vec<(String, i64, i64)>>,
}

impl Check<'_> {
    pub(super) fn new(origin: &str) -> Check<'_> {
        Check {
            origin,
            ranges: std::cell::RefCell::default(),
        }
    }

    pub(super) fn err(&self, key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidScenario {
            origin: self.origin.to_owned(),
            key: key.into(),
            message: message.into(),
        }
    }

    pub(super) fn int_in(&self, key: &str, value: i64, lo: i64, hi: i64) -> Result<u32> {
        self.ranges.borrow_mut().push((key.to_owned(), lo, hi));
        if value < lo || value > hi {
            return Err(self.err(key, format!("must be between {lo} and {hi}, got {value}")));
        }
        Ok(value as u32)
    }

    pub(super) fn uint_in(&self, key: &str, value: u32, lo: u32, hi: u32) -> Result<()> {
        self.int_in(key, i64::from(value), i64::from(lo), i64::from(hi))
            .map(drop)
    }

    /// A finite value in `[lo, hi]`.
    pub(super) fn real_in(&self, key: &str, value: f64, lo: f64, hi: f64) -> Result<()> {
        if !value.is_finite() || value < lo || value > hi {
            return Err(self.err(
                key,
                format!("must be between {lo} and {hi}, got {}", number(value)),
            ));
        }
        Ok(())
    }

    /// A finite value greater than zero and at most `hi`.
    pub(super) fn positive(&self, key: &str, value: f64, hi: f64) -> Result<()> {
        if !value.is_finite() || value <= 0.0 || value > hi {
            return Err(self.err(
                key,
                format!(
                    "must be greater than 0 and at most {hi}, got {}",
                    number(value)
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn name(&self, key: &str, value: &str) -> Result<()> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(self.err(
                key,
                format!("must be 1 to 64 characters of letters, digits, '-' or '_', got {value:?}"),
            ));
        }
        Ok(())
    }

    pub(super) fn unique<'n>(&self, key: &str, names: impl Iterator<Item = &'n str>) -> Result<()> {
        let mut seen = BTreeSet::new();
        for (i, name) in names.enumerate() {
            if !seen.insert(name) {
                return Err(self.err(
                    format!("{key}[{i}].name"),
                    format!("duplicate name {name:?}"),
                ));
            }
        }
        Ok(())
    }

    /// A display name or title: 1 to 100 characters, no control characters.
    pub(super) fn label(&self, key: &str, value: &str) -> Result<()> {
        let n = value.chars().count();
        if n == 0 || n > 100 || value.chars().any(char::is_control) || value.trim() != value {
            return Err(self.err(
                key,
                format!("must be 1 to 100 characters without control characters or surrounding spaces, got {value:?}"),
            ));
        }
        Ok(())
    }

    /// The index of `value` among `names`; the error lists what is allowed.
    pub(super) fn lookup<'n>(
        &self,
        key: &str,
        value: &str,
        names: impl Iterator<Item = &'n str> + Clone,
    ) -> Result<usize> {
        names.clone().position(|n| n == value).ok_or_else(|| {
            let allowed: Vec<String> = names.map(|n| format!("{n:?}")).collect();
            let allowed = if allowed.is_empty() {
                "none are declared".to_owned()
            } else {
                format!("expected one of {}", allowed.join(", "))
            };
            self.err(key, format!("unknown name {value:?}; {allowed}"))
        })
    }

    /// An integer in `[lo, hi]` that may be negative.
    pub(super) fn int_in_signed(&self, key: &str, value: i64, lo: i64, hi: i64) -> Result<i32> {
        if value < lo || value > hi {
            return Err(self.err(key, format!("must be between {lo} and {hi}, got {value}")));
        }
        Ok(value as i32)
    }
}
