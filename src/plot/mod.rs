//! Plots of a result directory, drawn from its files alone.
//!
//! [`write_plots`] reads `manifest.json`, `metrics.csv`, `summary.csv`, `charts.csv`,
//! `tracks.csv` and, when the run settled payouts, `payouts.csv` (never simulation state) and writes every plot as PNG and SVG into `plots/`. The same
//! files always give byte-identical plots, so `chartsim plot DIR` reproduces what
//! `chartsim run` wrote. Each plot kind is one small file; [`style`] holds the fonts
//! (embedded DejaVu, no system fonts needed), the colour-blind-safe palette and the legend.

pub mod bump;
pub mod compare;
mod csv_read;
pub mod data;
pub mod dose;
pub mod files;
pub mod heatmap;
pub mod local;
pub mod lorenz;
pub mod no1;
pub mod payout_data;
pub mod payouts;
pub mod style;
pub mod weekly;

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

pub use data::ResultData;
pub use style::register_fonts;

/// Why plots or the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A result file could not be read (missing or unreadable).
    #[error("cannot read '{path}'")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// A result file does not have the documented shape.
    #[error("malformed result file '{path}': {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line where known.
        message: String,
    },
    /// A plot or the report could not be written.
    #[error("cannot write '{path}'")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why writing failed.
        source: std::io::Error,
    },
    /// plotters failed while drawing.
    #[error("cannot draw '{path}': {message}")]
    Draw {
        /// The file being drawn.
        path: PathBuf,
        /// plotters' message.
        message: String,
    },
}

/// Every plot kind, in the order the report shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotKind {
    /// A headline metric over the weeks, per region, one line and 95% band per policy.
    Weekly(&'static str),
    /// Mean and 95% CI of each headline metric per region and policy (dot and whisker).
    Comparison,
    /// Lorenz curves of streams over the whole catalogue, by track or by artist.
    Lorenz(lorenz::LorenzUnit),
    /// Weekly rank of the songs that reached the Top 10 (bump chart).
    Trajectories,
    /// Local share of streams by region and policy (grouped bars).
    LocalShare,
    /// The No. 1 each week under each chart rule set of a region (replicate 0, baseline).
    CounterfactualNo1,
    /// Share of payouts by artist decile under each payout rule (only with payouts).
    PayoutDeciles,
    /// Lorenz curves of payouts over artists, one per payout rule (only with payouts).
    PayoutLorenz,
    /// Change in each group's share of payouts against the reference rule (only with
    /// payouts).
    PayoutWinners,
}

impl PlotKind {
    /// All plots, in report order.
    pub fn all() -> Vec<PlotKind> {
        let mut kinds: Vec<PlotKind> = data::HEADLINE_METRICS
            .iter()
            .map(|m| PlotKind::Weekly(m))
            .collect();
        kinds.extend([
            PlotKind::Comparison,
            PlotKind::LocalShare,
            PlotKind::Lorenz(lorenz::LorenzUnit::Tracks),
            PlotKind::Lorenz(lorenz::LorenzUnit::Artists),
            PlotKind::Trajectories,
            PlotKind::CounterfactualNo1,
            PlotKind::PayoutDeciles,
            PlotKind::PayoutLorenz,
            PlotKind::PayoutWinners,
        ]);
        kinds
    }

    /// The plots of `data`, in report order: every kind, the payout plots only when the
    /// run settled payouts.
    pub fn of(data: &ResultData) -> Vec<PlotKind> {
        Self::all()
            .into_iter()
            .filter(|k| !k.is_payout() || data.payouts.is_some())
            .collect()
    }

    /// Whether this is a plot of creators' income.
    pub fn is_payout(self) -> bool {
        matches!(
            self,
            PlotKind::PayoutDeciles | PlotKind::PayoutLorenz | PlotKind::PayoutWinners
        )
    }

    /// File name without extension, e.g. `weekly_hhi_tracks`.
    pub fn stem(self) -> String {
        match self {
            PlotKind::Weekly(metric) => format!("weekly_{metric}"),
            PlotKind::Comparison => "comparison".to_owned(),
            PlotKind::Lorenz(unit) => format!("lorenz_{}", unit.noun()),
            PlotKind::Trajectories => "chart_trajectories".to_owned(),
            PlotKind::LocalShare => "local_share".to_owned(),
            PlotKind::CounterfactualNo1 => "counterfactual_no1".to_owned(),
            PlotKind::PayoutDeciles => "payout_deciles".to_owned(),
            PlotKind::PayoutLorenz => "payout_lorenz".to_owned(),
            PlotKind::PayoutWinners => "payout_winners".to_owned(),
        }
    }

