//! Model-validation tests: does the simulator move in the directions the literature and
//! its own mechanisms predict?
//!
//! Each test runs small seeded batches (4,000 listeners, 20 weeks, a 1,500-track back
//! catalogue) and asserts a *direction* using the 95% confidence interval of a paired
//! difference over replicate worlds — never a value copied from output. Two batches of the
//! same scenario seed share their worlds (world generation does not read the utility or
//! slate parameters), and within a world every listener-day draws from the same generator,
//! so differences between two batches are paired by replicate (common random numbers).
//!
//! Run with `cargo test --release --test model -- --nocapture` to see the measured effects.

mod common;

use common::{REPLICATES, per_replicate, popularity, small};

use chartsim::batch::{BatchOutput, run_batch};
use chartsim::metrics::{MeanCi, mean_ci95, paired_differences};
use chartsim::policy::{PolicySpec, Scorer};
use chartsim::scenario::Scenario;

fn random() -> PolicySpec {
    PolicySpec::new("random", Scorer::Random)
}

fn content() -> PolicySpec {
    PolicySpec::new("content", Scorer::Content)
}

fn run(s: &Scenario) -> BatchOutput {
    run_batch(s, &|| {})
}

fn regions(s: &Scenario) -> Vec<String> {
    s.regions
        .iter()
        .map(|r| r.name.clone())
        .chain(["all".to_owned()])
        .collect()
}

/// Paired difference `treated − control` of a metric over replicate worlds, for two
/// batches of single-policy scenarios that share their seed (hence their worlds).
fn paired(
    control: (&Scenario, &BatchOutput),
    treated: (&Scenario, &BatchOutput),
    region: &str,
    metric: &str,
) -> (MeanCi, MeanCi, MeanCi) {
    assert_eq!(
        control.1.replicate_seeds, treated.1.replicate_seeds,
        "paired batches must share their replicate worlds"
    );
    let a = per_replicate(control.0, control.1, 0, region, metric);
    let b = per_replicate(treated.0, treated.1, 0, region, metric);
    (mean_ci95(&a), mean_ci95(&b), paired_differences(&b, &a))
}

fn show(label: &str, region: &str, metric: &str, a: &MeanCi, b: &MeanCi, d: &MeanCi) {
    println!(
        "{label:<28} {region:<3} {metric:<22} control {:.4} [{:.4}, {:.4}]  treated {:.4} [{:.4}, {:.4}]  diff {:+.4} [{:+.4}, {:+.4}] (n={})",
        a.mean, a.ci_low, a.ci_high, b.mean, b.ci_low, b.ci_high, d.mean, d.ci_low, d.ci_high, d.n
    );
}

/// Check 1 (MusicLab; Fleder & Hosanagar; Chaney et al.): recommending what is already
/// popular concentrates consumption and narrows the part of the catalogue that gets heard.
#[test]
fn popularity_recommender_concentrates_more_than_random() {
    let s = small(101, vec![random(), popularity()]);
    let b = run(&s);
    for (metric, up) in [
        ("hhi_tracks", true),
        ("top10_share", true),
        ("gini_tracks", true),
        ("catalogue_coverage", false),
    ] {
        let base = b.summary_of("random", "all", metric).unwrap();
        let row = b.summary_of("popularity", "all", metric).unwrap();
        println!(
            "popularity vs random         all {metric:<22} random {:.4} [{:.4}, {:.4}]  popularity {:.4} [{:.4}, {:.4}]  diff {:+.4} [{:+.4}, {:+.4}] (n={})",
            base.mean,
            base.ci_low,
            base.ci_high,
            row.mean,
            row.ci_low,
            row.ci_high,
            row.diff_vs_baseline,
            row.diff_ci_low,
            row.diff_ci_high,
            row.n
        );
        assert_eq!(row.n, REPLICATES as usize);
        if up {
            assert!(
                row.diff_ci_low > 0.0,
                "{metric}: expected popularity > random"
            );
        } else {
            assert!(
                row.diff_ci_high < 0.0,
                "{metric}: expected popularity < random"
            );
        }
    }
}

