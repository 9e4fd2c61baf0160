//! The reference model of MODEL.md, as a pure function of a parameter vector.
//!
//! [`simulate`] takes the model's structure ([`ModelSpec`], built once from a validated
//! scenario) and one value per parameter (medians for the central run, a draw for a Monte
//! Carlo run, a design point for sensitivity analysis) and fills a [`Trajectory`]. It does no
//! I/O, draws no random numbers and allocates nothing once the trajectory exists.

mod assess;
mod paths;
mod vars;

use assess::assess;
pub use assess::{PLAN_PERIOD, assessed_declines, assessed_intensity};
pub use paths::{MixSpec, PathSpec, Periods, bounded_ratio, trend_mix, trend_value};
pub use vars::{VARS, Var, VarInfo, unit_in};

use serde::Serialize;

/// Index of a parameter in the scenario's parameter list.
pub type P = usize;

/// Sectors of final demand (MODEL.md §4).
pub const SECTORS: [&str; 4] = ["industry", "buildings", "transport", "agriculture"];
/// Final fuels (MODEL.md §4).
pub const FUELS: [&str; 5] = ["coal", "oil", "gas", "electricity", "biomass"];
pub const COAL: usize = 0;
pub const OIL: usize = 1;
pub const GAS: usize = 2;
pub const ELEC: usize = 3;
pub const BIOMASS: usize = 4;
pub const INDUSTRY: usize = 0;
/// Local generation technologies (MODEL.md §5).
pub const TECHS: [&str; 3] = ["pv", "hydro", "wind"];

/// Electricity at its calorific value, tce/MWh (当量值; GB/T 2589). 1 GWh = 0.01229 万tce.
pub const K_CAL: f64 = 0.1229;
/// Raw coal to standard coal, tce per tonne (GB/T 2589).
pub const COAL_TCE_PER_T: f64 = 0.7143;

/// How electricity counts in total energy consumption (MODEL.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accounting {
    /// 发电煤耗法 (等价值): `k_eq[y]` tce/MWh, the reference option.
    CoalEquivalent,
    /// 当量值: `k_cal` = 0.1229 tce/MWh.
    Calorific,
}

/// Basis of the grid emission factor (REFERENCE.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GridBasis {
    Provincial,
    Regional,
    National,
}

impl GridBasis {
    pub const ALL: [(&'static str, GridBasis); 3] = [
        ("provincial", GridBasis::Provincial),
        ("regional", GridBasis::Regional),
        ("national", GridBasis::National),
    ];
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("", |(n, _)| n)
    }
}

/// How an energy-intensity target counts energy (MODEL.md §6a; REFERENCE.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// `TEC` itself (pre-2021 practice; v1).
    Total,
    /// New renewable electricity consumed above the period's first year is not counted
    /// (14th five-year plan, 国发〔2021〕33号, 发改运行〔2022〕1258号).
    NewRenewablesExcluded,
    /// Only fossil energy counts (国发〔2024〕12号 onward).
    FossilOnly,
}

impl Assessment {
    pub const ALL: [(&'static str, Assessment); 3] = [
        ("total", Assessment::Total),
        ("new_renewables_excluded", Assessment::NewRenewablesExcluded),
        ("fossil_only", Assessment::FossilOnly),
    ];
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("", |(n, _)| n)
    }
    /// The rule's short name in Chinese (the field value stays the English id).
    pub fn name_zh(self) -> &'static str {
        match self {
            Assessment::Total => "全口径",
            Assessment::NewRenewablesExcluded => "扣除新增可再生能源",
            Assessment::FossilOnly => "仅计化石能源",
        }
    }
    /// What the rule leaves out, in words.
    pub fn describe(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Assessment::Total, false) => "all energy counted",
            (Assessment::Total, true) => "全部能源计入",
            (Assessment::NewRenewablesExcluded, false) => {
                "new renewable electricity and feedstock not counted"
            }
            (Assessment::NewRenewablesExcluded, true) => "新增可再生能源电力和原料用能不纳入",
            (Assessment::FossilOnly, false) => "fossil energy only, feedstock not counted",
            (Assessment::FossilOnly, true) => "仅计化石能源, 原料用能不纳入",
        }
    }
}

