//! chartsim
pub mod batch;
pub mod chart;
pub mod error;
pub mod ids;
pub mod metrics;
pub mod output;
pub mod policy;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod step;
pub mod world;