/// Check 2 (MusicLab): social influence raises inequality. Random slates only, so the
/// recommender itself adds no popularity feedback; only the social-proof term differs.
#[test]
fn social_proof_raises_inequality() {
    let mut off = small(202, vec![random()]);
    off.utility.social = 0.0;
    let mut on = off.clone();
    on.utility.social = 0.8;
    let (b_off, b_on) = (run(&off), run(&on));
    for metric in ["gini_tracks", "top10_share"] {
        let (a, b, d) = paired((&off, &b_off), (&on, &b_on), "all", metric);
        show("social 0.0 -> 0.8", "all", metric, &a, &b, &d);
        assert!(
            d.ci_low > 0.0,
            "{metric}: expected social proof to raise it"
        );
    }
}

/// Check 3 (home bias): a larger bonus for local artists raises the local share of
/// streams in every region.
#[test]
fn home_bias_raises_local_share_everywhere() {
    let control = small(303, vec![popularity()]);
    let mut treated = control.clone();
    treated.utility.local = 1.0; // default 0.25
    let (b_c, b_t) = (run(&control), run(&treated));
    for region in ["UK", "US", "KR"] {
        let (a, b, d) = paired(
            (&control, &b_c),
            (&treated, &b_t),
            region,
            "local_share_streams",
        );
        show(
            "utility.local 0.25 -> 1.0",
            region,
            "local_share_streams",
            &a,
            &b,
            &d,
        );
        assert!(
            d.ci_low > 0.0,
            "{region}: expected home bias to raise local share"
        );
    }
}

/// Check 4: more listeners whose home genre is local → more local streams in that region.
/// Raising one region's share changes that region's listeners (worlds are regenerated
/// from the same seeds, so replicates stay paired).
#[test]
fn local_taste_share_raises_local_share() {
    let control = small(404, vec![popularity()]);
    let b_c = run(&control);
    for (r, region) in ["UK", "US", "KR"].into_iter().enumerate() {
        let mut treated = control.clone();
        assert_eq!(treated.regions[r].name, region);
        let before = treated.regions[r].local_taste_share;
        treated.regions[r].local_taste_share = (before + 0.25).min(1.0);
        let b_t = run(&treated);
        let (a, b, d) = paired(
            (&control, &b_c),
            (&treated, &b_t),
            region,
            "local_share_streams",
        );
        let label = format!(
            "local_taste {before:.2} -> {:.2}",
            treated.regions[r].local_taste_share
        );
        show(&label, region, "local_share_streams", &a, &b, &d);
        assert!(
            d.ci_low > 0.0,
            "{region}: expected local taste to raise local share"
        );
    }
}

/// Check 5: the recommender matters, but does not take over: with no slate, no stream
/// comes from it; with the default 10-track slate, a substantial but partial share does.
#[test]
fn recommendation_share_follows_the_slate() {
    let policies = vec![popularity(), content(), random()];
    let with = small(505, policies.clone());
    // Without a slate the check is exact (no stream can come from it), so a short run
    // on fewer worlds is enough.
    let mut without = with.clone();
    without.listening.slate_size = 0;
    without.replicates = 2;
    without.days = 56;
    without.burn_in_weeks = 0; // check every week
    let (b_with, b_without) = (run(&with), run(&without));
    for (p, policy) in policies.iter().enumerate() {
        for region in regions(&with) {
            let none = per_replicate(&without, &b_without, p, &region, "recommendation_share");
            assert!(
                none.iter().all(|&x| x == 0.0),
                "{} {region}: slate_size 0 but recommendation_share {none:?}",
                policy.name
            );
            let row = b_with
                .summary_of(&policy.name, &region, "recommendation_share")
                .unwrap();
            println!(
                "slate 10 {:<19} {region:<3} recommendation_share   {:.4} [{:.4}, {:.4}]   (slate 0: 0 in all {} replicates)",
                policy.name,
                row.mean,
                row.ci_low,
                row.ci_high,
                none.len()
            );
            assert!(
                row.ci_low > 0.05 && row.ci_high < 0.8,
                "{} {region}: recommendation_share outside (0.05, 0.8)",
                policy.name
            );
        }
    }
}

