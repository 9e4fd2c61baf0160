//! The model's output variables: name (as in `trajectories.csv` and outcome specs), unit,
//! and a description in Chinese and English.

/// One output variable of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(usize)]
#[allow(clippy::enum_variant_names)]
pub enum Var {
    Gdp,
    VaIndustry,
    DemandIndustry,
    DemandBuildings,
    DemandTransport,
    DemandAgriculture,
    FinalCoal,
    FinalOil,
    FinalGas,
    FinalElectricity,
    FinalBiomass,
    ElecConsumption,
    CapPv,
    CapHydro,
    CapWind,
    GenPv,
    GenHydro,
    GenWind,
    LocalGen,
    NetImport,
    EfGrid,
    NfGrid,
    KElec,
    Tec,
    NonfossilEnergy,
    NonfossilShare,
    EnergyIntensity,
    Co2Coal,
    Co2Oil,
    Co2Gas,
    Co2Direct,
    Co2Indirect,
    Co2,
    Co2Intensity,
    CoalT,
    ForestCover,
    GrassCover,
    SinkForest,
    SinkGrassland,
    SinkWetland,
    SinkTotal,
    NetEmissions,
    IndustryEnergy,
    IndustryIntensity,
    NonfossilElec,
    ElecIndustry,
    Feedstock,
    AssessedEnergy2025,
    AssessedIntensity2025,
    AssessedIndustry2025,
    AssessedEnergy2030,
    AssessedIntensity2030,
    AssessedIndustry2030,
    CoalUncappedT,
    CapBinding,
    Co2Process,
}

