//! The design of a sweep: which scenario keys vary, over which values, at which points.
//!
//! **Why.** A question about policy is a range ("how large a quota before listeners pay
//! for it?") and a robustness check ("does it still help if home bias is half what we
//! assumed?"), so a sweep runs one scenario at many points. A point is nothing but a set
//! of `--set` overrides ([`Override`]), so a sweep can vary exactly what `--set` can —
//! any key, a policy's curation knob (`policies[1].curation[0].share`), an array entry —
//! and each point goes through the same parsing and validation as a file would.
//!
//! A design comes from axes (the file's `[[sweep.axis]]` tables or `--grid KEY=VALUES`),
//! crossed as a full factorial grid, the first axis varying slowest; axes that share a
//! `group` vary together (zipped) and must have the same length. Or it comes from a CSV
//! file with one column per key path and one row per point, the layout in which SALib or
//! `scipy.stats.qmc` write a sample matrix.

use std::path::Path;

use crate::error::{Error, Result};
use crate::scenario::Override;

/// One swept key and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Key path, as `--set` takes it.
    pub key: String,
    /// Values, in order.
    pub values: Vec<toml::Value>,
    /// Axes with the same group vary together (zipped) instead of being crossed.
    pub group: Option<String>,
}

/// The points of a sweep: one value per key at every point.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The swept key paths (columns of `runs.csv` and `points.csv`).
    pub keys: Vec<String>,
    /// `points[i][k]`: the value of `keys[k]` at point `i`.
    pub points: Vec<Vec<toml::Value>>,
}

impl Design {
    /// The full factorial grid of `axes` (zipped groups count as one axis), the first
    /// varying slowest. No axes give one point, the scenario as it is.
    pub fn grid(axes: &[Axis]) -> Result<Self> {
        let mut seen = Vec::new();
        for axis in axes {
            if seen.contains(&&axis.key) {
                return Err(bad_axis(&axis.key, "the key is swept twice".into()));
            }
            if axis.values.is_empty() {
                return Err(bad_axis(&axis.key, "no values".into()));
            }
            seen.push(&axis.key);
        }
        // Factors: groups of axis indices, in order of their first axis.
        let mut factors: Vec<Vec<usize>> = Vec::new();
        for (i, axis) in axes.iter().enumerate() {
            let joined = axis.group.as_ref().and_then(|g| {
                factors
                    .iter_mut()
                    .find(|f| axes[f[0]].group.as_ref() == Some(g))
            });
            match joined {
                Some(factor) => {
                    let first = &axes[factor[0]];
                    if first.values.len() != axis.values.len() {
                        return Err(bad_axis(
                            &axis.key,
                            format!(
                                "varies together with {} (group {:?}), so it needs {} values like it, got {}",
                                first.key,
                                axis.group.as_deref().unwrap_or_default(),
                                first.values.len(),
                                axis.values.len()
                            ),
                        ));
                    }
                    factor.push(i);
                }
                None => factors.push(vec![i]),
            }
        }
        let mut points: Vec<Vec<toml::Value>> = vec![vec![toml::Value::Boolean(false); axes.len()]];
        for factor in &factors {
            let levels = axes[factor[0]].values.len();
            points = points
                .into_iter()
                .flat_map(|point| {
                    (0..levels).map(move |level| {
                        let mut point = point.clone();
                        for &a in factor {
                            point[a] = axes[a].values[level].clone();
                        }
                        point
                    })
                })
                .collect();
        }
        Ok(Self {
            keys: axes.iter().map(|a| a.key.clone()).collect(),
            points,
        })
    }

