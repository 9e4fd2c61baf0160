// peakpath serve: the lever page. Plain JS, no library; charts are inline SVG drawn here.
// The page's state (language, runs, compare, chart variable, every changed lever) lives in its
// URL, so a link reproduces a view.
'use strict';

const T = {
  zh: {
    title: '碳达峰情景杠杆', runs: '模拟次数', compare: '与基准情景对比', reset: '全部复原',
    other: 'English', variable: '图表变量', peaked: '{y}年前达峰的概率', ci: '95 % 区间 (Wilson)',
    base: '基准', points: '个百分点', running: '计算中…', done: '{n} 次模拟, {ms} 毫秒',
    influential: '对{y}年能源CO₂影响最大的输入', influentialNote: "按 Sobol' 总效应指数 ST 排序 (N = {n}, {r} 次模型运行, {s} 秒)",
    options: '核算选项', headlines: '约束性目标 (逐年)', allBinding: '全部约束性目标达成 (模型计算的指标)',
    assumed: '假定', notPeaked: '至{y}年未达峰', rebound: '达峰后反弹', inWindow: '{a}–{b}年间达峰', declining: '自{y}年起下降', rules: '按考核口径评估的指标在三种口径下的达标概率 (第一项为本情景口径)', capBinds: '煤炭消费上限生效', check: '核对', expected: '规划预期', outside: '超出5–95 %区间', after: { trend: '末个节点后措施按最后速度延续', hold: '末个节点后措施保持不变' }, ruleNames: { total: '全口径', new_renewables_excluded: '扣除新增可再生能源', fossil_only: '仅计化石能源' }, board: '指标达标概率 (★ 约束性)', noTarget: '无目标(待省市下达)',
    noValue: '情景未给出', save: '另存为情景', saveName: '文件名 (即情景标识: 英文字母、数字、- 和 _)', saveTitle: '显示名称 (可用中文)', saveBtn: '保存',
    overwrite: '确认覆盖', saved: '已保存并通过校验: {path} ({n} 个参数, 其中 {u} 个不确定)',
    saveNote: '写入 {dir}/, 文件以 extends 继承当前情景, 只含改动的字段。', changed: '已改 {n} 项',
    median: '中位数', band50: '50 % 区间', band90: '90 % 区间', central: '中心情景', year: '年份',
    fixed: '固定值', undo: '复原', target: '目标', pmet: '达标概率', indicator: '指标', value: '中位值',
    peakHist: '达峰年份分布', current: '当前', error: '错误', stalePending: '计算中: 下方灰色数字是上一次运行的结果', staleError: '本次改动未能运行: 下方灰色数字仍是上一次运行的结果, 已过时', ignored: '链接中的 {keys} 不是本页的杠杆或选项, 未应用 (页面只运行它能显示为已更改的内容)', fixedNote: '滑块把该输入固定为一个值; 文本框可填数字或分布, 如 triangular(0.02, 0.045, 0.06)',
    foot: '每次改动以相同随机种子 {seed} 重新运行蒙特卡洛; 区间为 Wilson 95 % 区间 (docs/model.md §9)。情景: {src}',
  },
  en: {
    title: 'Carbon-peak lever explorer', runs: 'runs', compare: 'compare with base', reset: 'reset all',
    other: '中文', variable: 'chart', peaked: 'P(peaked by {y})', ci: '95 % interval (Wilson)',
    base: 'base', points: 'points', running: 'running…', done: '{n} runs in {ms} ms',
    influential: 'Inputs that matter most for energy CO₂ {y}', influentialNote: "ranked by Sobol' total effect ST (N = {n}, {r} model runs, {s} s)",
    options: 'Accounting options', headlines: 'Binding targets by year', allBinding: 'all modelled binding targets met',
    assumed: 'assumed', notPeaked: 'not peaked by {y}', rebound: 'rebound after peaking', inWindow: 'peak in {a}–{b}', declining: 'declining from {y}', rules: 'Assessed indicators under each assessment rule (the scenario\'s first)', capBinds: 'coal cap binds', check: 'check', expected: 'expected', outside: 'outside the 5–95 % band', after: { trend: 'measures continued at their last pace after their last milestone', hold: 'measures held at their last milestone after it' }, ruleNames: { total: 'total', new_renewables_excluded: 'new renewables excluded', fossil_only: 'fossil only' }, board: 'Probability of meeting each target (★ binding)', noTarget: 'no target',
    noValue: 'not modelled', save: 'Save as scenario', saveName: 'file name (the scenario id: ASCII letters, digits, - and _)', saveTitle: 'display name (any language)', saveBtn: 'Save',
    overwrite: 'Confirm overwrite', saved: 'Saved and validated: {path} ({n} parameters, {u} uncertain)',
    saveNote: 'Written into {dir}/: the file extends this scenario and holds only the changed fields.', changed: '{n} changed',
    median: 'median', band50: '50 % band', band90: '90 % band', central: 'central run', year: 'year',
    fixed: 'fixed', undo: 'reset', target: 'target', pmet: 'P(met)', indicator: 'indicator', value: 'median value',
    peakHist: 'Peak year', current: 'current', error: 'error', stalePending: 'Running: the greyed numbers below are those of the previous run', staleError: 'This change did not run: the greyed numbers below are those of the previous run, now stale', ignored: 'The link sets {keys}, which is not a lever or option on this page: not applied (the page runs only what it can show as changed)', fixedNote: 'A slider pins the input to one value; the field takes a number or a distribution, e.g. triangular(0.02, 0.045, 0.06)',
    foot: 'Every change reruns the Monte Carlo with the same seed {seed}; intervals are Wilson 95 % intervals (docs/model.md §9). Scenario: {src}',
  },
};
// Names of tables and fields of the scenario file.
const NAMES = {
  economy: ['经济', 'Economy'], demand: ['终端需求', 'Demand'], industry: ['工业', 'industry'],
  buildings: ['建筑', 'buildings'], transport: ['交通', 'transport'], agriculture: ['农业', 'agriculture'],
  electricity: ['电力', 'Electricity'], power: ['本地发电', 'Local power'], pv: ['光伏', 'PV'],
  hydro: ['水电', 'hydro'], wind: ['风电', 'wind'], grid: ['电网', 'Grid'],
  emission_factor: ['排放因子', 'emission factor'], emission_factors: ['燃料排放因子', 'Fuel emission factors'],
  sinks: ['碳汇', 'Sinks'], indicators: ['指标', 'Indicator'], options: ['选项', 'Options'],
  gdp_base: ['基准年GDP', 'GDP in the base year'], gdp_2020: ['基准年GDP', 'GDP in the base year'], growth: ['GDP增速', 'GDP growth'], industry_share: ['工业增加值比重', 'industry share'],
  energy_base: ['基准年能耗', 'energy in the base year'], energy_2020: ['基准年能耗', 'energy in the base year'], elasticity: ['活动弹性', 'elasticity'], efficiency_gain: ['年能效提升', 'efficiency gain'],
  mix: ['能源结构', 'fuel mix'], delivery: ['兑现率', 'delivery'], loss: ['线损率', 'grid losses'],
  coal_equivalent_factor: ['电力折标系数', 'coal-equivalent factor'], capacity_mw: ['装机容量', 'capacity'],
  full_load_hours: ['利用小时数', 'full-load hours'], nonfossil_share: ['非化石电量比重', 'non-fossil share'],
  provincial: ['省级', 'provincial'], regional: ['区域', 'regional'], national: ['全国', 'national'],
  coal: ['煤炭', 'coal'], oil: ['石油', 'oil'], gas: ['天然气', 'gas'], land_area_ha: ['土地面积', 'land area'],
  forest_cover: ['森林覆盖率', 'forest cover'], forest_rate: ['森林碳汇速率', 'forest sink rate'],
  grassland_area_ha: ['草原面积', 'grassland area'], grassland_cover: ['草原植被盖度', 'grassland cover'],
  grassland_rate: ['草原碳汇速率', 'grassland sink rate'], wetland_area_ha: ['湿地面积', 'wetland area'],
  wetland_rate: ['湿地碳汇速率', 'wetland sink rate'], path: ['路径', 'path'],
  grid_basis: ['电网排放因子口径', 'grid factor basis'], electricity_accounting: ['电力折标方法', 'electricity accounting'],
  credit_exports: ['外送电力抵扣', 'credit exports'], coal_equivalent: ['发电煤耗法', 'coal equivalent'],
  calorific: ['当量值', 'calorific'], true: ['是', 'yes'], false: ['否', 'no'],
};
const UNITS = {
  'fraction': ['比例', 'fraction'], 'fraction per year': ['比例/年', 'fraction per year'],
  'fraction of GDP': ['占GDP比例', 'fraction of GDP'], 'ratio': ['比值', 'ratio'], 'h/yr': ['小时/年', 'h/yr'],
  'tCO2/ha/yr': ['tCO₂/公顷/年', 'tCO₂/ha/yr'], 'ha': ['公顷', 'ha'],
};

