//! Plots and report.html: written by every run, reproducible by `chartsim plot DIR` from the
//! result files alone, readable without system fonts, and robust to broken inputs.

mod common;

use std::path::{Path, PathBuf};

use chartsim::plot::{PlotKind, ResultData};
use common::{Table, chartsim, run_scenario, run_tiny, tiny, tiny_text, write_file};
use plotters::prelude::*;

/// The five data files `chartsim plot` reads.
const DATA_FILES: [&str; 5] = [
    "manifest.json",
    "metrics.csv",
    "charts.csv",
    "summary.csv",
    "tracks.csv",
];

/// Okabe–Ito colours of the tiny scenario's three policies, in scenario order.
const POLICY_COLOURS: [&str; 3] = ["#0072B2", "#D55E00", "#009E73"];

fn tiny_results(tmp: &Path) -> PathBuf {
    let out = tmp.join("out");
    run_tiny(&out, &["--replicates", "2"]);
    out
}

/// The plots of a run without payouts (the tiny scenario settles none).
fn kinds() -> Vec<PlotKind> {
    PlotKind::all()
        .into_iter()
        .filter(|k| !k.is_payout())
        .collect()
}

fn stems() -> Vec<String> {
    kinds().into_iter().map(PlotKind::stem).collect()
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn copy_data_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for f in DATA_FILES {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
}

#[test]
fn every_plot_is_written_as_png_and_svg_with_titles_labels_and_series() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    let data = ResultData::read(&out).unwrap();
    assert_eq!(PlotKind::of(&data), kinds());
    for kind in kinds() {
        let stem = kind.stem();
        let png = std::fs::read(out.join("plots").join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), kind.size(&data), "{stem}.png size");
        let svg = std::fs::read_to_string(out.join("plots").join(format!("{stem}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{stem}.svg"
        );
        assert!(!svg.contains("no data"), "{stem}.svg has data");
        for (_, colour) in tiny::POLICIES.iter().zip(POLICY_COLOURS) {
            assert!(
                svg.contains(colour),
                "{stem}.svg uses policy colour {colour}"
            );
        }
    }
    let weekly = std::fs::read_to_string(out.join("plots/weekly_hhi_tracks.svg")).unwrap();
    for text in [
        "Concentration: HHI of streams by track",
        "chart week",
        "HHI (0–1",
        "UK",
        "KR",
    ] {
        assert!(weekly.contains(text), "weekly plot shows {text:?}");
    }
    // One mean line per region plus one legend swatch, per policy.
    for colour in POLICY_COLOURS {
        let lines = weekly
            .matches(&format!(
                "<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\""
            ))
            .count();
        assert_eq!(lines, tiny::REGIONS.len() + 1, "lines of colour {colour}");
    }
    let bump = std::fs::read_to_string(out.join("plots/chart_trajectories.svg")).unwrap();
    for (region, rules) in tiny::REGIONS {
        assert!(
            bump.contains(&format!("{region} ({} chart)", rules[0])),
            "{region} panel"
        );
    }
    assert!(bump.contains("chart position (1 = No. 1)"));
    for (stem, title) in [
        (
            "lorenz_tracks",
            "Lorenz curves of streams by track over the whole catalogue",
        ),
        (
            "lorenz_artists",
            "Lorenz curves of streams by artist over the whole catalogue",
        ),
    ] {
        let lorenz = std::fs::read_to_string(out.join(format!("plots/{stem}.svg"))).unwrap();
        assert!(lorenz.contains(title), "{stem} title");
        assert!(lorenz.contains("replicates pooled"), "{stem} says pooled");
        for (region, _) in tiny::REGIONS {
            for policy in tiny::POLICIES {
                assert!(
                    lorenz.contains(&format!("{region}, {policy}: Gini 0.")),
                    "{stem} legend has {region}, {policy}"
                );
            }
        }
        // One curve per panel (all regions, then each region) plus one legend swatch each.
        for colour in POLICY_COLOURS {
            let lines = lorenz
                .matches(&format!(
                    "<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\""
                ))
                .count();
            assert_eq!(
                lines,
                2 * (tiny::REGIONS.len() + 1),
                "{stem} lines {colour}"
            );
        }
        // Thinned: no curve has more than 500 points.
        for line in lorenz.lines().filter(|l| l.contains("<polyline")) {
            assert!(line.matches(',').count() <= 500, "{stem} curve thinned");
        }
    }
    let no1 = std::fs::read_to_string(out.join("plots/counterfactual_no1.svg")).unwrap();
    assert!(
        no1.contains("Counterfactual No. 1s") && no1.contains("replicate 0, policy popularity")
    );
    for (region, rules) in tiny::REGIONS {
        assert!(no1.contains(&format!("{region} (ringed")), "{region} panel");
        assert!(
            no1.contains(&format!("{} (headline)", rules[0])),
            "{region} headline row"
        );
        assert!(
            no1.contains(&format!("{}: differs ", rules[1])),
            "{region} second row"
        );
    }
    assert!(
        no1.contains("wk at No. 1 (uk · raw)") && no1.contains("track "),
        "No. 1 legend"
    );
}

#[test]
fn text_renders_from_the_embedded_font_without_fontconfig() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    // In-process: the title strip of a rendered plot holds dark pixels, and only text is there.
    let data = ResultData::read(&out).unwrap();
    let kind = PlotKind::Weekly("hhi_tracks");
    let (w, h) = kind.size(&data);
    let mut rgb = vec![0_u8; (w * h * 3) as usize];
    chartsim::plot::register_fonts();
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        kind.draw(&root, &data).unwrap();
        root.present().unwrap();
    }
    let title_strip = &rgb[..(w * 22 * 3) as usize];
    let dark = title_strip
        .chunks(3)
        .filter(|p| p.iter().all(|&c| c < 100))
        .count();
    assert!(dark > 500, "title text drawn: {dark} dark pixels");
    // Through the binary with fontconfig pointed nowhere: the same bytes as a normal run.
    let copy = tmp.path().join("nofonts");
    copy_data_files(&out, &copy);
    let outcome = std::process::Command::new(env!("CARGO_BIN_EXE_chartsim"))
        .args(["plot".as_ref(), copy.as_os_str()])
        .env("FONTCONFIG_FILE", "/nonexistent")
        .env("FONTCONFIG_PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(
        outcome.status.success(),
        "{}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    for stem in stems() {
        let name = format!("plots/{stem}.png");
        assert!(
            std::fs::read(out.join(&name)).unwrap() == std::fs::read(copy.join(&name)).unwrap(),
            "{name} identical without fontconfig"
        );
    }
}