    /// A design file: a header of key paths, then one row per point. Each cell is a TOML
    /// value (`0.25`, `true`, `"text"`; a bare word is a string); a whole number written
    /// as a float (`5.0`, `5.000000e+00`, as sample writers do) is taken as the integer.
    pub fn from_csv(path: &Path) -> Result<Self> {
        let origin = path.display().to_string();
        let bad = |message: String| Error::InvalidOption {
            option: format!("--design {origin}"),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .flexible(true)
            .from_path(path)
            .map_err(|e| bad(e.to_string()))?;
        let keys: Vec<String> = reader
            .headers()
            .map_err(|e| bad(e.to_string()))?
            .iter()
            .map(str::to_owned)
            .collect();
        if keys.iter().all(String::is_empty) {
            return Err(bad(
                "the first line must name the swept keys, e.g. utility.local,listening.slate_size"
                    .into(),
            ));
        }
        for (column, key) in keys.iter().enumerate() {
            if key.is_empty() {
                return Err(bad(format!("column {} has no key path", column + 1)));
            }
            Override::parse(&format!("{key}=0"))
                .map_err(|e| bad(format!("column {}: {e}", column + 1)))?;
            if keys[..column].contains(key) {
                return Err(bad(format!("column {} repeats the key {key}", column + 1)));
            }
        }
        let mut points = Vec::new();
        for (row, record) in reader.records().enumerate() {
            let line = row + 2;
            let record = record.map_err(|e| bad(format!("line {line}: {e}")))?;
            if record.len() != keys.len() {
                return Err(bad(format!(
                    "line {line} has {} values for {} keys",
                    record.len(),
                    keys.len()
                )));
            }
            let point = record
                .iter()
                .zip(&keys)
                .map(|(cell, key)| {
                    if cell.is_empty() {
                        Err(bad(format!("line {line}, column {key}: empty value")))
                    } else {
                        Ok(whole_if_integral(parse_value(cell)))
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            points.push(point);
        }
        if points.is_empty() {
            return Err(bad("no design points below the header".into()));
        }
        Ok(Self { keys, points })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether the design has no points.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The overrides that make point `point` of the scenario.
    pub fn overrides(&self, point: usize) -> Vec<Override> {
        self.keys
            .iter()
            .zip(&self.points[point])
            .map(|(key, value)| {
                Override::with_value(key, value.clone())
                    .expect("invariant: design keys are checked when the design is made")
            })
            .collect()
    }

    /// Point `point`'s value of every key, as cells of a table (strings without quotes).
    pub fn cells(&self, point: usize) -> Vec<String> {
        self.points[point].iter().map(cell).collect()
    }
}

/// A value as a table cell: numbers, booleans and strings as they read, others as TOML.
pub fn cell(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => format!("{x}"),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn bad_axis(key: &str, message: String) -> Error {
    Error::InvalidOption {
        option: format!("sweep axis {key}"),
        message,
    }
}

/// A value as `--set` reads it: TOML, or a plain string when it is not valid TOML.
fn parse_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// `5.0` as `5`: sample matrices write every number as a float, and a whole-number key
/// refuses floats (a float key takes an integer).
fn whole_if_integral(value: toml::Value) -> toml::Value {
    match value {
        toml::Value::Float(x) if x.fract() == 0.0 && x.abs() < 2f64.powi(53) => {
            toml::Value::Integer(x as i64)
        }
        other => other,
    }
}

/// `KEY=VALUES` from `--grid`: VALUES is a comma-separated list (`0,0.1,0.2`,
/// `uk,raw`) or an inclusive range `START:STOP:STEP` (`0:0.6:0.1`).
pub fn parse_grid(text: &str) -> Result<Axis> {
    let bad = |message: String| Error::InvalidOption {
        option: format!("--grid {text}"),
        message,
    };
    let (key, values) = text
        .split_once('=')
        .ok_or_else(|| bad("expected KEY=VALUES, e.g. utility.local=0,0.5,1".into()))?;
    let key = key.trim();
    Override::parse(&format!("{key}=0")).map_err(|e| bad(e.to_string()))?;
    let values = parse_values(values.trim()).map_err(bad)?;
    Ok(Axis {
        key: key.to_owned(),
        values,
        group: None,
    })
}

/// Most values one axis may have (a typo in a range's step should not make a billion runs).
pub const MAX_AXIS_VALUES: usize = 10_000;

/// A list (`0,0.1`) or an inclusive range (`0:0.6:0.1`) of values.
pub fn parse_values(text: &str) -> std::result::Result<Vec<toml::Value>, String> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() == 3 && !text.contains(',') {
        return parse_range(parts[0].trim(), parts[1].trim(), parts[2].trim());
    }
    let values: Vec<toml::Value> = text
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(parse_value)
        .collect();
    if values.is_empty() {
        return Err("no values: give a list (0,0.1,0.2) or a range (0:0.6:0.1)".into());
    }
    Ok(values)
}

/// START:STOP:STEP with STOP included (within a millionth of a step). Whole numbers give
/// integers; otherwise each value is rounded to the decimals written, so `0:0.6:0.1`
/// gives 0.3, not 0.30000000000000004.
fn parse_range(
    start: &str,
    stop: &str,
    step: &str,
) -> std::result::Result<Vec<toml::Value>, String> {
    let number = |s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("range START:STOP:STEP needs numbers, got {s:?}"))
    };
    let (a, b, h) = (number(start)?, number(stop)?, number(step)?);
    if h <= 0.0 {
        return Err(format!("the range's step must be above 0, got {step}"));
    }
    if b < a {
        return Err(format!(
            "the range's stop ({stop}) is below its start ({start})"
        ));
    }
    let n = ((b - a) / h + 1e-6).floor() as usize + 1;
    if n > MAX_AXIS_VALUES {
        return Err(format!(
            "the range has {n} values; at most {MAX_AXIS_VALUES} are allowed"
        ));
    }
    let integers = [start, stop, step].iter().all(|s| s.parse::<i64>().is_ok());
    let decimals = [start, stop, step]
        .iter()
        .map(|s| {
            s.split_once('.').map_or(0, |(_, f)| {
                f.trim_end_matches(|c: char| !c.is_ascii_digit()).len()
            })
        })
        .max()
        .unwrap_or(0)
        .min(15) as i32;
    let scale = 10f64.powi(decimals);
    Ok((0..n)
        .map(|i| {
            let x = a + i as f64 * h;
            if integers {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float((x * scale).round() / scale)
            }
        })
        .collect())
}

/// Removes the `[sweep]` table from a scenario document and reads its axes
/// (`[[sweep.axis]]` with `key`, `values` — an array, or a list or range string as
/// `--grid` takes — and an optional `group`). A document without one gives no axes.
pub fn take_axes(doc: &mut toml::Table, origin: &str) -> Result<Vec<Axis>> {
    let Some(sweep) = doc.remove("sweep") else {
        return Ok(Vec::new());
    };
    let bad = |key: String, message: String| Error::InvalidScenario {
        origin: origin.to_owned(),
        key,
        message,
    };
    let toml::Value::Table(sweep) = sweep else {
        return Err(bad("sweep".into(), "must be a table ([sweep])".into()));
    };
    let mut axes = Vec::new();
    for (name, value) in sweep {
        if name != "axis" {
            return Err(bad(
                format!("sweep.{name}"),
                "unknown key; [sweep] holds [[sweep.axis]] tables (key, values, group)".into(),
            ));
        }
        let toml::Value::Array(entries) = value else {
            return Err(bad(
                "sweep.axis".into(),
                "must be an array of tables ([[sweep.axis]])".into(),
            ));
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let at = |field: &str| format!("sweep.axis[{i}].{field}");
            let toml::Value::Table(mut entry) = entry else {
                return Err(bad(format!("sweep.axis[{i}]"), "must be a table".into()));
            };
            let key = match entry.remove("key") {
                Some(toml::Value::String(k)) => k,
                Some(other) => {
                    return Err(bad(
                        at("key"),
                        format!("must be a key path string, got {other}"),
                    ));
                }
                None => {
                    return Err(bad(
                        at("key"),
                        "missing: the key path to sweep, e.g. \"utility.local\"".into(),
                    ));
                }
            };
            Override::parse(&format!("{key}=0")).map_err(|e| bad(at("key"), e.to_string()))?;
            let values = match entry.remove("values") {
                Some(toml::Value::Array(values)) => values,
                Some(toml::Value::String(text)) => {
                    parse_values(&text).map_err(|m| bad(at("values"), m))?
                }
                Some(other) => {
                    return Err(bad(
                        at("values"),
                        format!(
                            "must be an array or a range string like \"0:0.6:0.1\", got {other}"
                        ),
                    ));
                }
                None => return Err(bad(at("values"), "missing: the values to sweep".into())),
            };
            if values.is_empty() {
                return Err(bad(at("values"), "no values".into()));
            }
            let group = match entry.remove("group") {
                Some(toml::Value::String(g)) => Some(g),
                Some(other) => {
                    return Err(bad(at("group"), format!("must be a name, got {other}")));
                }
                None => None,
            };
            if let Some((field, _)) = entry.into_iter().next() {
                return Err(bad(
                    at(&field),
                    "unknown key; an axis has key, values and group".into(),
                ));
            }
            axes.push(Axis { key, values, group });
        }
    }
    Ok(axes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(key: &str, values: &str, group: Option<&str>) -> Axis {
        Axis {
            key: key.into(),
            values: parse_values(values).unwrap(),
            group: group.map(str::to_owned),
        }
    }

    #[test]
    fn a_grid_is_the_product_of_its_axes_first_slowest() {
        let d = Design::grid(&[axis("a", "1,2", None), axis("b", "x,y,z", None)]).unwrap();
        assert_eq!(d.len(), 6);
        let cells: Vec<Vec<String>> = (0..6).map(|i| d.cells(i)).collect();
        assert_eq!(cells[0], ["1", "x"]);
        assert_eq!(cells[1], ["1", "y"]);
        assert_eq!(cells[3], ["2", "x"]);
        assert_eq!(cells[5], ["2", "z"]);
        let three = Design::grid(&[
            axis("a", "1,2", None),
            axis("b", "0:4:1", None),
            axis("c", "true,false", None),
        ])
        .unwrap();
        assert_eq!(three.len(), 2 * 5 * 2);
        assert_eq!(
            Design::grid(&[]).unwrap().len(),
            1,
            "no axes: the scenario itself"
        );
    }

    #[test]
    fn zipped_axes_vary_together() {
        let d = Design::grid(&[
            axis("a", "1,2,3", Some("g")),
            axis("b", "0.5,0.25", None),
            axis("c", "10,20,30", Some("g")),
        ])
        .unwrap();
        assert_eq!(d.len(), 3 * 2);
        assert_eq!(d.cells(0), ["1", "0.5", "10"]);
        assert_eq!(d.cells(1), ["1", "0.25", "10"]);
        assert_eq!(d.cells(2), ["2", "0.5", "20"]);
        assert_eq!(d.cells(5), ["3", "0.25", "30"]);
        let err = Design::grid(&[axis("a", "1,2,3", Some("g")), axis("c", "1,2", Some("g"))])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("needs 3 values") && err.contains("got 2"),
            "{err}"
        );
    }

    #[test]
    fn ranges_include_their_stop_and_keep_the_written_decimals() {
        let v = parse_values("0:0.6:0.1").unwrap();
        assert_eq!(v.len(), 7);
        assert_eq!(v[3], toml::Value::Float(0.3));
        assert_eq!(v[6], toml::Value::Float(0.6));
        let ints = parse_values("2:10:4").unwrap();
        assert_eq!(ints, [2, 6, 10].map(toml::Value::Integer));
        assert_eq!(
            parse_values("uk, raw").unwrap()[1],
            toml::Value::String("raw".into())
        );
        assert!(parse_values("0:1:0").unwrap_err().contains("above 0"));
        assert!(
            parse_values("1:0:0.1")
                .unwrap_err()
                .contains("below its start")
        );
        assert!(
            parse_values("0:1:0.0000001")
                .unwrap_err()
                .contains("at most")
        );
        let err = parse_grid("utility.local").unwrap_err().to_string();
        assert!(err.contains("KEY=VALUES"), "{err}");
    }

    #[test]
    fn the_sweep_table_gives_axes_and_names_bad_keys() {
        let mut doc: toml::Table = r#"
            name = "x"
            [[sweep.axis]]
            key = "policies[1].curation[0].share"
            values = [0.0, 0.2]
            [[sweep.axis]]
            key = "utility.local"
            values = "0.5:1.5:0.5"
            group = "g"
        "#
        .parse()
        .unwrap();
        let axes = take_axes(&mut doc, "f.toml").unwrap();
        assert!(!doc.contains_key("sweep"));
        assert_eq!(axes.len(), 2);
        assert_eq!(axes[1].values.len(), 3);
        assert_eq!(axes[1].group.as_deref(), Some("g"));
        for (text, key) in [
            ("[sweep]\nsteps = 3", "sweep.steps"),
            ("[[sweep.axis]]\nvalues = [1]", "sweep.axis[0].key"),
            ("[[sweep.axis]]\nkey = \"a\"", "sweep.axis[0].values"),
            (
                "[[sweep.axis]]\nkey = \"a\"\nvalues = 3",
                "sweep.axis[0].values",
            ),
            (
                "[[sweep.axis]]\nkey = \"a\"\nvalues = [1]\nzip = 1",
                "sweep.axis[0].zip",
            ),
        ] {
            let mut doc: toml::Table = text.parse().unwrap();
            let err = take_axes(&mut doc, "f.toml").unwrap_err();
            assert!(
                matches!(&err, Error::InvalidScenario { key: k, .. } if k == key),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn design_files_read_sample_matrices_and_name_bad_lines() {
        let dir = std::env::temp_dir().join(format!("chartsim-design-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("design.csv");
        std::fs::write(
            &file,
            "utility.local,listening.slate_size\n5.000000000000000000e-01,1.000000000000000000e+01\n0.75,8\n",
        )
        .unwrap();
        let d = Design::from_csv(&file).unwrap();
        assert_eq!(d.keys, ["utility.local", "listening.slate_size"]);
        assert_eq!(
            d.points[0],
            [toml::Value::Float(0.5), toml::Value::Integer(10)]
        );
        assert_eq!(d.cells(1), ["0.75", "8"]);
        for (text, needle) in [
            ("a,b\n1\n", "line 2 has 1 values for 2 keys"),
            ("a,a\n1,2\n", "repeats the key a"),
            ("a,b\n", "no design points"),
            ("a,b\n1,\n", "line 2, column b: empty value"),
        ] {
            std::fs::write(&file, text).unwrap();
            let err = Design::from_csv(&file).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