const state = { lang: 'zh', runs: null, compare: false, variable: 'co2', overrides: {} };
let meta = null, current = null, base = null, inflight = null, seq = 0, timer = null, pendingSave = null;
// What a link set that the page cannot show as a changed lever or option: refused, and said.
let ignoredNote = null;
const $ = (id) => document.getElementById(id);
const zh = () => state.lang === 'zh';
const t = (k, args) => (T[state.lang][k] || k).replace(/\{(\w+)\}/g, (_, a) => (args && a in args ? args[a] : ''));
const name = (k) => (NAMES[k] ? NAMES[k][zh() ? 0 : 1] : k);
const unit = (u) => (UNITS[u] ? UNITS[u][zh() ? 0 : 1] : u);
// An object's unit in the page's language (the server gives unit_zh and unit_en).
const unitOf = (o) => (zh() ? o.unit_zh : o.unit_en) || unit(o.unit);
const pct = (p) => (100 * p).toFixed(1) + ' %';
function num(x) {
  if (x === null || x === undefined || !isFinite(x)) return '';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(4)));
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'style') { // CSSOM, which the page's Content-Security-Policy allows (style attributes it does not)
      for (const decl of v.split(';')) { const [p, val] = decl.split(':'); if (val) e.style.setProperty(p.trim(), val.trim()); }
    }
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// ---------------------------------------------------------------- URL state
function parseValue(v) {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim())) return Number(v);
  return v;
}
function readUrl() {
  const q = new URLSearchParams(location.search);
  state.lang = q.get('lang') === 'en' ? 'en' : 'zh';
  const r = Number(q.get('runs'));
  state.runs = Number.isInteger(r) && r > 0 ? r : null;
  state.compare = q.get('compare') === '1';
  state.variable = q.get('var') || 'co2';
  state.overrides = {};
  for (const [k, v] of q) if (k.startsWith('set.')) state.overrides[k.slice(4)] = parseValue(v);
}
function writeUrl() {
  const q = new URLSearchParams();
  q.set('lang', state.lang);
  if (state.runs && state.runs !== meta.defaults.runs) q.set('runs', state.runs);
  if (state.compare) q.set('compare', '1');
  if (state.variable !== 'co2') q.set('var', state.variable);
  for (const k of Object.keys(state.overrides).sort()) q.set('set.' + k, String(state.overrides[k]));
  history.replaceState(null, '', '?' + q.toString());
}