/// The series the peak is judged on (MODEL.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeakOn {
    /// Energy CO₂ (v1).
    Energy,
    /// Energy CO₂ plus process CO₂ (v3).
    EnergyAndProcess,
    /// Net emissions: energy CO₂ plus process CO₂ less sinks.
    Net,
}

impl PeakOn {
    pub const ALL: [(&'static str, PeakOn); 3] = [
        ("energy", PeakOn::Energy),
        ("energy_and_process", PeakOn::EnergyAndProcess),
        ("net", PeakOn::Net),
    ];
    pub fn name(self) -> &'static str {
        match self {
            PeakOn::Energy => "energy",
            PeakOn::EnergyAndProcess => "energy_and_process",
            PeakOn::Net => "net",
        }
    }
}

/// What a path does after its last milestone (MODEL.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AfterLast {
    /// Flat at the last milestone's value (v2): every measure frozen.
    Hold,
    /// The last segment's yearly change continued, held at the path's bound.
    Trend,
}

impl AfterLast {
    pub const ALL: [(&'static str, AfterLast); 2] =
        [("hold", AfterLast::Hold), ("trend", AfterLast::Trend)];
    pub fn name(self) -> &'static str {
        match self {
            AfterLast::Hold => "hold",
            AfterLast::Trend => "trend",
        }
    }
    /// The rule in words, for every peak and rebound figure.
    pub fn describe(self, zh: bool) -> &'static str {
        match (self, zh) {
            (AfterLast::Hold, false) => "measures held at their last milestone after it",
            (AfterLast::Hold, true) => "末个节点后各项措施保持不变",
            (AfterLast::Trend, false) => "measures continued at their last pace after it",
            (AfterLast::Trend, true) => "末个节点后各项措施按最后一段的速度延续",
        }
    }
}

/// What drives industry's useful energy (MODEL.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndustryDriver {
    /// GDP growth (v2).
    Gdp,
    /// Growth of the existing industry's value added, `GDP0 · ind_share`.
    ValueAdded,
}