#[test]
fn plot_command_reproduces_plots_and_report_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    let copy = tmp.path().join("copy");
    copy_data_files(&out, &copy);
    chartsim(["plot".as_ref(), copy.as_os_str()]).assert_success();
    let mut files: Vec<String> = stems()
        .iter()
        .flat_map(|s| [format!("plots/{s}.png"), format!("plots/{s}.svg")])
        .collect();
    files.push("report.html".into());
    for f in &files {
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(copy.join(f)).unwrap(),
            "{f} differs"
        );
    }
    assert_eq!(common::entries(&copy.join("plots")).len(), files.len() - 1);
}

#[test]
fn report_has_every_section_and_inlines_every_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "scenario",
        "comparison",
        "plots",
        "definitions",
        "reproduce",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert_eq!(
        html.matches("<svg").count(),
        stems().len(),
        "every plot inlined once"
    );
    for stem in stems() {
        assert!(
            html.contains(&format!("<figure id=\"plot-{stem}\">")),
            "figure {stem}"
        );
    }
    assert_eq!(html.matches("<figcaption>").count(), stems().len());
    for p in tiny::POLICIES {
        assert!(html.contains(p), "policy {p} named");
    }
    for text in [
        "3000 simulated listeners",
        "master seed 42",
        "melon, raw",
        "Δ ",
        "diff",
        "--replicates 2",
    ] {
        assert!(html.contains(text), "report mentions {text:?}");
    }
    assert!(html.contains("<table id=\"no1-differences\">"));
    for (region, rules) in tiny::REGIONS {
        assert!(
            html.contains(&format!(
                "<tr><td>{region}</td><td>{}</td><td>{}</td><td>",
                rules[0], rules[1]
            )),
            "No. 1 differences of {region}"
        );
    }
    assert!(html.contains(&format!(" of {}</td></tr>", tiny::WEEKS)));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "no external links"
    );
}

#[test]
fn missing_or_malformed_result_files_are_exit_2_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    for (i, (file, content)) in [
        ("summary.csv", None),
        ("charts.csv", None),
        ("tracks.csv", None),
        (
            "metrics.csv",
            Some("run,replicate,policy,region,week\n0,0,popularity,UK,x\n"),
        ),
        ("charts.csv", Some("not,a,chart\n1,2,3\n")),
        ("manifest.json", Some("{\"command\": 3}")),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tmp.path().join(format!("broken-{i}"));
        copy_data_files(&out, &dir);
        match content {
            None => std::fs::remove_file(dir.join(file)).unwrap(),
            Some(text) => std::fs::write(dir.join(file), text).unwrap(),
        }
        chartsim(["plot".as_ref(), dir.as_os_str()])
            .assert_user_error()
            .assert_stderr_mentions(&[file]);
    }
}