// ---------------------------------------------------------------- levers
const leverByPath = {};
function baseText(lv) { return lv.uncertain ? lv.dist : num(Number(lv.dist)); }
function setOverride(path, value) {
  const lv = leverByPath[path];
  const same = lv ? (typeof value === 'number' ? !lv.uncertain && value === Number(lv.dist) : value === lv.dist)
    : optionBase(path) === value;
  if (same) delete state.overrides[path]; else state.overrides[path] = value;
  syncLevers();
  schedule();
}
function optionBase(path) { const o = (meta.options || []).find((x) => x.path === path); return o ? o.value : undefined; }
function fieldLabel(path, group) {
  const lv = leverByPath[path];
  if (lv && lv.name_zh) return zh() ? lv.name_zh : lv.name_en;
  const rest = path.slice(group.length + 1).split('.');
  return rest.map((s) => (/^\d{4}$/.test(s) ? s : name(s))).join(' · ');
}
function groupTitle(g) {
  const lv = (meta.levers || []).find((x) => x.group === g);
  if (lv && lv.group_zh) return zh() ? lv.group_zh : lv.group_en;
  const segs = g.split('.');
  if (segs[0] === 'indicators' && segs[1]) {
    const d = meta.indicators.find((x) => x.id === segs[1]);
    return name('indicators') + ' ' + segs[1] + (d ? ' ' + (zh() ? d.name_zh : d.name_en) : '');
  }
  return segs.map(name).join(' · ');
}
function leverRow(lv, group) {
  const step = (lv.max - lv.min) / 200 || 1;
  const range = el('input', { type: 'range', min: lv.min, max: lv.max, step, 'data-path': lv.path, 'aria-label': lv.path,
    oninput: (e) => { for (const f of document.querySelectorAll(`input[type=text][data-path="${lv.path}"]`)) f.value = num(Number(e.target.value)); },
    onchange: (e) => setOverride(lv.path, Number(Number(e.target.value).toPrecision(6))) });
  const text = el('input', { type: 'text', 'data-path': lv.path, 'aria-label': lv.path, title: t('fixedNote'),
    onchange: (e) => { const v = e.target.value.trim(); setOverride(lv.path, v === '' ? lv.dist : parseValue(v)); } });
  const undo = el('button', { type: 'button', class: 'undo', title: t('undo'), text: '↺',
    onclick: () => { delete state.overrides[lv.path]; syncLevers(); schedule(); } });
  const st = lv.st !== null && lv.st !== undefined ? el('span', { class: 'st', title: "Sobol' ST", text: 'ST ' + lv.st.toFixed(2) }) : null;
  const dist = lv.uncertain ? lv.dist + ' · ' + num(lv.min) + ' – ' + num(lv.max) : t('fixed') + ' ' + num(Number(lv.dist));
  return el('div', { class: 'lever', 'data-lever': lv.path },
    el('div', { class: 'lname' }, el('span', { class: 'label', text: fieldLabel(lv.path, group) }),
      el('span', { class: 'field', text: lv.path }), el('span', { class: 'unit', text: unitOf(lv) }), st),
    el('div', { class: 'lctl' }, range, text, undo),
    el('div', { class: 'lrange', text: dist, title: lv.note || '' }));
}
function optionRow(o) {
  const sel = el('select', { 'data-path': o.path, 'aria-label': o.path,
    onchange: (e) => setOverride(o.path, parseValue(e.target.value)) });
  for (const c of o.choices) sel.append(el('option', { value: String(c), text: name(String(c)) + (typeof c === 'string' ? ' (' + c + ')' : '') }));
  return el('div', { class: 'lever', 'data-lever': o.path },
    el('div', { class: 'lname' }, el('span', { class: 'label', text: name(o.path.split('.')[1]) }), el('span', { class: 'field', text: o.path })),
    el('div', { class: 'lctl' }, sel));
}
function buildLevers() {
  const box = $('levers');
  box.textContent = '';
  const y = meta.scenario.options.peak_by;
  const inf = meta.influence;
  const top = inf.ranking.slice(0, 8).map((r) => leverByPath[r.path]).filter(Boolean);
  if (top.length) {
    const d = el('details', { open: true, 'data-group': '*top' },
      el('summary', { text: t('influential', { y }) }),
      el('div', { class: 'group-note', text: t('influentialNote', { n: inf.samples, r: inf.model_runs.toLocaleString('en-US'), s: inf.elapsed_s.toFixed(2) }) }));
    for (const lv of top) d.append(leverRow(lv, lv.group));
    box.append(d);
  }
  const od = el('details', { 'data-group': 'options' }, el('summary', { text: t('options') }));
  for (const o of meta.options) od.append(optionRow(o));
  box.append(od);
  const groups = [];
  for (const lv of meta.levers) {
    let g = groups.find((x) => x.key === lv.group);
    if (!g) { g = { key: lv.group, levers: [] }; groups.push(g); }
    g.levers.push(lv);
  }
  for (const g of groups) {
    const d = el('details', { 'data-group': g.key }, el('summary', { text: groupTitle(g.key) + ' ' }, el('span', { class: 'count' })));
    for (const lv of g.levers) d.append(leverRow(lv, g.key));
    box.append(d);
  }
}
function syncLevers() {
  for (const row of document.querySelectorAll('[data-lever]')) {
    const path = row.dataset.lever;
    const lv = leverByPath[path];
    const has = path in state.overrides;
    const v = has ? state.overrides[path] : (lv ? (lv.uncertain ? lv.dist : Number(lv.dist)) : optionBase(path));
    row.classList.toggle('changed', has);
    for (const inp of row.querySelectorAll('input,select')) {
      if (inp.type === 'range') inp.value = typeof v === 'number' ? v : lv.median;
      else if (inp.type === 'text') inp.value = typeof v === 'number' ? num(v) : String(v);
      else if (inp.tagName === 'SELECT') inp.value = String(v);
    }
  }
  for (const d of document.querySelectorAll('details[data-group]')) {
    const n = [...d.querySelectorAll('.lever.changed')].length;
    const c = d.querySelector('summary .count');
    if (c) c.textContent = n ? '(' + t('changed', { n }) + ')' : '';
    if (n) d.open = true;
  }
}

