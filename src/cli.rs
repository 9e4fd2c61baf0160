//! Command-line definitions (clap). Parsing only: `app` does the work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "peakpath",
    version,
    about = "Scenario simulator for county carbon-peak plans (碳达峰实施方案)",
    long_about = "Scenario simulator for county carbon-peak plans (碳达峰实施方案).\n\n\
        Runs the reference model (docs/model.md) on scenario files (TOML), with Monte Carlo over \
        uncertain assumptions, and evaluates the plan's indicators. Without a scenario file, \
        commands use the Huzhu County plan scenario embedded in the binary.\n\n\
        Exit codes: 0 success, 2 bad input or usage, 1 anything else, 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario: the central run, and Monte Carlo unless --central.
    ///
    /// The headline (peak, or "not peaked"; energy intensity physical and assessed, with
    /// the rule; per target year P(all binding modelled targets met), the indicator that
    /// fails most often, and apart the joint probability including assumed indicators;
    /// every probability with its Wilson 95 % interval) goes to standard output; progress
    /// and notes go to standard error.
    Run(RunArgs),
    /// Combine the partial results of shards (run or sensitivity --shard K/N) into one run's
    /// files, one shard at a time; with --partial into one partial result (a tree of merges).
    Merge(MergeArgs),
    /// Check scenario files; print one line per problem (FILE:LINE:COL: field: …) and
    /// plausibility warnings for valid values that look like slips.
    Validate {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Language of the problems and warnings printed.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Print the fully resolved scenario (after extends), every parameter with its distribution, as JSON.
    Resolve {
        /// Scenario file (default: the embedded plan scenario).
        file: Option<PathBuf>,
    },
    /// Run several scenarios with the same seed and compare them side by side.
    Compare(CompareArgs),
    /// Write DIR/report.html, a self-contained report of a run folder (charts inline, no external requests).
    Report {
        /// A folder written by `peakpath run`.
        dir: PathBuf,
        /// Language of every label, title and legend.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Also include the SVG charts of these folders (written by decompose, discover,
        /// sensitivity, compare or wedges), e.g. --with outputs/decompose.
        #[arg(long = "with", value_name = "DIR")]
        with: Vec<PathBuf>,
    },
    /// Decompose the difference in energy CO₂ between two scenarios or two years (additive LMDI).
    Decompose(peakpath::decompose::DecomposeArgs),
    /// Scenario discovery: the input ranges in which an outcome fails most often (PRIM).
    Discover(peakpath::discover::DiscoverArgs),
    /// Which uncertain inputs drive an outcome: tornado, Morris or Sobol' indices.
    Sensitivity(peakpath::sensitivity::run::SensitivityArgs),
    /// Which action buys the change from the parent scenario: exact Shapley values over the plan's actions.
    Wedges(peakpath::wedges::WedgesArgs),
    /// A lever explorer in the browser: every change runs a new Monte Carlo (see README, "serve").
    Serve(ServeArgs),
    /// Write a commented starting point for a new county into DIR: plan.toml (its indicator
    /// table), baseline.toml and scenario.toml (every field explained) and observed.toml (an
    /// observed-history template). They validate and run as written.
    Init {
        /// The folder (created if missing).
        dir: std::path::PathBuf,
        /// Replace files of the same names already there.
        #[arg(long)]
        force: bool,
        /// Language of the notes printed on the terminal.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Print the plan's indicator table (指标体系).
    Indicators {
        /// A scenario whose plan to list (its `plan = "…"`; default: the embedded Huzhu plan).
        scenario: Option<std::path::PathBuf>,
        /// Language of the names.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl From<Lang> for peakpath::report::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Zh => peakpath::report::Lang::Zh,
            Lang::En => peakpath::report::Lang::En,
        }
    }
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// Only the central run (every distribution at its median).
    #[arg(long)]
    pub central: bool,
    /// Number of Monte Carlo runs.
    #[arg(long, default_value_t = 10_000, allow_hyphen_values = true, value_parser = peakpath::terminal::positive::<1_000_000_000_000>)]
    pub runs: u64,
    /// Seed of the random streams: run i uses ChaCha8 keyed by the seed, stream i.
    #[arg(long, default_value_t = 20231001, allow_hyphen_values = true, value_parser = peakpath::terminal::seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, allow_hyphen_values = true, value_parser = peakpath::terminal::positive_u16::<1024>)]
    pub threads: Option<u16>,
    /// Output folder (default: outputs/<scenario id>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only shard K of N (e.g. 3/8) and write a partial result for `peakpath merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Overwrite the results of another run in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Continue an interrupted run from DIR/checkpoint.json.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub look: LookArgs,
    /// Also write DIR/report.html.
    #[arg(long)]
    pub report: bool,
    /// Run fixed batches of 10,000 runs until the Wilson 95 % half-width of every headline
    /// probability is at most this (e.g. 0.005); --runs is then not used (see --max-runs).
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    /// With --precision: the most runs drawn before stopping anyway.
    #[arg(long, default_value_t = 100_000_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000))]
    pub max_runs: u64,
    /// Write every run's uncertain inputs and outcomes to FILE.npz (NumPy), as the run goes.
    #[arg(long, value_name = "FILE.npz")]
    pub save_draws: Option<PathBuf>,
    /// Also write DIR/results.xlsx: every table as an Excel sheet, with a chart of the CO₂ fan.
    #[arg(long)]
    pub xlsx: bool,
}

/// How charts look.
#[derive(Args, Debug, Clone, Copy)]
pub struct LookArgs {
    /// Language of every chart label, title and legend.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Also write PNG charts beside the SVG ones.
    #[arg(long)]
    pub png: bool,
    /// Write no charts at all.
    #[arg(long)]
    pub no_charts: bool,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario files to compare (two or more).
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Monte Carlo runs per scenario.
    #[arg(long, default_value_t = 10_000, allow_hyphen_values = true, value_parser = peakpath::terminal::positive::<1_000_000_000_000>)]
    pub runs: u64,
    /// Seed, the same for every scenario.
    #[arg(long, default_value_t = 20231001, allow_hyphen_values = true, value_parser = peakpath::terminal::seed)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long, allow_hyphen_values = true, value_parser = peakpath::terminal::positive_u16::<1024>)]
    pub threads: Option<u16>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the results of another comparison in the output folder.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub look: LookArgs,
    /// Also write DIR/results.xlsx (comparison, peak years, each scenario's summary, CO₂ fans)
    /// and DIR/<id>/results.xlsx.
    #[arg(long)]
    pub xlsx: bool,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Folders written by `peakpath run --shard K/N` (or `peakpath sensitivity --shard K/N`),
    /// or by `peakpath merge --partial`. They are read one at a time.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder for the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the results of another run in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Merge a group of consecutive shards into one partial result (shard.json or
    /// sensitivity_shard.json) that merges again like a shard: a tree of merges.
    #[arg(long)]
    pub partial: bool,
    /// Language of the messages printed.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Scenario file (default: the plan scenario embedded in the binary).
    pub scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port; the address is printed on stderr).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. Without it, 127.0.0.1 (this machine only); any other address
    /// makes the server reachable from elsewhere, with a warning.
    #[arg(long)]
    pub host: Option<String>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// The only folder "Save as scenario" writes into.
    #[arg(long, default_value = "scenarios")]
    pub save_dir: PathBuf,
    /// Monte Carlo runs per change.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub runs: u64,
    /// The most runs one request may ask for.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_runs: u64,
    /// Seed of the random streams, the same for every change.
    #[arg(long, default_value_t = 20231001)]
    pub seed: u64,
    /// Worker threads of the model runs (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
}
