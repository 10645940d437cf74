//! The published directions of payout rules, reproduced on small seeded worlds with
//! paired 95% intervals over replicate worlds (the same plays settled under each rule).
//!
//! - France 2021 (CNM/Deloitte): moving from pro rata to user-centric cut the top 10
//!   artists' share, because heavy listeners there stream the mainstream; where heavy
//!   listeners play less popular artists (Denmark, Pedersen 2014) the move goes the
//!   other way. `listening.intensity_mainstream_correlation` (heavy listeners follow
//!   popularity or not) and a genre's `listening_intensity` (the head's genre is the
//!   heavy listeners' genre) set which world it is. With neither, the model's heavy
//!   listeners already play less popular artists than light ones (their larger
//!   libraries), as Pedersen found for Spotify as a whole.
//! - Genres whose listeners stream little gain under user-centric; genres of heavy
//!   listeners lose (CNM 2021: jazz, classical and metal gain, hip-hop loses).

mod common;

use chartsim::batch::replicate_key;
use chartsim::metrics::{MeanCi, mean_ci95};
use chartsim::run::RunOutput;
use chartsim::world::World;
use chartsim::{BatchOutput, Scenario, run_batch};

/// The tiny world for half a year under the popularity policy alone, settled under pro
/// rata (the reference) and user-centric, with lines added to `[listening]` and to the
/// `pop`, `rock` and `country` genres.
fn scenario(listening: &str, [pop, rock, country]: [&str; 3]) -> Scenario {
    let text = common::tiny_text();
    let text = &text[..text
        .find("[[policies]]\nname = \"content\"")
        .expect("tiny.toml lists the content policy after popularity")];
    let text = text
        .replacen("days = 56", "days = 182", 1)
        .replacen("replicates = 2", "replicates = 8", 1)
        .replacen("[listening]\n", &format!("[listening]\n{listening}\n"), 1)
        .replacen(
            "name = \"pop\"\norigin = \"global\"\n",
            &format!("name = \"pop\"\norigin = \"global\"\n{pop}\n"),
            1,
        )
        .replacen(
            "name = \"rock\"\norigin = \"global\"\n",
            &format!("name = \"rock\"\norigin = \"global\"\n{rock}\n"),
            1,
        )
        .replacen(
            "name = \"country\"\norigin = \"US\"\n",
            &format!("name = \"country\"\norigin = \"US\"\n{country}\n"),
            1,
        )
        + "\n[payouts]\nrules = [\"pro_rata\", \"user_centric\"]\n";
    Scenario::from_toml_str(&text, "payout_directions").expect("a valid scenario")
}

/// User-centric's paired difference against pro rata in the top 10 artists' share of
/// all regions' payouts.
fn top10_difference(batch: &BatchOutput) -> (f64, f64, f64) {
    let row = batch
        .payout_summary_of("popularity", "all", "user_centric", "payout_top10_share")
        .expect("a payout summary row");
    (row.diff_vs_reference, row.diff_ci_low, row.diff_ci_high)
}

#[test]
fn user_centric_cuts_the_head_where_heavy_listeners_are_mainstream_and_lifts_it_where_not() {
    // France: heavy listeners follow what is popular, and the genre at the head (pop,
    // twice the others' catalogue) is the heavy listeners' genre.
    let france = run_batch(
        &scenario(
            "intensity_mainstream_correlation = 0.9",
            ["listening_intensity = 4.0", "", ""],
        ),
        &|| {},
    );
    let (diff, low, high) = top10_difference(&france);
    assert!(
        high < 0.0,
        "heavy mainstream listeners: top 10 share under user-centric {diff:+.4} [{low:+.4}, {high:+.4}]"
    );
    // Denmark: heavy listeners play less popular artists.
    let denmark = run_batch(
        &scenario("intensity_mainstream_correlation = -0.8", ["", "", ""]),
        &|| {},
    );
    let (diff, low, high) = top10_difference(&denmark);
    assert!(
        low > 0.0,
        "heavy niche listeners: top 10 share under user-centric {diff:+.4} [{low:+.4}, {high:+.4}]"
    );
}

/// The share of a run's payouts (every region and month) under rule set `rules` that
/// goes to artists of genre `genre`.
fn genre_share(
    scenario: &Scenario,
    run: &RunOutput,
    world: &World,
    genre: &str,
    rules: u16,
) -> f64 {
    let g = scenario
        .genres
        .iter()
        .position(|x| x.name == genre)
        .expect("a genre of the scenario");
    let artist_genre = &world.catalogue.artists.genre;
    let (mut of_genre, mut total) = (0.0, 0.0);
    for line in run.payouts.iter().filter(|l| l.rules == rules) {
        total += line.payout;
        if artist_genre[line.artist as usize].index() == g {
            of_genre += line.payout;
        }
    }
    of_genre / total
}

#[test]
fn genres_of_light_listeners_gain_under_user_centric_and_genres_of_heavy_listeners_lose() {
    let scenario = scenario(
        "",
        ["", "listening_intensity = 3.0", "listening_intensity = 0.4"],
    );
    let batch = run_batch(&scenario, &|| {});
    let differences = |genre: &str| -> Vec<f64> {
        batch
            .runs
            .iter()
            .map(|run| {
                let world = World::generate(&scenario, replicate_key(&scenario, run.replicate));
                genre_share(&scenario, run, &world, genre, 1)
                    - genre_share(&scenario, run, &world, genre, 0)
            })
            .collect()
    };
    let MeanCi {
        mean,
        ci_low,
        ci_high,
        ..
    } = mean_ci95(&differences("rock"));
    assert!(
        ci_high < 0.0,
        "rock (heavy listeners): {mean:+.4} [{ci_low:+.4}, {ci_high:+.4}]"
    );
    let MeanCi {
        mean,
        ci_low,
        ci_high,
        ..
    } = mean_ci95(&differences("country"));
    assert!(
        ci_low > 0.0,
        "country (light listeners): {mean:+.4} [{ci_low:+.4}, {ci_high:+.4}]"
    );
}

#[test]
fn intensity_knobs_out_of_range_are_refused_with_their_key() {
    let text = common::tiny_text();
    for (from, to, key) in [
        (
            "[listening]\n",
            "[listening]\nintensity_mainstream_correlation = 1.0\n",
            "listening.intensity_mainstream_correlation",
        ),
        (
            "name = \"rock\"\norigin = \"global\"\n",
            "name = \"rock\"\norigin = \"global\"\nlistening_intensity = 0\n",
            "genres[4].listening_intensity",
        ),
    ] {
        assert!(text.contains(from));
        let bad = text.replacen(from, to, 1);
        let message = Scenario::from_toml_str(&bad, "bad.toml")
            .expect_err("refused")
            .to_string();
        assert!(message.contains(key), "{message}");
    }
    // The defaults leave the world as it was: the keys are not in a default manifest.
    let scenario = Scenario::from_toml_str(&text, "tiny.toml").unwrap();
    let json = serde_json::to_string(&scenario).unwrap();
    assert!(!json.contains("intensity"), "{json}");
}