// ---------------------------------------------------------------- runs
function schedule() {
  writeUrl();
  markStale('pending');
  clearTimeout(timer);
  timer = setTimeout(runNow, 120);
}
async function post(path, body, signal) {
  const r = await fetch(path + '?lang=' + state.lang, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
  let j = null;
  try { j = await r.json(); } catch (_) { j = { error: r.status + ' ' + r.statusText }; }
  // Errors come in both languages: the page's own.
  if (j && j.error_en) j.error = zh() ? j.error_zh : j.error_en;
  return { ok: r.ok, status: r.status, j };
}
async function runNow() {
  if (inflight) inflight.abort(); // the server stops the abandoned run
  const ac = new AbortController();
  inflight = ac;
  const my = ++seq;
  document.body.dataset.state = 'running';
  $('status').textContent = t('running');
  const runs = state.runs || meta.defaults.runs;
  try {
    if (state.compare && (!base || base.runs !== runs)) {
      const b = await post('/api/run', { overrides: {}, runs }, ac.signal);
      if (b.ok) base = b.j;
    }
    const r = await post('/api/run', { overrides: state.overrides, runs }, ac.signal);
    if (my !== seq) return;
    if (!r.ok) {
      showError(r.j.error);
      markStale('error');
      document.body.dataset.state = 'error';
      $('status').textContent = t('error');
      return;
    }
    showError(ignoredNote);
    current = r.j;
    render();
    markStale(null);
    document.body.dataset.state = 'done';
    $('status').textContent = t('done', { n: r.j.runs.toLocaleString('en-US'), ms: Math.round(r.j.elapsed_ms) });
  } catch (e) {
    if (e.name !== 'AbortError') { showError(String(e)); markStale('error'); document.body.dataset.state = 'error'; }
  }
}
// Numbers on screen that are not those of the current levers are greyed, with a note saying
// why: a run is pending, or the last change failed (the previous run's numbers stay, stale).
let stale = null;
function markStale(why) {
  stale = current ? why : null;
  $('results').classList.toggle('stale', !!stale);
  $('results').dataset.stale = stale || '';
  const n = $('stale-note');
  n.hidden = !stale;
  n.textContent = stale ? t(stale === 'error' ? 'staleError' : 'stalePending') : '';
}
function showError(msg) {
  const e = $('error');
  e.hidden = !msg;
  e.textContent = msg || '';
  for (const f of document.querySelectorAll('.lever input')) f.classList.remove('bad');
  if (msg) for (const k of Object.keys(state.overrides)) if (msg.includes(k.split('.').slice(0, -1).join('.') || k)) {
    for (const f of document.querySelectorAll(`input[data-path="${k}"]`)) f.classList.add('bad');
  }
}

// ---------------------------------------------------------------- rendering
function risk(p) { return p >= 0.9 ? 'risk-high' : p >= 0.5 ? 'risk-mid' : 'risk-low'; }
function pbar(prob) {
  const b = el('span', { class: 'pbar', title: pct(prob.lo) + ' – ' + pct(prob.hi) });
  b.append(el('span', { class: risk(prob.p), style: `width:${100 * prob.p}%` }));
  b.append(el('i', { style: `left:${100 * prob.lo}%;width:${100 * (prob.hi - prob.lo)}%` }));
  return b;
}
function render() {
  if (!current) return;
  const y = current.peaked.by;
  const pk = current.peaked.probability;
  $('peak-label').textContent = t('peaked', { y });
  $('p-peak').textContent = pct(pk.p);
  $('p-peak').dataset.p = pk.p;
  $('p-peak-ci').textContent = t('ci') + ': ' + pct(pk.lo) + ' – ' + pct(pk.hi) + ` (k = ${pk.k}, n = ${pk.n})`;
  const np = current.peaked.not_peaked, rb = current.peaked.rebound;
  const iw = current.peaked.in_window, dc = current.peaked.declining_from_base_year;
  const ci = (p) => pct(p.p) + ' [' + pct(p.lo) + ' – ' + pct(p.hi) + ']';
  const warn = current.peaked.declining_warning[zh() ? 'zh' : 'en'];
  $('p-peak-more').textContent = t('inWindow', { a: iw.from, b: iw.to }) + ' ' + ci(iw.p) +
    ' · ' + t('declining', { y: dc.base_year }) + ' ' + ci(dc.p) +
    ' · ' + t('notPeaked', { y: current.years[current.years.length - 1] }) + ' ' + ci(np) +
    ' · ' + t('rebound') + ' ' + ci(rb) + ' (' + T[state.lang].after[current.peaked.after_last_milestone] + ')' +
    (warn ? ' · ' + warn : '');
  const bd = $('p-peak-base');
  bd.className = 'delta';
  bd.textContent = '';
  if (state.compare && base) {
    const d = 100 * (pk.p - base.peaked.probability.p);
    bd.textContent = t('base') + ' ' + pct(base.peaked.probability.p) + ' (' + (d >= 0 ? '+' : '') + d.toFixed(1) + ' ' + t('points') + ')';
    bd.classList.add(d > 0.05 ? 'up' : d < -0.05 ? 'down' : 'same');
  }
  $('peak-hist').replaceChildren(peakHist(current));
  renderHeadlines();
  renderFan();
  renderBoard();
}
function renderHeadlines() {
  const cols = el('div', { class: 'hl-years' });
  for (const h of current.headlines) {
    const tb = el('table', {}, el('tr', {}, el('th', { colspan: 3, text: String(h.year) })));
    const ci = (p) => pct(p.p) + ' [' + pct(p.lo) + ' – ' + pct(p.hi) + ']';
    const row = (label, a, key) => el('tr', { 'data-headline': h.year + ':' + key }, el('td', { text: label }),
      ...(a ? [el('td', { class: 'num', text: ci(a) }), el('td', {}, pbar(a))] : [el('td', { colspan: 2, class: 'muted', text: t('noTarget') })]));
    tb.append(row(t('allBinding'), h.all_modelled_met, 'modelled'));
    for (const b of h.binding) {
      const tag = b.kind === 'assumed' ? ' (' + t('assumed') + ')' : '';
      tb.append(el('tr', {}, el('td', { text: '★ ' + b.id + ' ' + (zh() ? b.name_zh : b.name_en) + tag }),
        el('td', { class: 'num', text: ci(b.p_met) }), el('td', {}, pbar(b.p_met))));
    }
    // The plan's assessed indicators (Huzhu's 1 and 14) under every rule (docs/model.md §6a),
    // the scenario's rule first.
    for (const r of current.assessment_rules.filter((x) => x.year === h.year)) {
      const names = [r.scenario_rule, ...['total', 'new_renewables_excluded', 'fossil_only'].filter((n) => n !== r.scenario_rule)];
      const cells = names.map((n) => T[state.lang].ruleNames[n] + ' ' + ci(r.p_met[n])).join('; ');
      tb.append(el('tr', { 'data-rules': h.year + ':' + r.indicator }, el('td', { text: r.indicator + ' ' + (zh() ? r.name_zh : r.name_en) }),
        el('td', { colspan: 2, class: 'num wrap', text: cells })));
    }
    if (current.cap) {
      const c = current.cap.years.find((x) => x.year === h.year);
      if (c) tb.append(row(t('capBinds'), c.p_binds, 'cap'));
    }
    for (const c of current.checks.filter((x) => x.year === h.year)) {
      const band = c.p5 === null ? '' : ' [' + num(c.p5) + ' – ' + num(c.p95) + ']';
      tb.append(el('tr', { 'data-check': c.variable + ':' + c.year }, el('td', { text: t('check') + ' ' + (c.name_zh ? (zh() ? c.name_zh : c.name_en) : c.variable) }),
        el('td', { colspan: 2, class: 'num wrap' + (c.outside_band ? ' down' : ''), text: t('expected') + ' ' + num(c.expected) + ' ' + unitOf(c) + ' · ' + num(c.central) + band + (c.outside_band ? ' · ' + t('outside') : '') })));
    }
    cols.append(tb);
  }
  $('headlines').replaceChildren(el('h2', { text: t('headlines') }), cols);
}
function renderBoard() {
  const rows = [...current.indicators].sort((a, b) => (b.binding - a.binding));
  const baseRow = (r) => base && state.compare ? base.indicators.find((x) => x.id === r.id && x.year === r.year) : null;
  const tb = el('table', {}, el('tr', {}, el('th', { text: t('indicator') }), el('th', { text: t('year') }),
    el('th', { class: 'num', text: t('target') }), el('th', { class: 'num', text: t('value') }), el('th', { text: t('pmet') }),
    state.compare && base ? el('th', { class: 'num', text: t('base') }) : null));
  for (const r of rows) {
    const nm = (r.binding ? '★ ' : '') + r.id + ' ' + (zh() ? r.name_zh : r.name_en);
    const target = r.target === null ? '' : (r.direction === 'at_least' ? '≥ ' : '≤ ') + num(r.target) + ' ' + unitOf(r);
    let p;
    if (r.status === 'evaluated') p = el('td', { class: 'num' }, pbar(r.p_met), ' ' + pct(r.p_met.p));
    else p = el('td', { text: r.status === 'no target' ? t('noTarget') : t('noValue') });
    const br = baseRow(r);
    tb.append(el('tr', { class: r.status === 'evaluated' ? '' : 'none', 'data-indicator': r.id + ':' + r.year },
      el('td', { text: nm }), el('td', { text: String(r.year) }), el('td', { class: 'num', text: target }),
      el('td', { class: 'num', text: r.median === undefined ? '' : num(r.median) }), p,
      state.compare && base ? el('td', { class: 'num', text: br && br.p_met ? pct(br.p_met.p) : '' }) : null));
  }
  $('board').replaceChildren(el('h2', { text: t('board') }), tb);
}

// ---------------------------------------------------------------- SVG charts
const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function niceTicks(lo, hi, n) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((v) => v >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
function renderFan() {
  const v = state.variable in current.summary ? state.variable : 'co2';
  const m = meta.charted.find((c) => c.name === v);
  const sel = $('var');
  if (!sel.options.length) {
    for (const c of meta.charted) sel.append(el('option', { value: c.name, text: zh() ? c.zh : c.en }));
  }
  sel.value = v;
  const series = [];
  if (state.compare && base) series.push({ d: base.summary[v], color: '#7f7f7f', label: t('base') + ': ' + (zh() ? base.scenario.name_zh : base.scenario.name_en) });
  series.push({ d: current.summary[v], color: '#1f77b4', label: t('current') });
  const title = (zh() ? m.zh : m.en) + ' (' + unitOf(current.summary[v]) + ')';
  // Drawn at the width it is shown at (text at its own size, not scaled down in a narrow window).
  const w = Math.round($('fan').clientWidth) || 760;
  $('fan').replaceChildren(fanSvg(current.years, series, title, current.peaked.by, Math.max(420, Math.min(1100, w))));
}
function fanSvg(years, series, title, mark, W) {
  const H = 400, L = 60, R = 14, TOP = 34;
  // The legend's entries flow into as many rows as the width needs, under the axis.
  const entries = [t('band90'), t('band50'), t('median'), t('central'), ...(series.length > 1 ? series.map((x) => x.label) : [])];
  const ew = (label) => 30 + label.length * (zh() ? 12 : 6.5);
  let rows = 1, fx = L;
  for (const e of entries) { if (fx > L && fx + ew(e) > W - R) { rows += 1; fx = L; } fx += ew(e); }
  const B = 44 + 16 * rows;
  const all = series.flatMap((x) => [...x.d.p5, ...x.d.p95, ...x.d.central.filter((c) => c !== null)]);
  let lo = Math.min(...all), hi = Math.max(...all);
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.1 || 1;
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad; hi += pad;
  const x = (yr) => L + (W - L - R) * (yr - years[0]) / (years[years.length - 1] - years[0]);
  const y = (val) => TOP + (H - TOP - B) * (1 - (val - lo) / (hi - lo));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': title });
  svg.append(s('text', { x: L, y: 20, 'font-size': 15, 'font-weight': 600, fill: '#212121' }, title));
  for (const v of niceTicks(lo, hi, 6)) {
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e1e1e1' }));
    svg.append(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#6e6e6e' }, num(v)));
  }
  for (const yr of years) {
    if (yr % 5 !== 0) continue;
    svg.append(s('line', { x1: x(yr), x2: x(yr), y1: H - B, y2: H - B + 4, stroke: '#6e6e6e' }));
    svg.append(s('text', { x: x(yr), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#6e6e6e' }, String(yr)));
  }
  svg.append(s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#6e6e6e' }));
  if (mark >= years[0] && mark <= years[years.length - 1]) {
    svg.append(s('line', { x1: x(mark), x2: x(mark), y1: TOP, y2: H - B, stroke: '#c80000', 'stroke-dasharray': '4 3' }));
  }
  const area = (a, b) => 'M' + years.map((yr, i) => `${x(yr).toFixed(1)},${y(a[i]).toFixed(1)}`).join('L') + 'L' +
    years.map((yr, i) => `${x(yr).toFixed(1)},${y(b[i]).toFixed(1)}`).reverse().join('L') + 'Z';
  const line = (a) => 'M' + years.map((yr, i) => (a[i] === null ? null : `${x(yr).toFixed(1)},${y(a[i]).toFixed(1)}`)).filter(Boolean).join('L');
  for (const sr of series) {
    const g = s('g', { 'data-series': sr.label });
    g.append(s('path', { d: area(sr.d.p5, sr.d.p95), fill: sr.color, 'fill-opacity': 0.15, stroke: sr.color, 'stroke-opacity': 0.35 }));
    g.append(s('path', { d: area(sr.d.p25, sr.d.p75), fill: sr.color, 'fill-opacity': 0.3 }));
    g.append(s('path', { d: line(sr.d.p50), fill: 'none', stroke: sr.color, 'stroke-width': 2 }));
    g.append(s('path', { d: line(sr.d.central), fill: 'none', stroke: sr.color, 'stroke-width': 1.5, 'stroke-dasharray': '5 4' }));
    svg.append(g);
  }
  // Legend: bands and lines, then one entry per series.
  let lx = L, ly = H - 6 - 16 * rows;
  const item = (draw, label) => {
    if (lx > L && lx + ew(label) > W - R) { lx = L; ly += 16; }
    svg.append(draw(lx));
    const tx = s('text', { x: lx + 22, y: ly + 4, 'font-size': 11, fill: '#212121' }, label);
    svg.append(tx);
    lx += ew(label);
  };
  const c0 = series[series.length - 1].color;
  item((px) => s('rect', { x: px, y: ly - 5, width: 18, height: 10, fill: c0, 'fill-opacity': 0.15 }), t('band90'));
  item((px) => s('rect', { x: px, y: ly - 5, width: 18, height: 10, fill: c0, 'fill-opacity': 0.45 }), t('band50'));
  item((px) => s('line', { x1: px, x2: px + 18, y1: ly, y2: ly, stroke: c0, 'stroke-width': 2 }), t('median'));
  item((px) => s('line', { x1: px, x2: px + 18, y1: ly, y2: ly, stroke: c0, 'stroke-dasharray': '5 4' }), t('central'));
  if (series.length > 1) for (const sr of series) item((px) => s('rect', { x: px, y: ly - 5, width: 18, height: 10, fill: sr.color }), sr.label);
  return svg;
}
function peakHist(r) {
  const W = 220, H = 90, B = 16;
  const bars = r.peak_year;
  const max = Math.max(...bars.map((b) => b.p), 1e-9);
  const bw = W / bars.length;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H + 14}`, width: '100%', role: 'img', 'aria-label': t('peakHist') });
  svg.append(s('text', { x: 0, y: 10, 'font-size': 10, fill: '#555' }, t('peakHist')));
  // Every category has its bar: declining from the base year (first, blue), the years, and
  // not peaked within the horizon (last, grey).
  const last = r.years[r.years.length - 1];
  bars.forEach((b, i) => {
    const h = (H - B - 8) * b.p / max;
    const fill = b.kind === 'declining' ? '#1f77b4' : b.kind === 'not_peaked' ? '#7f7f7f' : b.year <= r.peaked.by ? '#2ca02c' : '#d62728';
    const label = b.kind === 'declining' ? t('declining', { y: b.year }) : b.kind === 'not_peaked' ? t('notPeaked', { y: last }) : String(b.year);
    const bar = s('rect', { x: i * bw + 1, y: H - B - h + 14, width: bw - 2, height: h, fill, 'data-kind': b.kind });
    bar.append(s('title', {}, label + ': ' + pct(b.p)));
    svg.append(bar);
    if (b.kind === 'year' && b.year % 5 === 0) svg.append(s('text', { x: Math.min(Math.max(i * bw + bw / 2, 10), W - 12), y: H + 12, 'text-anchor': 'middle', 'font-size': 9, fill: '#555' }, String(b.year)));
  });
  return svg;
}

// ---------------------------------------------------------------- save
async function save(overwrite) {
  const name = $('save-name').value.trim();
  const msg = $('save-msg');
  msg.className = '';
  msg.textContent = '…';
  $('overwrite-btn').hidden = true;
  const title = $('save-title').value.trim();
  const r = await post('/api/save', { name, ...(title ? { display_name: title } : {}), overrides: state.overrides, overwrite: !!overwrite });
  if (r.ok) {
    msg.className = 'ok';
    msg.textContent = '✓ ' + t('saved', { path: r.j.path, n: r.j.parameters, u: r.j.uncertain });
    $('save-toml').hidden = false;
    $('save-toml').textContent = r.j.toml;
    pendingSave = null;
  } else {
    msg.className = 'err';
    msg.textContent = r.j.error;
    $('save-toml').hidden = true;
    if (r.status === 409) { pendingSave = name; $('overwrite-btn').hidden = false; }
  }
}

// ---------------------------------------------------------------- start
function applyLang() {
  document.documentElement.lang = state.lang;
  $('title').textContent = t('title');
  $('lang').textContent = T[state.lang].other;
  for (const e of document.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  $('scenario-name').textContent = (zh() ? meta.scenario.scenario.name_zh : meta.scenario.scenario.name_en) || meta.scenario.scenario.id;
  $('save-note').textContent = t('saveNote', { dir: meta.defaults.save_dir });
  $('foot').textContent = t('foot', { seed: meta.defaults.seed, src: meta.source });
  $('var').replaceChildren();
  buildLevers();
  syncLevers();
  render();
  markStale(stale);
}
async function start() {
  readUrl();
  const r = await fetch('/api/scenario');
  meta = await r.json();
  for (const lv of meta.levers) leverByPath[lv.path] = lv;
  // A link changes only what the page shows as changed: any other key is refused, not run.
  const shown = (k) => k in leverByPath || (meta.options || []).some((o) => o.path === k);
  const ignored = Object.keys(state.overrides).filter((k) => !shown(k));
  for (const k of ignored) delete state.overrides[k];
  if (ignored.length) ignoredNote = t('ignored', { keys: ignored.map((k) => 'set.' + k).join(', ') });
  $('runs').value = state.runs || meta.defaults.runs;
  $('runs').max = meta.defaults.max_runs;
  $('compare').checked = state.compare;
  $('runs').addEventListener('change', (e) => { const n = Number(e.target.value); state.runs = Number.isInteger(n) && n > 0 ? n : null; schedule(); });
  $('compare').addEventListener('change', (e) => { state.compare = e.target.checked; schedule(); });
  $('var').addEventListener('change', (e) => { state.variable = e.target.value; writeUrl(); renderFan(); });
  let resized = null;
  window.addEventListener('resize', () => { clearTimeout(resized); resized = setTimeout(() => { if (current) renderFan(); }, 150); });
  $('reset').addEventListener('click', () => { state.overrides = {}; syncLevers(); schedule(); });
  $('lang').addEventListener('click', () => { state.lang = zh() ? 'en' : 'zh'; writeUrl(); applyLang(); });
  $('save-btn').addEventListener('click', () => save(false));
  $('overwrite-btn').addEventListener('click', () => save(true));
  applyLang();
  schedule();
}
start();