/// Check 6 (satiation): when nobody tires of a track, replays pile up on favourites, so
/// listening concentrates (higher top-10 share and HHI, fewer effective tracks, higher
/// Gini).
///
/// Asserted under random slates, where the recommender adds no popularity feedback of its
/// own and the effect is clean on every concentration metric. Under the popularity
/// recommender the picture differs: see the next test.
#[test]
fn no_satiation_concentrates_listening() {
    let control = small(606, vec![random()]);
    let mut treated = control.clone();
    treated.utility.satiation = 0.0; // default 0.12
    let (b_c, b_t) = (run(&control), run(&treated));
    for (metric, up) in [
        ("top10_share", true),
        ("hhi_tracks", true),
        ("gini_tracks", true),
        ("effective_tracks", false),
    ] {
        let (a, b, d) = paired((&control, &b_c), (&treated, &b_t), "all", metric);
        show("satiation 0.12 -> 0 (random)", "all", metric, &a, &b, &d);
        if up {
            assert!(
                d.ci_low > 0.0,
                "{metric}: expected no satiation to raise it"
            );
        } else {
            assert!(
                d.ci_high < 0.0,
                "{metric}: expected no satiation to lower it"
            );
        }
    }
}

/// Check 6b: the same comparison under the popularity recommender shows the mechanism
/// by which satiation and the recommender interact. Without satiation, listeners replay
/// their own libraries instead of taking the shared popularity slate, so the share of
/// streams from recommendations falls and the long tail of library favourites spreads:
/// catalogue coverage rises (the head may still concentrate, but not on every seed).
#[test]
fn no_satiation_weakens_the_popularity_feedback_loop() {
    let control = small(606, vec![popularity()]);
    let mut treated = control.clone();
    treated.utility.satiation = 0.0;
    let (b_c, b_t) = (run(&control), run(&treated));
    let label = "satiation 0.12 -> 0 (pop.)";
    let (a, b, d) = paired(
        (&control, &b_c),
        (&treated, &b_t),
        "all",
        "recommendation_share",
    );
    show(label, "all", "recommendation_share", &a, &b, &d);
    assert!(d.ci_high < 0.0, "replays should displace recommendations");
    let (a, b, d) = paired(
        (&control, &b_c),
        (&treated, &b_t),
        "all",
        "catalogue_coverage",
    );
    show(label, "all", "catalogue_coverage", &a, &b, &d);
    assert!(
        d.ci_low > 0.0,
        "library favourites should spread listening over more tracks"
    );
}

/// Check 7: a more attractive outside option is chosen more often, in every region.
#[test]
fn outside_utility_raises_outside_rate() {
    let control = small(707, vec![popularity()]);
    let mut treated = control.clone();
    treated.utility.outside = 0.5; // default −0.5
    let (b_c, b_t) = (run(&control), run(&treated));
    for region in regions(&control) {
        let (a, b, d) = paired(
            (&control, &b_c),
            (&treated, &b_t),
            &region,
            "outside_option_rate",
        );
        show(
            "utility.outside -0.5 -> 0.5",
            &region,
            "outside_option_rate",
            &a,
            &b,
            &d,
        );
        assert!(d.ci_low > 0.0, "{region}: expected more outside choices");
    }
}

