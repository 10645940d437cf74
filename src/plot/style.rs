//! Fonts, colours and the small drawing helpers every plot shares.
//!
//! Text is drawn with DejaVu Sans embedded in the binary (registered with plotters'
//! `ab_glyph` renderer), so plots render the same on a machine without any system fonts.
//! Policy colours come from the Okabe–Ito palette, which stays distinguishable for the
//! common forms of colour blindness, and a policy keeps its colour in every plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

/// Registers the embedded DejaVu Sans (regular and bold) as plotters' `sans-serif`.
///
/// Safe to call any number of times from any thread; only the first call does anything.
pub fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Okabe–Ito colours in the order policies receive them (yellow last: weak on white).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of the policy at `index` in the manifest's policy list (cycles after 8).
pub fn policy_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Grey for reference lines, burn-in shading and secondary series.
pub const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Result of drawing one plot: plotters' backend errors as text.
pub type DrawResult = Result<(), String>;

/// Turns any displayable error into the text of a [`DrawResult`].
pub trait OrText<T> {
    /// The value, or the error's message.
    fn or_text(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> OrText<T> for Result<T, E> {
    fn or_text(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

/// Font of plot titles.
pub fn title_font() -> TextStyle<'static> {
    ("sans-serif", 22).into_font().style(FontStyle::Bold).into()
}

/// Font of panel captions.
pub fn panel_font() -> TextStyle<'static> {
    ("sans-serif", 17).into_font().into()
}

/// Font of axis descriptions.
pub fn axis_font() -> TextStyle<'static> {
    ("sans-serif", 14).into_font().into()
}

/// Font of tick labels and legends.
pub fn small_font() -> TextStyle<'static> {
    ("sans-serif", 13).into_font().into()
}

/// Fills the area white, draws `title` on top and returns the area below it.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).or_text()?;
    root.titled(title, title_font()).or_text()
}

/// Writes a centred "no data" message (with `what`) into `area`.
pub fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, what: &str) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let style = panel_font()
        .color(&GREY)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
    area.draw(&Text::new(
        format!("no data: {what}"),
        ((w / 2) as i32, (h / 2) as i32),
        style,
    ))
    .or_text()
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swatch {
    /// A short thick line.
    Line,
    /// A dashed line.
    Dashed,
    /// A filled square.
    Block,
    /// A filled circle.
    Dot,
}

/// One legend entry.
#[derive(Clone, Debug)]
pub struct LegendItem {
    /// Text shown next to the swatch.
    pub label: String,
    /// Swatch colour.
    pub colour: RGBColor,
    /// Swatch shape.
    pub swatch: Swatch,
}

impl LegendItem {
    /// An entry with the given label, colour and swatch.
    pub fn new(label: impl Into<String>, colour: RGBColor, swatch: Swatch) -> Self {
        Self {
            label: label.into(),
            colour,
            swatch,
        }
    }
}

/// Draws a legend as a column in its own area (beside the panels, so it never covers data).
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    items: &[LegendItem],
) -> DrawResult {
    let x0 = 8;
    let mut y = 50;
    area.draw(&Text::new(
        heading.to_owned(),
        (x0, y),
        ("sans-serif", 13).into_font().style(FontStyle::Bold),
    ))
    .or_text()?;
    y += 24;
    for item in items {
        let mid = y + 7;
        let c = item.colour;
        match item.swatch {
            Swatch::Line => area
                .draw(&PathElement::new(
                    vec![(x0, mid), (x0 + 26, mid)],
                    c.stroke_width(3),
                ))
                .or_text()?,
            Swatch::Dashed => {
                for k in 0..3 {
                    area.draw(&PathElement::new(
                        vec![(x0 + k * 10, mid), (x0 + k * 10 + 6, mid)],
                        c.stroke_width(2),
                    ))
                    .or_text()?;
                }
            }
            Swatch::Block => area
                .draw(&Rectangle::new(
                    [(x0 + 4, mid - 7), (x0 + 22, mid + 7)],
                    c.filled(),
                ))
                .or_text()?,
            Swatch::Dot => area
                .draw(&Circle::new((x0 + 13, mid), 5, c.filled()))
                .or_text()?,
        }
        area.draw(&Text::new(item.label.clone(), (x0 + 34, y), small_font()))
            .or_text()?;
        y += 22;
    }
    Ok(())
}

/// A range covering `values` (NaN skipped) with 5% padding, kept within 0 below when
/// every value is non-negative and within 1 above when every value is at most 1;
/// `(0, 1)` when there is nothing finite.
pub fn padded_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        lo.abs().max(0.01) * 0.1
    };
    let low = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    let high = if hi <= 1.0 {
        (hi + pad).min(1.0)
    } else {
        hi + pad
    };
    (low, high)
}

/// `colour` drawn at opacity `alpha` over white, as an opaque colour (for legend swatches).
pub fn tint(colour: RGBColor, alpha: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * alpha).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}