#[derive(Debug, Clone, Copy)]
pub struct VarInfo {
    pub var: Var,
    /// Machine name, used in CSV files and outcome specs such as `co2:2030`.
    pub name: &'static str,
    pub unit: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// A variable's unit for a scenario whose base year is `y0`: money is in the prices of the
/// base year (`亿元 (2020 prices)` for a 2020 base, `亿元 (2022 prices)` for 2022).
pub fn unit_in(unit: &'static str, y0: i32) -> std::borrow::Cow<'static, str> {
    if y0 != 2020 && unit.contains("(2020 prices)") {
        unit.replace("(2020 prices)", &format!("({y0} prices)"))
            .into()
    } else {
        unit.into()
    }
}

macro_rules! vars {
    ($($v:ident, $name:literal, $unit:literal, $zh:literal, $en:literal;)*) => {
        /// Every variable, in `Var` order.
        pub const VARS: &[VarInfo] = &[$(VarInfo { var: Var::$v, name: $name, unit: $unit, zh: $zh, en: $en }),*];
    };
}

vars! {
    Gdp, "gdp", "亿元 (2020 prices)", "地区生产总值", "GDP";
    VaIndustry, "va_industry", "亿元 (2020 prices)", "工业增加值", "Industrial value added";
    DemandIndustry, "demand_industry", "万tce", "工业终端能耗", "Final energy, industry";
    DemandBuildings, "demand_buildings", "万tce", "建筑终端能耗", "Final energy, buildings";
    DemandTransport, "demand_transport", "万tce", "交通终端能耗", "Final energy, transport";
    DemandAgriculture, "demand_agriculture", "万tce", "农业终端能耗", "Final energy, agriculture";
    FinalCoal, "final_coal", "万tce", "终端煤炭消费", "Final use of coal";
    FinalOil, "final_oil", "万tce", "终端石油消费", "Final use of oil";
    FinalGas, "final_gas", "万tce", "终端天然气消费", "Final use of gas";
    FinalElectricity, "final_electricity", "万tce (calorific)", "终端电力消费(当量值)", "Final use of electricity (calorific)";
    FinalBiomass, "final_biomass", "万tce", "终端生物质消费", "Final use of biomass";
    ElecConsumption, "elec_consumption", "GWh", "全社会用电量(含线损)", "Electricity consumed incl. losses";
    CapPv, "cap_pv", "MW", "光伏装机容量", "PV capacity";
    CapHydro, "cap_hydro", "MW", "水电装机容量", "Hydro capacity";
    CapWind, "cap_wind", "MW", "风电装机容量", "Wind capacity";
    GenPv, "gen_pv", "GWh", "光伏发电量", "PV generation";
    GenHydro, "gen_hydro", "GWh", "水电发电量", "Hydro generation";
    GenWind, "gen_wind", "GWh", "风电发电量", "Wind generation";
    LocalGen, "local_nonfossil_gen", "GWh", "本地非化石发电量", "Local non-fossil generation";
    NetImport, "net_import", "GWh", "净调入电量", "Net electricity import (negative: export)";
    EfGrid, "ef_grid", "tCO2/MWh", "电网排放因子", "Grid emission factor";
    NfGrid, "nf_grid", "fraction", "电网非化石电量比重", "Non-fossil share of grid supply";
    KElec, "k_elec", "tce/MWh", "电力折标系数", "Electricity conversion factor in totals";
    Tec, "tec", "万tce", "能源消费总量", "Total energy consumption";
    NonfossilEnergy, "nonfossil_energy", "万tce", "非化石能源消费量", "Non-fossil energy consumption";
    NonfossilShare, "nonfossil_share", "fraction", "非化石能源消费比重", "Non-fossil share of energy consumption";
    EnergyIntensity, "energy_intensity", "tce/万元", "单位GDP能耗", "Energy intensity of GDP";
    Co2Coal, "co2_coal", "万t CO2", "煤炭CO2排放", "CO2 from coal";
    Co2Oil, "co2_oil", "万t CO2", "石油CO2排放", "CO2 from oil";
    Co2Gas, "co2_gas", "万t CO2", "天然气CO2排放", "CO2 from gas";
    Co2Direct, "co2_direct", "万t CO2", "直接CO2排放", "Direct energy CO2";
    Co2Indirect, "co2_indirect", "万t CO2", "调入电力间接CO2排放", "Indirect CO2 of imported electricity";
    Co2, "co2", "万t CO2", "能源活动CO2排放", "Energy CO2 emissions";
    Co2Intensity, "co2_intensity", "t CO2/万元", "单位GDP CO2排放", "CO2 intensity of GDP";
    CoalT, "coal_t", "万t", "煤炭消费量(实物量)", "Coal consumption (physical)";
    ForestCover, "forest_cover", "fraction", "森林覆盖率", "Forest cover";
    GrassCover, "grass_cover", "fraction", "草原综合植被盖度", "Grassland vegetation cover";
    SinkForest, "sink_forest", "万t CO2", "森林碳汇", "Forest sink";
    SinkGrassland, "sink_grassland", "万t CO2", "草原碳汇", "Grassland sink";
    SinkWetland, "sink_wetland", "万t CO2", "湿地碳汇", "Wetland sink";
    SinkTotal, "sink_total", "万t CO2", "碳汇合计", "Total sinks";
    NetEmissions, "net_emissions", "万t CO2", "净排放", "Net emissions (energy CO2 minus sinks)";
    IndustryEnergy, "industry_energy", "万tce", "工业能耗(电力按等价值)", "Industrial energy, electricity at k";
    IndustryIntensity, "industry_intensity", "tce/万元", "单位工业增加值能耗", "Industrial energy per value added";
    NonfossilElec, "nonfossil_electricity", "GWh", "非化石电力消费量", "Non-fossil electricity consumed";
    ElecIndustry, "industry_electricity", "GWh", "工业用电量(不含线损)", "Industrial electricity (no losses)";
    Feedstock, "feedstock", "万tce", "原料用能", "Feedstock use of energy";
    AssessedEnergy2025, "assessed_energy_2025", "万tce", "考核口径能耗(2025年目标口径)", "Energy as the 2025 target assesses it";
    AssessedIntensity2025, "energy_intensity_assessed_2025", "tce/万元", "考核口径单位GDP能耗(2025年目标口径)", "Energy intensity as the 2025 target assesses it";
    AssessedIndustry2025, "industry_intensity_assessed_2025", "tce/万元", "考核口径单位工业增加值能耗(2025年目标口径)", "Industrial energy per value added as the 2025 target assesses it";
    AssessedEnergy2030, "assessed_energy_2030", "万tce", "考核口径能耗(2030年目标口径)", "Energy as the 2030 target assesses it";
    AssessedIntensity2030, "energy_intensity_assessed_2030", "tce/万元", "考核口径单位GDP能耗(2030年目标口径)", "Energy intensity as the 2030 target assesses it";
    AssessedIndustry2030, "industry_intensity_assessed_2030", "tce/万元", "考核口径单位工业增加值能耗(2030年目标口径)", "Industrial energy per value added as the 2030 target assesses it";
    CoalUncappedT, "coal_uncapped_t", "万t", "煤炭消费量(封顶前,实物量)", "Coal consumption before the cap (physical)";
    CapBinding, "cap_binding", "0/1", "煤炭封顶是否生效", "Coal cap binding (1) or not (0)";
    Co2Process, "co2_process", "万t CO2", "工业过程CO2排放", "Process CO2 (cement, ferroalloy)";
}

impl serde::Serialize for Var {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.info().name)
    }
}

impl Var {
    pub fn info(self) -> &'static VarInfo {
        &VARS[self as usize]
    }
    pub fn by_name(name: &str) -> Option<Var> {
        VARS.iter().find(|v| v.name == name).map(|v| v.var)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn table_is_in_enum_order() {
        for (i, v) in VARS.iter().enumerate() {
            assert_eq!(v.var as usize, i, "{}", v.name);
        }
        assert_eq!(Var::by_name("co2"), Some(Var::Co2));
    }
}