/// Check 8 (activity calibration): listeners make `streams_per_day` choice occasions per
/// day on average, and streams are the occasions not spent on the outside option.
///
/// Realised streams per listener-day are compared with `streams_per_day × (1 − r)`, r the
/// occasion-weighted outside rate over the whole run (each week's occasions are its streams
/// over 1 − its rate). Tolerance 10% per replicate: each listener's mean activity is a
/// log-normal draw with σ = 1, whose coefficient of variation is √(e − 1) ≈ 1.31, so the
/// mean over 4,000 listeners has a relative standard error of 1.31/√4000 ≈ 2.1%; the
/// active-day coin flips and stochastic rounding over 560,000 listener-days add well under
/// 1%. 10% is therefore about 4.5 standard errors: a miss means a calibration bug (e.g.
/// active days not rescaled, occasions dropped), not bad luck.
#[test]
fn streams_per_listener_day_match_streams_per_day() {
    let s = small(808, vec![popularity(), random()]);
    let b = run(&s);
    let listener_days = f64::from(s.listeners) * f64::from(s.weeks() * 7);
    for run in &b.runs {
        let (mut streams, mut occasions) = (0.0, 0.0);
        for w in run.weeks.iter().filter(|w| w.region == "all") {
            streams += w.streams as f64;
            occasions += w.streams as f64 / (1.0 - w.outside_option_rate);
        }
        let rate = 1.0 - streams / occasions;
        let realised = streams / listener_days;
        let expected = s.listening.streams_per_day * (1.0 - rate);
        let rel = realised / expected - 1.0;
        println!(
            "calibration {:<10} replicate {}: streams/listener/day {realised:.3}, expected {:.1} × (1 − {rate:.4}) = {expected:.3} ({:+.2}%)",
            s.policies[run.policy_index].name,
            run.replicate,
            s.listening.streams_per_day,
            100.0 * rel
        );
        assert!(
            rel.abs() < 0.10,
            "realised {realised} vs expected {expected}"
        );
    }
}

/// `scorer = "none"` is exactly no recommendation: on the same worlds it gives the same
/// plays, charts and metrics as any policy with a slate of zero tracks, and beside a
/// recommender it makes "recommendation against none" a paired difference.
#[test]
fn the_none_scorer_is_exactly_a_slate_of_zero() {
    let none = PolicySpec::new("p", Scorer::None);
    let mut a = small(71, vec![none]);
    a.replicates = 2;
    let mut b = small(71, vec![PolicySpec::new("p", popularity().scorer)]);
    b.replicates = 2;
    b.listening.slate_size = 0;
    let (ra, rb) = (run(&a), run(&b));
    for (x, y) in ra.runs.iter().zip(&rb.runs) {
        assert_eq!(x.weeks, y.weeks);
        assert_eq!(x.charts, y.charts);
    }
    // Debug text, so that the empty intervals (NaN) of unpredictability compare equal.
    assert_eq!(format!("{:?}", ra.summary), format!("{:?}", rb.summary));
    let shown = ra.summary_of("p", "all", "recommendation_share").unwrap();
    assert_eq!((shown.mean, shown.ci_low, shown.ci_high), (0.0, 0.0, 0.0));

    // Paired against a recommender on the same worlds: popularity raises concentration.
    let both = run(&small(
        72,
        vec![PolicySpec::new("none", Scorer::None), popularity()],
    ));
    let d = both.summary_of("popularity", "all", "gini_tracks").unwrap();
    assert!(d.diff_ci_low > 0.0, "popularity vs none: {d:?}");
}

/// MusicLab (Salganik, Dodds & Watts 2006): with the same songs in several worlds, social
/// influence makes success less predictable. Here: a shared catalogue in 8 worlds, the
/// independent condition (random slates, no social proof, no chart browsing) against
/// social influence (popularity slates, social proof and the chart, as by default).
/// Unpredictability U (the mean absolute difference of a track's share between pairs of
/// worlds) is higher under social influence in every region (by 1.3 to 2.6 times over
/// four seed sets).
#[test]
fn musiclab_social_influence_raises_unpredictability() {
    let world = |policy: PolicySpec, social: bool| {
        let mut s = small(81, vec![policy]);
        s.replicates = 8;
        s.catalogue.shared_across_worlds = true;
        if !social {
            s.utility.social = 0.0;
            s.listening.chart_browse_probability = 0.0;
        }
        run(&s)
    };
    let independent = world(random(), false);
    let social = world(popularity(), true);
    for region in ["UK", "US", "KR", "all"] {
        let u =
            |b: &BatchOutput, p: &str| b.summary_of(p, region, "unpredictability").unwrap().mean;
        let (ind, soc) = (u(&independent, "random"), u(&social, "popularity"));
        println!("{region}: U independent {ind:.3e}, social {soc:.3e}");
        assert!(soc > ind, "{region}: social {soc:e} vs independent {ind:e}");
    }
}