#[test]
fn empty_tables_draw_no_data_messages_instead_of_failing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tiny_results(tmp.path());
    let dir = tmp.path().join("empty");
    copy_data_files(&out, &dir);
    for f in ["metrics.csv", "charts.csv", "summary.csv", "tracks.csv"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let header = text.lines().next().unwrap();
        std::fs::write(dir.join(f), format!("{header}\n")).unwrap();
    }
    chartsim(["plot".as_ref(), dir.as_os_str()]).assert_success();
    for stem in stems() {
        let svg = std::fs::read_to_string(dir.join(format!("plots/{stem}.svg"))).unwrap();
        assert!(svg.contains("no data"), "{stem}.svg says no data");
    }
}

#[test]
fn report_lists_named_releases_with_their_weeks_at_no1() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[[artists]]\nname = \"Group\"\ngenre = \"k-pop\"\nappeal = 3.0\n\n\
         [[releases]]\ntitle = \"Big Song\"\nartist = \"Group\"\nday = 0\nappeal = 3.0\n",
        tiny_text()
    );
    let scenario = write_file(tmp.path(), "named.toml", &text);
    let out = tmp.path().join("out");
    run_scenario(&scenario, &out, &[]).assert_success();
    // Expected from charts.csv: KR headline chart, replicate 0, baseline policy.
    let charts = Table::read(&out, "charts.csv");
    let [rep, pol, region, title, headline, rank] =
        ["replicate", "policy", "region", "title", "headline", "rank"].map(|c| charts.col(c));
    let rows: Vec<_> = charts
        .rows
        .iter()
        .filter(|r| &r[rep] == "0" && &r[pol] == tiny::POLICIES[0] && &r[region] == "KR")
        .filter(|r| &r[title] == "Big Song" && &r[headline] == "true")
        .collect();
    assert!(!rows.is_empty(), "the named song charts in KR");
    let at_no1 = rows.iter().filter(|r| &r[rank] == "1").count();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"named\">"));
    let row = html
        .lines()
        .find(|l| l.starts_with("<tr><td>KR</td><td>Big Song</td>"))
        .expect("a KR row for the song");
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(cells[4], at_no1.to_string(), "weeks at No. 1 in {row}");
    // the tiny scenario without named releases has no such section
    let plain_dir = tmp.path().join("plain");
    std::fs::create_dir(&plain_dir).unwrap();
    let plain = std::fs::read_to_string(tiny_results(&plain_dir).join("report.html")).unwrap();
    assert!(!plain.contains("<section id=\"named\">"));
}

#[test]
fn payout_plots_and_the_income_section_appear_when_payouts_are_settled() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("paid");
    run_tiny(
        &out,
        &[
            "--replicates",
            "3",
            "--set",
            "days=119",
            "--set",
            "payouts.rules=[\"pro_rata\", \"user_centric\", \"artist_centric\"]",
        ],
    );
    let data = ResultData::read(&out).unwrap();
    let payout_kinds: Vec<PlotKind> = PlotKind::of(&data)
        .into_iter()
        .filter(|k| k.is_payout())
        .collect();
    assert_eq!(payout_kinds.len(), 3);
    for kind in payout_kinds {
        let stem = kind.stem();
        let png = std::fs::read(out.join("plots").join(format!("{stem}.png"))).unwrap();
        assert_eq!(png_size(&png), kind.size(&data), "{stem}.png size");
        let svg = std::fs::read_to_string(out.join("plots").join(format!("{stem}.svg"))).unwrap();
        assert!(!svg.contains("no data"), "{stem}.svg has data");
        for rule in ["user_centric", "artist_centric"] {
            assert!(svg.contains(rule), "{stem}.svg names {rule}");
        }
    }
    let lorenz = std::fs::read_to_string(out.join("plots/payout_lorenz.svg")).unwrap();
    assert!(
        lorenz.contains("pro_rata: Gini 0."),
        "the reference curve's Gini"
    );
    let winners = std::fs::read_to_string(out.join("plots/payout_winners.svg")).unwrap();
    for group in ["genre: k-pop", "origin: local", "label: independent"] {
        assert!(winners.contains(group), "winners plot shows {group}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let income = &html[html
        .find("<section id=\"income\">")
        .expect("an income section")..];
    let income = &income[..income.find("</section>").unwrap()];
    for text in [
        "share of payouts to the 10 best-paid artists",
        "<th>user_centric</th>",
        "plot-payout_deciles",
        "plot-payout_winners",
    ] {
        assert!(income.contains(text), "income section shows {text:?}");
    }
    // The payout plots are in that section, not also among the others.
    assert_eq!(html.matches("id=\"plot-payout_lorenz\"").count(), 1);
}
