//! Property tests: chart invariants, and agreement with a naive full-sort reference.

use proptest::prelude::*;

use crate::chart::{AcrRule, Chart, ChartCompiler, RuleSet};
use crate::ids::{ArtistId, TrackId};

/// Small random rule sets: ratios from real-looking values, optional cap and a quick ACR
/// (few weeks needed) so that short runs exercise it.
fn rules() -> impl Strategy<Value = RuleSet> {
    let ratio = prop::sample::select(vec![1.0, 2.0, 3.0, 100.0, 600.0]);
    (
        ratio.clone(),
        ratio,
        prop::option::of(1usize..4),
        1usize..15,
        prop::option::of((0u32..3, 1u32..3, prop::sample::select(vec![0.0, 0.1, 0.25]))),
    )
        .prop_map(|(p, a, cap, size, acr)| RuleSet {
            name: "prop".to_string(),
            premium_streams_per_unit: p,
            ad_streams_per_unit: a,
            per_user_daily_cap: None,
            acr: acr.map(|(min_weeks, decline, reset)| AcrRule {
                premium_streams_per_unit: p * 2.0,
                ad_streams_per_unit: a * 2.0,
                min_weeks_on_chart: min_weeks,
                decline_weeks: decline,
                reset_growth_points: reset,
                january_reset: true,
                old_track_days: None,
            }),
            max_tracks_per_artist: cap,
            chart_size: size,
            recurrent: None,
        })
}

/// A run: lead artists (few, so the cap bites) and several weeks of (premium, ad) counts
/// with many zeros and many ties.
fn run() -> impl Strategy<Value = (Vec<u32>, Vec<Vec<(u32, u32)>>)> {
    (1usize..40).prop_flat_map(|n| {
        let week = prop::collection::vec(
            prop_oneof![Just((0, 0)), (0u32..6, 0u32..6), (0u32..700, 0u32..2000)],
            n,
        );
        (
            prop::collection::vec(0u32..6, n),
            prop::collection::vec(week, 1..8),
        )
    })
}

/// The chart as the rules define it, by sorting every track: units desc, counted desc,
/// id asc, skipping capped artists. Uses the compiler's ACR flags for this week.
fn reference(c: &ChartCompiler, week: &[(u32, u32)], artists: &[ArtistId]) -> Vec<u32> {
    let r = c.rules();
    let mut all: Vec<(f64, u64, u32)> = (0..week.len() as u32)
        .map(|t| {
            let (p, a) = week[t as usize];
            let (rp, ra) = match (&r.acr, c.is_on_acr(TrackId(t))) {
                (Some(acr), true) => (acr.premium_streams_per_unit, acr.ad_streams_per_unit),
                _ => (r.premium_streams_per_unit, r.ad_streams_per_unit),
            };
            (f64::from(p) / rp + f64::from(a) / ra, u64::from(p + a), t)
        })
        .filter(|x| x.0 > 0.0)
        .collect();
    all.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then(x.2.cmp(&y.2)));
    let mut held = [0usize; 6];
    let mut out = Vec::new();
    for (_, _, t) in all {
        let artist = artists[t as usize].index();
        if out.len() == r.chart_size || r.max_tracks_per_artist.is_some_and(|m| held[artist] >= m) {
            continue;
        }
        held[artist] += 1;
        out.push(t);
    }
    out
}

/// Checks the invariants every chart must satisfy.
fn check_invariants(chart: &Chart, rules: &RuleSet, artists: &[ArtistId]) {
    let e = &chart.entries;
    assert!(e.len() <= rules.chart_size);
    let mut seen = std::collections::BTreeSet::new();
    let mut held = std::collections::BTreeMap::<ArtistId, usize>::new();
    for (i, x) in e.iter().enumerate() {
        assert_eq!(x.rank as usize, i + 1);
        assert!(x.units > 0.0);
        assert!(x.weeks_on_chart >= 1);
        assert!(seen.insert(x.track), "track {} twice", x.track);
        assert_eq!(x.artist, artists[x.track.index()]);
        *held.entry(x.artist).or_default() += 1;
        if i > 0 {
            assert!(
                e[i - 1].units >= x.units,
                "units increase at rank {}",
                x.rank
            );
        }
    }
    if let Some(cap) = rules.max_tracks_per_artist {
        assert!(held.values().all(|&n| n <= cap));
    }
}

proptest! {
    #[test]
    fn charts_are_well_formed_and_match_the_reference(rules in rules(), (lead, weeks) in run()) {
        let artists: Vec<ArtistId> = lead.iter().map(|&a| ArtistId(a)).collect();
        let mut c = ChartCompiler::new(rules.clone(), artists.len());
        for week in &weeks {
            let premium: Vec<u32> = week.iter().map(|w| w.0).collect();
            let ad: Vec<u32> = week.iter().map(|w| w.1).collect();
            let chart = c.compile(&premium, &ad, &artists);
            check_invariants(&chart, &rules, &artists);
            let got: Vec<u32> = chart.entries.iter().map(|e| e.track.0).collect();
            prop_assert_eq!(got, reference(&c, week, &artists));
            for e in &chart.entries {
                prop_assert_eq!(e.on_acr, c.is_on_acr(e.track));
                prop_assert_eq!(e.weeks_on_chart, c.weeks_on_chart(e.track));
            }
        }
    }

    #[test]
    fn without_acr_units_are_the_stream_ratios(rules in rules(), (lead, weeks) in run()) {
        let mut rules = rules;
        rules.acr = None;
        let artists: Vec<ArtistId> = lead.iter().map(|&a| ArtistId(a)).collect();
        let mut c = ChartCompiler::new(rules.clone(), artists.len());
        for week in &weeks {
            let premium: Vec<u32> = week.iter().map(|w| w.0).collect();
            let ad: Vec<u32> = week.iter().map(|w| w.1).collect();
            let chart = c.compile(&premium, &ad, &artists);
            for e in &chart.entries {
                let (p, a) = week[e.track.index()];
                prop_assert!(!e.on_acr);
                prop_assert_eq!(e.counted_streams, u64::from(p + a));
                prop_assert_eq!(
                    e.units,
                    f64::from(p) / rules.premium_streams_per_unit
                        + f64::from(a) / rules.ad_streams_per_unit
                );
            }
        }
    }
}