/// Prior popularity: when discovery favours appealing tracks (β > 0), more of a large
/// catalogue goes unheard (the long tail of FACTS: 88% of tracks under 1,000 streams a
/// year) and the streamed tracks are the more appealing ones. Checked per replicate world
/// on a catalogue four times the listeners' reach.
#[test]
fn prior_popularity_leaves_more_of_the_catalogue_unheard() {
    let mut uniform = small(909, vec![random()]);
    uniform.listeners = 2_000;
    uniform.catalogue.back_catalogue_tracks = 20_000;
    uniform.days = 56;
    uniform.burn_in_weeks = 2;
    let mut prior = uniform.clone();
    prior.catalogue.prior_popularity = 3.0;
    let (a, b) = (run(&uniform), run(&prior));
    let unheard = |batch: &BatchOutput| -> Vec<f64> {
        batch
            .runs
            .iter()
            .map(|r| {
                let all = &r.tracks.all;
                all.iter().filter(|t| t.streams == 0).count() as f64 / all.len() as f64
            })
            .collect()
    };
    let heard_appeal = |batch: &BatchOutput| -> f64 {
        let (sum, n) =
            batch
                .runs
                .iter()
                .flat_map(|r| &r.tracks.all)
                .fold((0.0, 0.0), |(s, n), t| {
                    let w = t.streams as f64;
                    (s + w * f64::from(t.appeal), n + w)
                });
        sum / n
    };
    let (ua, ub) = (unheard(&a), unheard(&b));
    eprintln!("unheard share: uniform {ua:?}, prior {ub:?}");
    for (x, y) in ua.iter().zip(&ub) {
        assert!(
            y > x,
            "each world leaves more tracks unheard with a prior: {x} → {y}"
        );
    }
    let (pa, pb) = (heard_appeal(&a), heard_appeal(&b));
    eprintln!("stream-weighted appeal: uniform {pa:.3}, prior {pb:.3}");
    assert!(pb > pa, "streams go to more appealing tracks: {pa} → {pb}");
}

/// Check: a listener's repertoire. Real listeners keep hundreds of tracks in libraries and
/// playlists and rotate through them; a larger library (each day's rotation drawn from it,
/// `library_picks`) spreads each listener's replays over more tracks and artists, so
/// listening concentrates less on the head: artist HHI and the top-10 share fall and the
/// effective number of tracks rises.
#[test]
fn larger_libraries_spread_listening_over_more_artists() {
    let control = small(1_212, vec![popularity()]);
    let mut treated = control.clone();
    treated.listening.library_size = 48; // default 10, all considered every day
    treated.listening.library_picks = 16; // a day's rotation: 16 of the 48
    let (b_c, b_t) = (run(&control), run(&treated));
    for (metric, up) in [
        ("hhi_artists", false),
        ("top10_share", false),
        ("effective_tracks", true),
    ] {
        let (a, b, d) = paired((&control, &b_c), (&treated, &b_t), "all", metric);
        show("library 10 -> 48 (popularity)", "all", metric, &a, &b, &d);
        if up {
            assert!(
                d.ci_low > 0.0,
                "{metric}: expected a larger library to raise it"
            );
        } else {
            assert!(
                d.ci_high < 0.0,
                "{metric}: expected a larger library to lower it"
            );
        }
    }
}
