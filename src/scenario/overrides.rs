//! `--set key=value`: change one knob of a scenario from the command line.
//!
//! A classroom or a sweep changes one thing at a time; copying a file for each change
//! invites drift. An override names a key path in the file's own terms — tables by name,
//! array entries by index (`fandoms[0].replays_per_day`) — and a TOML value. The edited
//! document then goes through exactly the same parsing and validation as a file, so an
//! override can do nothing a file could not.

use crate::error::{Error, Result};

/// One parsed `path=value` override.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    path: Vec<Step>,
    value: toml::Value,
    text: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl Override {
    /// Parses `path=value`. The value is TOML (`0.5`, `true`, `[]`, `"text"`,
    /// `{ UK = 0.1 }`); anything that is not valid TOML is taken as a plain string.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |message: String| Error::InvalidOption {
            option: format!("--set {text}"),
            message,
        };
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| bad("expected KEY=VALUE, e.g. fraud_filter.detection=0.5".into()))?;
        let mut steps = Vec::new();
        for part in path.trim().split('.') {
            let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
            if name.is_empty() {
                return Err(bad(format!("empty key in {path:?}")));
            }
            steps.push(Step::Key(name.to_owned()));
            while !rest.is_empty() {
                let (index, after) = rest
                    .split_once(']')
                    .ok_or_else(|| bad(format!("unclosed '[' in {path:?}")))?;
                let index = index
                    .parse()
                    .map_err(|_| bad(format!("array index must be a number, got {index:?}")))?;
                steps.push(Step::Index(index));
                rest = after.strip_prefix('[').unwrap_or(after);
                if !after.is_empty() && !after.starts_with('[') {
                    return Err(bad(format!("unexpected {after:?} after ']' in {path:?}")));
                }
            }
        }
        let value = value.trim();
        let value = format!("v = {value}")
            .parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_owned()));
        Ok(Self {
            path: steps,
            value,
            text: text.to_owned(),
        })
    }

    /// The override of the key path `key` (as [`Override::parse`] reads it) with `value`.
    pub fn with_value(key: &str, value: toml::Value) -> Result<Self> {
        let parsed = Self::parse(&format!("{key}=0"))?;
        Ok(Self {
            text: format!("{key}={value}"),
            value,
            path: parsed.path,
        })
    }

    /// Sets the value in `doc`, creating missing tables on the way; array entries must
    /// exist.
    pub fn apply(&self, doc: &mut toml::Table, origin: &str) -> Result<()> {
        let mut root = toml::Value::Table(std::mem::take(doc));
        let set = self.set(&mut root);
        if let toml::Value::Table(table) = root {
            *doc = table;
        }
        set.map_err(|message| Error::InvalidScenario {
            origin: origin.to_owned(),
            key: self.key(),
            message: format!("--set {}: {message}", self.text),
        })
    }

    /// Walks the path from `root`, then replaces what it reaches with the value.
    fn set(&self, root: &mut toml::Value) -> std::result::Result<(), String> {
        let mut here = root;
        for step in &self.path {
            here = match (here, step) {
                (toml::Value::Table(t), Step::Key(k)) => t
                    .entry(k.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new())),
                (toml::Value::Array(a), Step::Index(i)) => {
                    let len = a.len();
                    a.get_mut(*i)
                        .ok_or_else(|| format!("index {i} is past the end ({len} entries)"))?
                }
                _ => {
                    return Err("the path goes through a value that is not a table or array".into());
                }
            };
        }
        *here = self.value.clone();
        Ok(())
    }

    /// The key path as written.
    pub fn key(&self) -> String {
        let mut key = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if key.is_empty() => key.push_str(k),
                Step::Key(k) => {
                    key.push('.');
                    key.push_str(k);
                }
                Step::Index(i) => key.push_str(&format!("[{i}]")),
            }
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        "name = \"x\"\n[fraud_filter]\ndetection = 0.0\n[[fandoms]]\nname = \"a\"\nreplays_per_day = 30\n"
            .parse()
            .expect("valid toml")
    }

    #[test]
    fn sets_nested_keys_array_entries_and_whole_arrays() {
        let mut d = doc();
        for o in [
            "fraud_filter.detection=0.5",
            "fandoms[0].replays_per_day = 12",
            "tie_ins=[]",
            "listening.slate_size=5",
        ] {
            Override::parse(o).unwrap().apply(&mut d, "f").unwrap();
        }
        assert_eq!(d["fraud_filter"]["detection"].as_float(), Some(0.5));
        assert_eq!(d["fandoms"][0]["replays_per_day"].as_integer(), Some(12));
        assert_eq!(d["tie_ins"].as_array().map(Vec::len), Some(0));
        assert_eq!(d["listening"]["slate_size"].as_integer(), Some(5));
        // a bare word is a string
        Override::parse("name=golden-x")
            .unwrap()
            .apply(&mut d, "f")
            .unwrap();
        assert_eq!(d["name"].as_str(), Some("golden-x"));
    }

    #[test]
    fn bad_overrides_say_what_is_wrong() {
        assert!(
            Override::parse("no-equals")
                .unwrap_err()
                .to_string()
                .contains("KEY=VALUE")
        );
        assert!(
            Override::parse("a[x]=1")
                .unwrap_err()
                .to_string()
                .contains("index")
        );
        let err = Override::parse("fandoms[3].name=\"b\"")
            .unwrap()
            .apply(&mut doc(), "f")
            .unwrap_err();
        assert!(err.to_string().contains("past the end"), "{err}");
        let err = Override::parse("name.x=1")
            .unwrap()
            .apply(&mut doc(), "f")
            .unwrap_err();
        assert!(err.to_string().contains("not a table"), "{err}");
    }
}
