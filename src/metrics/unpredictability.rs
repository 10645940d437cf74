//! Across-world unpredictability: how much a track's success depends on the world it
//! happens in rather than on the track.
//!
//! MusicLab (Salganik, Dodds & Watts 2006) ran the same songs in several independent
//! worlds; a song's unpredictability is the mean absolute difference of its market share
//! between every pair of worlds, and the market's is the mean over songs:
//!
//! ```text
//! U_i = mean over pairs of worlds j < k of |m_ij − m_ik|,   U = mean over songs of U_i
//! ```
//!
//! where m_ij is song i's share of all streams in world j. Social influence raised U in
//! their experiment: the same songs ended up in different places. In chartsim the worlds
//! are the replicates of a batch; U compares the same songs only when the replicates share
//! their catalogue (`catalogue.shared_across_worlds = true`), otherwise track i is a
//! different song in each world and U mixes luck with the catalogue's differences.

/// U over worlds, given each world's streams by track (same tracks, same order, in every
/// world). `None` with fewer than two worlds, no tracks, or worlds listing different
/// numbers of tracks; a world with no streams has every share 0.
pub fn unpredictability(streams_by_world: &[Vec<u64>]) -> Option<f64> {
    let worlds = streams_by_world.len();
    let tracks = streams_by_world.first()?.len();
    if worlds < 2 || tracks == 0 || streams_by_world.iter().any(|w| w.len() != tracks) {
        return None;
    }
    let shares: Vec<Vec<f64>> = streams_by_world
        .iter()
        .map(|streams| {
            let total: u64 = streams.iter().sum();
            streams
                .iter()
                .map(|&s| {
                    if total == 0 {
                        0.0
                    } else {
                        s as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect();
    // The mean over tracks of the mean over pairs is the sum over pairs and tracks divided
    // by both counts.
    let pairs = (worlds * (worlds - 1) / 2) as f64;
    let mut sum = 0.0;
    for (j, a) in shares.iter().enumerate() {
        for b in &shares[j + 1..] {
            sum += a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>();
        }
    }
    Some(sum / pairs / tracks as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_hand() {
        // Two tracks, three worlds. Shares: world 0 (0.5, 0.5), world 1 (1, 0), world 2
        // (0.25, 0.75). Track 0: |0.5−1| + |0.5−0.25| + |1−0.25| = 0.5 + 0.25 + 0.75 = 1.5,
        // over 3 pairs = 0.5; track 1 the same by symmetry (shares sum to 1). U = 0.5.
        let u = unpredictability(&[vec![5, 5], vec![8, 0], vec![1, 3]]).unwrap();
        assert!((u - 0.5).abs() < 1e-12, "{u}");
    }

    #[test]
    fn identical_worlds_are_perfectly_predictable() {
        let world = vec![10, 3, 0, 7];
        assert_eq!(
            unpredictability(&[world.clone(), world.clone(), world]),
            Some(0.0)
        );
        // Proportional worlds too: shares, not counts, are compared.
        assert_eq!(unpredictability(&[vec![2, 4], vec![1, 2]]), Some(0.0));
    }

    #[test]
    fn one_world_or_no_track_has_no_value() {
        assert_eq!(unpredictability(&[vec![1, 2]]), None);
        assert_eq!(unpredictability(&[vec![], vec![]]), None);
    }
}