    /// Size in pixels.
    pub fn size(self, data: &ResultData) -> (u32, u32) {
        let regions = data.scenario.regions.len().max(1) as u32;
        match self {
            PlotKind::Weekly(_) => (1400, 480),
            PlotKind::Lorenz(_) => (1400, 520),
            PlotKind::Comparison => (1400, 200 + 170 * data::HEADLINE_METRICS.len() as u32),
            PlotKind::Trajectories => (1400, 90 + 380 * regions),
            PlotKind::LocalShare => (1100, 520),
            PlotKind::CounterfactualNo1 => {
                let panels: u32 = no1::regions(data)
                    .iter()
                    .map(|c| no1::panel_height(c.no1s.len()))
                    .sum();
                (1400, 40 + panels.max(260))
            }
            PlotKind::PayoutDeciles => (1300, 560),
            PlotKind::PayoutLorenz => (1100, 620),
            PlotKind::PayoutWinners => {
                let groups = data.payouts.as_ref().map_or(0, |p| p.groups.len()) as u32;
                (1300, 160 + 34 * groups.max(6))
            }
        }
    }

    /// Draws the plot onto any plotters backend.
    pub fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ResultData,
    ) -> style::DrawResult {
        if !data.has_plays() {
            root.fill(&WHITE).map_err(|e| e.to_string())?;
            return style::no_data(root, NO_PLAYS);
        }
        match self {
            PlotKind::Weekly(metric) => weekly::draw(root, data, metric),
            PlotKind::Comparison => compare::draw(root, data),
            PlotKind::Lorenz(unit) => lorenz::draw(root, data, unit),
            PlotKind::Trajectories => bump::draw(root, data),
            PlotKind::LocalShare => local::draw(root, data),
            PlotKind::CounterfactualNo1 => no1::draw(root, data),
            PlotKind::PayoutDeciles => payouts::draw_deciles(root, data),
            PlotKind::PayoutLorenz => payouts::draw_lorenz(root, data),
            PlotKind::PayoutWinners => payouts::draw_winners(root, data),
        }
    }
}

/// What every plot and the report say when a run has no plays at all.
pub const NO_PLAYS: &str = "no plays — listeners streamed nothing in this run";

/// Draws onto an SVG canvas of `size` pixels and returns the document.
fn svg_of(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> style::DrawResult,
) -> Result<String, String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Draws onto an in-memory bitmap of `size` pixels and returns it encoded as PNG.
fn png_of(
    (width, height): (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> style::DrawResult,
) -> Result<Vec<u8>, String> {
    register_fonts();
    let mut pixels = vec![0_u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    let image = image::RgbImage::from_raw(width, height, pixels)
        .expect("invariant: the buffer holds width × height RGB pixels");
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(png.into_inner())
}

/// One written plot: its kind and the SVG text (for inlining into the report).
#[derive(Clone, Debug)]
pub struct WrittenPlot {
    /// Which plot.
    pub kind: PlotKind,
    /// The SVG document, as written to `plots/<stem>.svg`.
    pub svg: String,
}

/// Writes every plot of `data` to `plots_dir/<stem>.{png,svg}`.
pub fn write_plots(plots_dir: &Path, data: &ResultData) -> Result<Vec<WrittenPlot>, PlotError> {
    std::fs::create_dir_all(plots_dir).map_err(|source| PlotError::Write {
        path: plots_dir.to_owned(),
        source,
    })?;
    let mut written = Vec::new();
    for kind in PlotKind::of(data) {
        let svg = write_figure(
            plots_dir,
            &kind.stem(),
            kind.size(data),
            |root| kind.draw(root, data),
            |root| kind.draw(root, data),
        )?;
        written.push(WrittenPlot { kind, svg });
    }
    Ok(written)
}

/// Draws a figure as `plots/<stem>.svg` and `.png` (the same drawing on each canvas, the
/// PNG encoded in memory so a failed write is never half an image) and returns the SVG.
pub fn write_figure(
    plots: &Path,
    stem: &str,
    size: (u32, u32),
    svg_draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> style::DrawResult,
    png_draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> style::DrawResult,
) -> Result<String, PlotError> {
    let svg_path = plots.join(format!("{stem}.svg"));
    let png_path = plots.join(format!("{stem}.png"));
    let drawn = |path: &Path| {
        let path = path.to_owned();
        move |message| PlotError::Draw { path, message }
    };
    let svg = svg_of(size, svg_draw).map_err(drawn(&svg_path))?;
    let png = png_of(size, png_draw).map_err(drawn(&png_path))?;
    for (path, bytes) in [(&svg_path, svg.as_bytes()), (&png_path, &png[..])] {
        std::fs::write(path, bytes).map_err(|source| PlotError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(svg)
}