impl IndustryDriver {
    pub const ALL: [(&'static str, IndustryDriver); 2] = [
        ("gdp", IndustryDriver::Gdp),
        ("value_added", IndustryDriver::ValueAdded),
    ];
    pub fn name(self) -> &'static str {
        match self {
            IndustryDriver::Gdp => "gdp",
            IndustryDriver::ValueAdded => "value_added",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Options {
    pub accounting: Accounting,
    pub grid_basis: GridBasis,
    /// Credit exported electricity with avoided grid emissions (negative indirect CO₂).
    pub credit_exports: bool,
    /// The year by which emissions must have peaked (MODEL.md §7).
    pub peak_by: i32,
    /// The assessment rule of each target year (MODEL.md §6a), sorted by year; 2025 and
    /// 2030 are always present (the assessed series of trajectories.csv use them). See
    /// [`Options::rule`].
    pub assessment: Vec<(i32, Assessment)>,
    /// Plateau tolerance τ, a fraction of the maximum (MODEL.md §7); 0 is v1.
    pub peak_tolerance: f64,
    /// The series the peak is judged on.
    pub peak_on: PeakOn,
    /// Paths after their last milestone (MODEL.md §1); `Hold` is v2.
    pub after_last: AfterLast,
    /// Industry's driver (MODEL.md §4); `Gdp` is v2.
    pub industry_driver: IndustryDriver,
}

impl Options {
    /// The options of v1: coal-equivalent accounting, provincial grid factor, no export
    /// credit, peak by 2030, every v2 setting neutral.
    pub fn v1() -> Options {
        Options {
            accounting: Accounting::CoalEquivalent,
            grid_basis: GridBasis::Provincial,
            credit_exports: false,
            peak_by: 2030,
            assessment: vec![(2025, Assessment::Total), (2030, Assessment::Total)],
            peak_tolerance: 0.0,
            peak_on: PeakOn::Energy,
            after_last: AfterLast::Hold,
            industry_driver: IndustryDriver::Gdp,
        }
    }
}

impl Options {
    /// The assessment rule of target year `year`: its own, else the rule of the latest
    /// earlier year that has one, else the earliest year's (MODEL.md §6a).
    pub fn rule(&self, year: i32) -> Assessment {
        let mut rule = self.assessment.first().map_or(Assessment::Total, |r| r.1);
        for &(y, r) in &self.assessment {
            if y <= year {
                rule = r;
            }
        }
        rule
    }
}

/// The years a run's industry-share path is kept on the stack for: every horizon a scenario
/// may set (`y1 ≤ y0 + 60`, checked where scenarios are read); longer ones use the heap.
const MAX_YEARS: usize = 61;

/// Milestones of a mix whose achieved shares are computed once per run (more fall back to
/// recomputing them each year).
const MIX_CACHE: usize = 12;

#[derive(Debug, Clone)]
pub struct SectorSpec {
    /// Final energy of the sector in `y0`, 万tce.
    pub energy0: P,
    /// Elasticity of the sector's activity to GDP.
    pub elasticity: P,
    /// Yearly efficiency gain by period (fraction per year).
    pub efficiency: Periods,
    pub mix: MixSpec,
    /// End-use efficiency of each fuel (useful per final energy, MODEL.md §4); `None` is 1.
    pub eta: [Option<P>; 5],
}

#[derive(Debug, Clone)]
pub struct TechSpec {
    /// Installed capacity, MW.
    pub capacity: PathSpec,
    /// Full-load hours, h/yr.
    pub hours: P,
}

/// Everything the equations need, with each number a parameter index.
#[derive(Debug, Clone)]
pub struct ModelSpec {
    pub y0: i32,
    pub y1: i32,
    pub options: Options,
    pub gdp0: P,
    pub growth: Periods,
    pub industry_share: PathSpec,
    pub sectors: [SectorSpec; 4],
    pub loss: P,
    pub k_eq: PathSpec,
    pub techs: [TechSpec; 3],
    /// The grid emission factor of the chosen basis, tCO₂/MWh.
    pub ef_grid: PathSpec,
    pub nf_grid: PathSpec,
    /// CO₂ factors of coal, oil and gas, tCO₂/tce.
    pub ef_fuel: [P; 3],
    pub land_ha: P,
    pub forest_cover: PathSpec,
    pub forest_rate: P,
    pub grass_ha: P,
    pub grass_cover: PathSpec,
    pub grass_rate: P,
    pub wetland_ha: P,
    pub wetland_rate: P,
    /// Industry's feedstock use (原料用能), 万tce, a path; `None` is 0 (MODEL.md §6a).
    pub feedstock: Option<PathSpec>,
    /// A cap on coal with substitution (MODEL.md §4a); `None` is v2.
    pub cap: Option<CapSpec>,
    /// Large projects that may or may not come (MODEL.md §4b); empty is v2.
    pub projects: Vec<ProjectSpec>,
    /// Industry's existing process CO₂, 万t, a path; `None` is 0 (MODEL.md §7).
    pub process_co2: Option<PathSpec>,
}

/// `[caps.coal]` (MODEL.md §4a).
#[derive(Debug, Clone)]
pub struct CapSpec {
    /// The cap, 万t of raw coal, a path whose first milestone is after `y0`: years before it
    /// are not capped.
    pub limit: PathSpec,
    /// Compliance `c`: the effective cap is `limit · c`.
    pub compliance: P,
    /// Shares of the displaced useful energy each fuel supplies (0 for coal), summing to 1.
    pub substitutes: [f64; 5],
}

impl CapSpec {
    /// The first capped year.
    pub fn from(&self) -> i32 {
        self.limit.points[0].0
    }
}

/// One of `[[projects]]` (MODEL.md §4b).
#[derive(Debug, Clone)]
pub struct ProjectSpec {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Probability that it is built: built ⇔ `go < probability`.
    pub probability: f64,
    /// `projects.<id>.go ~ uniform(0, 1)`.
    pub go: P,
    /// First year of output (floored).
    pub start: P,
    pub ramp_years: u32,
    /// Final energy at full output by fuel, 万tce/yr at calorific value; `None` is 0.
    pub energy: [Option<P>; 5],
    /// Value added at full output, 亿元/yr (2020 prices); `None` is 0.
    pub value_added: Option<P>,
    /// Process CO₂ at full output, 万t/yr; `None` is 0.
    pub process_co2: Option<P>,
}

impl ProjectSpec {
    /// Output share `o[y]` in run `v` (MODEL.md §4b).
    #[inline]
    pub fn output(&self, v: &[f64], year: i32) -> f64 {
        if v[self.go] >= self.probability {
            return 0.0;
        }
        let start = v[self.start].floor();
        let y = f64::from(year);
        if y < start {
            return 0.0;
        }
        ((y - start + 1.0) / f64::from(self.ramp_years + 1)).min(1.0)
    }
    /// Whether the project is built in run `v`.
    pub fn built(&self, v: &[f64]) -> bool {
        v[self.go] < self.probability
    }
}

impl ModelSpec {
    pub fn n_years(&self) -> usize {
        (self.y1 - self.y0 + 1) as usize
    }
    pub fn years(&self) -> impl Iterator<Item = i32> + use<> {
        self.y0..=self.y1
    }
}

/// Every variable of one run, `data[var · n_years + t]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub y0: i32,
    pub n_years: usize,
    pub data: Vec<f64>,
}

impl Trajectory {
    pub fn new(spec: &ModelSpec) -> Self {
        let n = spec.n_years();
        Trajectory {
            y0: spec.y0,
            n_years: n,
            data: vec![0.0; n * VARS.len()],
        }
    }
    #[inline]
    pub fn row(&self, v: Var) -> &[f64] {
        let i = v as usize * self.n_years;
        &self.data[i..i + self.n_years]
    }
    #[inline]
    pub fn at(&self, v: Var, year: i32) -> Option<f64> {
        let t = usize::try_from(year - self.y0)
            .ok()
            .filter(|t| *t < self.n_years)?;
        Some(self.data[v as usize * self.n_years + t])
    }
    /// The index of `year` in the horizon.
    #[inline]
    pub fn index(&self, year: i32) -> Option<usize> {
        usize::try_from(year - self.y0)
            .ok()
            .filter(|t| *t < self.n_years)
    }
    #[inline]
    fn row_mut(&mut self, v: Var) -> &mut [f64] {
        let i = v as usize * self.n_years;
        &mut self.data[i..i + self.n_years]
    }
    #[inline]
    fn set(&mut self, v: Var, t: usize, x: f64) {
        self.data[v as usize * self.n_years + t] = x;
    }
    #[inline]
    fn get(&self, v: Var, t: usize) -> f64 {
        self.data[v as usize * self.n_years + t]
    }

    /// The peak of the series `o.peak_on` with plateau tolerance `o.peak_tolerance`
    /// (MODEL.md §7).
    pub fn peak(&self, o: &Options) -> Peak {
        let series = |v| peak_of(self.row(v), self.y0, o.peak_tolerance, o.peak_by);
        match o.peak_on {
            PeakOn::Energy => series(Var::Co2),
            PeakOn::Net => series(Var::NetEmissions),
            PeakOn::EnergyAndProcess => {
                let mut buf = [0.0f64; MAX_YEARS];
                let mut heap = Vec::new();
                let s: &mut [f64] = if self.n_years <= MAX_YEARS {
                    &mut buf[..self.n_years]
                } else {
                    heap.resize(self.n_years, 0.0);
                    &mut heap
                };
                for ((x, a), b) in s
                    .iter_mut()
                    .zip(self.row(Var::Co2))
                    .zip(self.row(Var::Co2Process))
                {
                    *x = a + b;
                }
                peak_of(s, self.y0, o.peak_tolerance, o.peak_by)
            }
        }
    }
}

/// Where a run's emissions peaked (MODEL.md §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Peak {
    /// The first year on the plateau; `None` when the last year is on it: **not peaked**
    /// within the horizon (never reported as the last year).
    pub year: Option<i32>,
    /// A peak year exists and is ≤ `peak_by`.
    pub peaked_by: bool,
    /// Peaked by `peak_by` but the last year is above `peak_by`'s value.
    pub rebound: bool,
}

/// The peak of series `s` (first value at `y0`) with tolerance `tol` and deadline `by`.
pub fn peak_of(s: &[f64], y0: i32, tol: f64, by: i32) -> Peak {
    let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let floor = max - tol * max.abs();
    let on = |x: f64| x >= floor;
    let last = s[s.len() - 1];
    if on(last) {
        return Peak {
            year: None,
            peaked_by: false,
            rebound: false,
        };
    }
    let t = s.iter().position(|&x| on(x)).unwrap_or(0);
    let year = y0 + t as i32;
    let peaked_by = year <= by;
    let at_by = usize::try_from(by - y0)
        .ok()
        .and_then(|i| s.get(i))
        .copied();
    Peak {
        year: Some(year),
        peaked_by,
        rebound: peaked_by && at_by.is_some_and(|x| last > x),
    }
}

/// Run the reference model (MODEL.md §3–§7) for one parameter vector.
pub fn simulate(s: &ModelSpec, v: &[f64], out: &mut Trajectory) {
    simulate_inner::<false>(s, v, out, &mut |_, _| {});
}

/// Final energy by sector and fuel of every year (万tce, electricity at calorific value), after
/// the cap, with the projects' energy in industry (MODEL.md §4a, §4b): what the trajectory's
/// totals are made of, for the decomposition of `peakpath decompose`.
pub fn sector_fuels(s: &ModelSpec, v: &[f64]) -> (Trajectory, Vec<[[f64; 5]; 4]>) {
    let mut tr = Trajectory::new(s);
    let mut by_year = Vec::with_capacity(tr.n_years);
    simulate_inner::<true>(s, v, &mut tr, &mut |_, f| by_year.push(*f));
    (tr, by_year)
}

fn simulate_inner<const DETAIL: bool>(
    s: &ModelSpec,
    v: &[f64],
    out: &mut Trajectory,
    detail: &mut dyn FnMut(usize, &[[f64; 5]; 4]),
) {
    use Var::*;
    let k_cal_wan = K_CAL / 10.0; // 万tce per GWh
    let loss = v[s.loss];
    let mut demand = [0.0f64; 4];
    let mut w = [[0.0f64; 5]; 4];
    let mut cap_prev = [0.0f64; 3];
    let ef = [v[s.ef_fuel[0]], v[s.ef_fuel[1]], v[s.ef_fuel[2]]];
    let grass0 = s.grass_cover.at(v, s.y0);
    let mut gdp0 = v[s.gdp0];
    // End-use efficiencies of this run; a sector whose η are all 1 keeps v1's recursion.
    let mut eta = [[1.0f64; 5]; 4];
    let mut neutral = [true; 4];
    let mut useful = [0.0f64; 4];
    for (k, sec) in s.sectors.iter().enumerate() {
        for (e, p) in eta[k].iter_mut().zip(&sec.eta) {
            if let Some(p) = p {
                *e = v[*p];
            }
        }
        neutral[k] = eta[k].iter().all(|&e| e == 1.0);
    }
    // The achieved fuel-share milestones depend on the run only: compute them once.
    let mut mix_cache = [[[0.0f64; 5]; MIX_CACHE]; 4];
    for (cache, sec) in mix_cache.iter_mut().zip(&s.sectors) {
        for (m, slot) in cache.iter_mut().enumerate().take(sec.mix.points.len()) {
            *slot = sec.mix.achieved(v, m);
        }
    }
    // The paths of this run, every year at once (the same values as `at`, year by year).
    let (mut on_stack, mut on_heap) = ([0.0f64; MAX_YEARS], Vec::new());
    let share: &mut [f64] = if out.n_years <= MAX_YEARS {
        &mut on_stack[..out.n_years]
    } else {
        on_heap.resize(out.n_years, 0.0);
        &mut on_heap
    };
    s.industry_share.fill(v, s.y0, share);
    for (tech, var) in s.techs.iter().zip([CapPv, CapHydro, CapWind]) {
        tech.capacity.fill(v, s.y0, out.row_mut(var));
    }
    s.ef_grid.fill(v, s.y0, out.row_mut(EfGrid));
    s.nf_grid.fill(v, s.y0, out.row_mut(NfGrid));
    match s.options.accounting {
        Accounting::CoalEquivalent => s.k_eq.fill(v, s.y0, out.row_mut(KElec)),
        Accounting::Calorific => out.row_mut(KElec).fill(K_CAL),
    }
    s.forest_cover.fill(v, s.y0, out.row_mut(ForestCover));
    s.grass_cover.fill(v, s.y0, out.row_mut(GrassCover));
    match &s.feedstock {
        Some(p) => p.fill(v, s.y0, out.row_mut(Feedstock)),
        None => out.row_mut(Feedstock).fill(0.0),
    }
    match &s.process_co2 {
        Some(p) => p.fill(v, s.y0, out.row_mut(Co2Process)),
        None => out.row_mut(Co2Process).fill(0.0),
    }
    // §4a: the cap's limit in 万t (kept in the coal_uncapped_t row until the year is reached).
    if let Some(cap) = &s.cap {
        cap.limit.fill(v, s.y0, out.row_mut(CapBinding));
    }
    let value_added_driver = s.options.industry_driver == IndustryDriver::ValueAdded;
    let mut va0_prev = 0.0;
    for (t, year) in s.years().enumerate() {
        // §3 Economy: GDP without projects (GDP0), then the projects' value added.
        let g = if t == 0 { 0.0 } else { s.growth.at(v, year) };
        if t > 0 {
            gdp0 *= 1.0 + g;
        }
        let va0 = gdp0 * share[t];
        // §4b Projects: output shares, their final energy, value added and process CO₂.
        let mut proj = [0.0f64; 5];
        let mut proj_va = 0.0;
        let mut proj_co2 = 0.0;
        let mut any_project = false;
        for pj in &s.projects {
            let o = pj.output(v, year);
            if o == 0.0 {
                continue;
            }
            any_project = true;
            for (f, e) in pj.energy.iter().enumerate() {
                if let Some(e) = e {
                    proj[f] += o * v[*e];
                }
            }
            if let Some(p) = pj.value_added {
                proj_va += o * v[p];
            }
            if let Some(p) = pj.process_co2 {
                proj_co2 += o * v[p];
            }
        }
        let (gdp, va) = if any_project {
            (gdp0 + proj_va, va0 + proj_va)
        } else {
            (gdp0, va0)
        };
        out.set(Gdp, t, gdp);
        out.set(VaIndustry, t, va);
        if any_project {
            let row = out.get(Co2Process, t);
            out.set(Co2Process, t, row + proj_co2);
        }
        // §4 Final energy demand and fuel mix.
        let mut fuel = [0.0f64; 5];
        for (k, sec) in s.sectors.iter().enumerate() {
            if sec.mix.points.len() <= MIX_CACHE {
                sec.mix.interpolate(year, |m| mix_cache[k][m], &mut w[k]);
            } else {
                sec.mix.at(v, year, &mut w[k]);
            }
            // The driver's growth: GDP0, or for industry the existing industry's value added.
            let gs = if k == INDUSTRY && value_added_driver && t > 0 {
                va0 / va0_prev - 1.0
            } else {
                g
            };
            if neutral[k] {
                // Every η = 1: v1's recursion on final energy, exactly.
                demand[k] = if t == 0 {
                    v[sec.energy0]
                } else {
                    demand[k] * (1.0 + v[sec.elasticity] * gs) * (1.0 - sec.efficiency.at(v, year))
                };
            } else {
                // Useful energy evolves; final energy follows from the mix (MODEL.md §4).
                let mut mean_eta = 0.0;
                for f in 0..5 {
                    mean_eta += w[k][f] * eta[k][f];
                }
                useful[k] = if t == 0 {
                    v[sec.energy0] * mean_eta
                } else {
                    useful[k] * (1.0 + v[sec.elasticity] * gs) * (1.0 - sec.efficiency.at(v, year))
                };
                demand[k] = if mean_eta > 0.0 {
                    useful[k] / mean_eta
                } else {
                    0.0
                };
            }
            for f in 0..5 {
                fuel[f] += demand[k] * w[k][f];
            }
        }
        if any_project {
            for f in 0..5 {
                fuel[f] += proj[f];
            }
        }
        // §4a The cap: in a binding year, coal above it is taken from every user in
        // proportion to its coal and its useful energy supplied by the substitutes.
        let coal_uncapped = fuel[COAL] / COAL_TCE_PER_T;
        let mut capped: Option<[[f64; 5]; 4]> = None;
        let mut binding = 0.0;
        if let Some(cap) = &s.cap
            && year >= cap.from()
        {
            let limit = out.get(CapBinding, t) * v[cap.compliance];
            let kcap = limit * COAL_TCE_PER_T;
            if fuel[COAL] > kcap {
                let r = fuel[COAL] - kcap;
                let fc = fuel[COAL];
                let sigma = &cap.substitutes;
                let shift = |x: f64, eta: &[f64; 5], amounts: &mut [f64; 5]| {
                    amounts[COAL] -= x;
                    for f in 0..5 {
                        if f != COAL && sigma[f] > 0.0 {
                            amounts[f] += x * eta[COAL] * sigma[f] / eta[f];
                        }
                    }
                };
                let mut sec_fuel = [[0.0f64; 5]; 4];
                for k in 0..4 {
                    for f in 0..5 {
                        sec_fuel[k][f] = demand[k] * w[k][f];
                    }
                    let x = r * sec_fuel[k][COAL] / fc;
                    shift(x, &eta[k], &mut sec_fuel[k]);
                }
                let x = r * proj[COAL] / fc;
                shift(x, &eta[INDUSTRY], &mut proj);
                for f in 0..5 {
                    fuel[f] = sec_fuel.iter().map(|sf| sf[f]).sum::<f64>() + proj[f];
                }
                fuel[COAL] = kcap;
                capped = Some(sec_fuel);
                binding = 1.0;
            }
            out.set(CoalT, t, if binding == 1.0 { limit } else { coal_uncapped });
        } else {
            out.set(CoalT, t, coal_uncapped);
        }
        out.set(CoalUncappedT, t, coal_uncapped);
        out.set(CapBinding, t, binding);
        if DETAIL {
            let mut by_sector = [[0.0f64; 5]; 4];
            for (k, row) in by_sector.iter_mut().enumerate() {
                for f in 0..5 {
                    row[f] = match &capped {
                        Some(sf) => sf[k][f],
                        None => demand[k] * w[k][f],
                    };
                }
            }
            for f in 0..5 {
                by_sector[INDUSTRY][f] += proj[f];
            }
            detail(t, &by_sector);
        }
        // Final energy by sector after the cap (the recursion above keeps the uncapped state).
        let sector_energy = |k: usize| match &capped {
            Some(sf) => sf[k].iter().sum(),
            None => demand[k],
        };
        for (k, var) in [
            DemandIndustry,
            DemandBuildings,
            DemandTransport,
            DemandAgriculture,
        ]
        .into_iter()
        .enumerate()
        {
            out.set(var, t, sector_energy(k));
        }
        for (f, var) in [
            FinalCoal,
            FinalOil,
            FinalGas,
            FinalElectricity,
            FinalBiomass,
        ]
        .into_iter()
        .enumerate()
        {
            out.set(var, t, fuel[f]);
        }
        let elec = fuel[ELEC] / (k_cal_wan * (1.0 - loss));
        out.set(ElecConsumption, t, elec);
        // §5 Power supply.
        let mut local = 0.0;
        for (p, tech) in s.techs.iter().enumerate() {
            let c = out.get([CapPv, CapHydro, CapWind][p], t);
            let h = v[tech.hours];
            let generation = if t == 0 {
                c * h / 1000.0
            } else {
                0.5 * (cap_prev[p] + c) * h / 1000.0
            };
            cap_prev[p] = c;
            local += generation;
            out.set([GenPv, GenHydro, GenWind][p], t, generation);
        }
        let import = elec - local;
        out.set(LocalGen, t, local);
        out.set(NetImport, t, import);
        let ef_grid = out.get(EfGrid, t);
        let nf_grid = out.get(NfGrid, t);
        // §6 Total energy consumption and the non-fossil share.
        let k = out.get(KElec, t);
        let tec = fuel[COAL] + fuel[OIL] + fuel[GAS] + fuel[BIOMASS] + elec * k / 10.0;
        let nf = fuel[BIOMASS] + k / 10.0 * (local.min(elec) + import.max(0.0) * nf_grid);
        out.set(Tec, t, tec);
        out.set(NonfossilEnergy, t, nf);
        // No final energy at all (every sector's demand at zero): no share to speak of, 0
        // rather than 0/0.
        out.set(NonfossilShare, t, if tec > 0.0 { nf / tec } else { 0.0 });
        out.set(EnergyIntensity, t, tec / gdp);
        // §7 CO₂, coal, sinks.
        let co2_f = [fuel[COAL] * ef[0], fuel[OIL] * ef[1], fuel[GAS] * ef[2]];
        let direct = co2_f[0] + co2_f[1] + co2_f[2];
        let indirect = if s.options.credit_exports {
            import
        } else {
            import.max(0.0)
        } * ef_grid
            / 10.0;
        let co2 = direct + indirect;
        out.set(Co2Coal, t, co2_f[0]);
        out.set(Co2Oil, t, co2_f[1]);
        out.set(Co2Gas, t, co2_f[2]);
        out.set(Co2Direct, t, direct);
        out.set(Co2Indirect, t, indirect);
        out.set(Co2, t, co2);
        out.set(Co2Intensity, t, co2 / gdp);
        let forest_cover = out.get(ForestCover, t);
        let grass_cover = out.get(GrassCover, t);
        let sink_forest = v[s.land_ha] * forest_cover * v[s.forest_rate] / 1e4;
        let sink_grass = if grass0 > 0.0 {
            v[s.grass_ha] * v[s.grass_rate] * grass_cover / grass0 / 1e4
        } else {
            0.0
        };
        let sink_wet = v[s.wetland_ha] * v[s.wetland_rate] / 1e4;
        let sinks = sink_forest + sink_grass + sink_wet;
        out.set(SinkForest, t, sink_forest);
        out.set(SinkGrassland, t, sink_grass);
        out.set(SinkWetland, t, sink_wet);
        out.set(SinkTotal, t, sinks);
        out.set(NetEmissions, t, co2 + out.get(Co2Process, t) - sinks);
        // §8 indicator 14: industry's energy (its sector and its projects, after the cap) with
        // electricity re-counted at k, per value added.
        let (ind_energy, ind_elec) = if capped.is_none() && !any_project {
            let wel = w[INDUSTRY][ELEC];
            (
                demand[INDUSTRY] * (1.0 - wel + wel * k / K_CAL),
                demand[INDUSTRY] * wel / k_cal_wan,
            )
        } else {
            let mut f_ind = [0.0f64; 5];
            for f in 0..5 {
                f_ind[f] = match &capped {
                    Some(sf) => sf[INDUSTRY][f],
                    None => demand[INDUSTRY] * w[INDUSTRY][f],
                } + proj[f];
            }
            let others = f_ind[COAL] + f_ind[OIL] + f_ind[GAS] + f_ind[BIOMASS];
            (others + f_ind[ELEC] * k / K_CAL, f_ind[ELEC] / k_cal_wan)
        };
        out.set(IndustryEnergy, t, ind_energy);
        out.set(IndustryIntensity, t, ind_energy / va);
        // §6a inputs: non-fossil electricity consumed, industry's electricity, feedstock.
        out.set(
            NonfossilElec,
            t,
            local.min(elec) + import.max(0.0) * nf_grid,
        );
        out.set(ElecIndustry, t, ind_elec);
        va0_prev = va0;
    }
    assess(s, out);
    debug_assert!(out.get(Gdp, 0) > 0.0);
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_v2;
#[cfg(test)]
mod tests_v3;
