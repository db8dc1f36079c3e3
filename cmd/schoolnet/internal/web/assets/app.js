// schoolnet teaching lab: the page's own small script. No library, no
// network beyond this server: charts and the network are inline SVG.
'use strict';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const lab = {
  config: null,
  source: { scenario: 'baseline' }, // or { file, toml }
  current: null, // the run on screen: { id, scenario, settings, points, status, network }
  pinned: null,
  es: null,
};

// ---- the API ----

async function api(path, opts) {
  const res = await fetch(path, opts);
  let body = null;
  if (res.status !== 204) {
    try { body = await res.json(); } catch (e) { body = null; }
  }
  if (!res.ok) {
    throw new Error(body && body.error ? body.error : `${res.status} ${res.statusText}`);
  }
  return body;
}

function post(path, body) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

// ---- formatting ----

const fmtInt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const fmtNum = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

function fmt(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (unit === 'RMB' || unit === 'hours') return fmtInt.format(x);
  if (unit === 'SD per 1M RMB') return x.toFixed(4);
  return x.toFixed(3);
}

function signed(x, unit) {
  if (x === null || x === undefined) return '–';
  const s = fmt(x, unit);
  return x >= 0 ? '+' + s : s;
}

function showMessage(text) {
  const m = $('message');
  m.textContent = text || '';
  m.hidden = !text;
}

function setStatus(text, bad) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('bad', !!bad);
}

// ---- controls ----

const sliders = {
  funding: (v) => fmtInt.format(v) + ' RMB',
  rotation: (v) => Math.round(v * 100) + '%',
  pairing: (v) => Math.round(v * 100) + '%',
  mentoring: (v) => (+v).toFixed(2),
};

function updateOutputs() {
  for (const [id, f] of Object.entries(sliders)) {
    $(id + '-out').textContent = f(+$(id).value);
  }
  $('mentoring').disabled = +$('pairing').value === 0;
}

function setControls(st) {
  const f = $('funding');
  f.max = Math.max(3000000, st.funding_per_school);
  f.value = st.funding_per_school;
  $('rotation').value = st.rotation_share;
  $('pairing').value = st.pairing_share;
  $('mentoring').value = st.mentoring_intensity;
  $('alliance').value = st.alliance;
  $('rule').value = st.selection_rule;
  $('years').value = st.years;
  $('reps').value = st.replications;
  // The seed follows the scenario, except while a run is pinned: then it
  // stays the pinned run's, so that the next run is paired with it.
  if (!lab.pinned || $('seed').value === '') $('seed').value = st.seed;
  updateOutputs();
}

function readControls() {
  return {
    funding_per_school: +$('funding').value,
    rotation_share: +$('rotation').value,
    pairing_share: +$('pairing').value,
    mentoring_intensity: +$('mentoring').value,
    alliance: $('alliance').value,
    selection_rule: $('rule').value,
    years: parseInt($('years').value, 10),
    replications: parseInt($('reps').value, 10),
    seed: parseInt($('seed').value, 10),
  };
}

function describeScenario(info) {
  $('scenario-desc').textContent = info.description || '';
  const pol = info.policies && info.policies.length ? info.policies.join(', ') : 'no policies';
  $('scenario-facts').textContent =
    `${fmtInt.format(info.schools)} schools, about ${fmtInt.format(info.students)} students; ${pol}; ${info.spin_up_years} spin-up years.`;
  if (info.limit) showMessage('As it stands this scenario cannot run here: ' + info.limit);
}

async function chooseScenario(name) {
  if (name === '') return; // the uploaded file's entry
  showMessage('');
  $('upload').value = '';
  const up = $('scenario').querySelector('option[value=""]');
  if (up) up.remove();
  lab.source = { scenario: name };
  try {
    const info = await api('/api/scenarios/' + encodeURIComponent(name));
    setControls(info.settings);
    describeScenario(info);
  } catch (e) {
    showMessage(e.message);
  }
}

async function uploadScenario(file) {
  showMessage('');
  const limit = lab.config.limits.max_upload;
  if (file.size > limit) {
    showMessage(`${file.name} is ${(file.size / 1024).toFixed(1)} KiB; this server accepts scenario files up to ${(limit / 1024).toFixed(0)} KiB (schoolnet serve --max-upload).`);
    return;
  }
  const toml = await file.text();
  try {
    const info = await post('/api/inspect', { file: file.name, toml });
    lab.source = { file: file.name, toml };
    let opt = $('scenario').querySelector('option[value=""]');
    if (!opt) {
      opt = document.createElement('option');
      opt.value = '';
      $('scenario').prepend(opt);
    }
    opt.textContent = 'uploaded: ' + file.name;
    $('scenario').value = '';
    setControls(info.settings);
    describeScenario(info);
    $('scenario-desc').textContent = `Uploaded ${file.name}` + (info.description ? ': ' + info.description : '');
  } catch (e) {
    showMessage(e.message);
  }
}

// ---- runs ----

async function startRun(ev) {
  ev.preventDefault();
  showMessage('');
  $('notes').replaceChildren();
  if (lab.es) { lab.es.close(); lab.es = null; }
  // A run still going on screen gives way to the new one.
  const prev = lab.current;
  if (prev && prev.status && ['queued', 'running'].includes(prev.status.state)) {
    fetch(`/api/runs/${prev.id}/cancel`, { method: 'POST' });
  }
  const body = Object.assign({ settings: readControls() }, lab.source);
  let sub;
  try {
    sub = await post('/api/runs', body);
  } catch (e) {
    showMessage(e.message);
    return;
  }
  for (const n of sub.notes || []) {
    const li = document.createElement('li');
    li.textContent = n;
    $('notes').append(li);
  }
  lab.current = { id: sub.id, scenario: sub.scenario, settings: sub.settings, points: [], status: sub.status, network: null };
  $('pin').disabled = true;
  $('stop').disabled = false;
  $('compare').hidden = true;
  $('downloads').hidden = !lab.pinned;
  renderDownloads();
  showStatus(sub.status);
  drawCharts();
  drawNetwork();
  listen(lab.current);
}

function listen(run) {
  const es = new EventSource(`/api/runs/${run.id}/events`);
  lab.es = es;
  es.addEventListener('status', (e) => {
    const st = JSON.parse(e.data);
    run.status = st;
    showStatus(st);
    if (['done', 'failed', 'cancelled'].includes(st.state)) {
      es.close();
      if (lab.es === es) lab.es = null;
      $('stop').disabled = true;
      if (st.state === 'done') finished(run);
    }
  });
  es.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    const phase = { generating: 'Generating the schools…', 'spin-up': `Spin-up year ${p.year} of ${p.of} (no policies yet)`, simulating: p.year === 0 ? 'Baseline (year 0) measured' : `Year ${p.year} of ${p.of} simulated` }[p.phase];
    setStatus(phase);
    const total = run.settings.years + 1;
    $('progress').value = p.phase === 'simulating' ? (p.year + 1) / total : 0;
  });
  es.addEventListener('year', (e) => {
    const pt = JSON.parse(e.data);
    run.points[pt.year] = pt;
    drawCharts();
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED && run.status && !['done', 'failed', 'cancelled'].includes(run.status.state)) {
      setStatus('Lost the connection to the server.', true);
    }
  };
}

function showStatus(st) {
  const limits = lab.config.limits;
  switch (st.state) {
    case 'queued':
      setStatus(`Queued: place ${st.position} of ${st.queued} waiting; this server runs ${limits.max_running} at once.`);
      $('progress').value = 0;
      break;
    case 'running':
      setStatus('Running…');
      break;
    case 'done':
      setStatus(`Done: ${lab.current ? lab.current.scenario : ''}, ${lab.current ? lab.current.settings.replications : ''} replications.`);
      $('progress').value = 1;
      break;
    case 'failed':
      setStatus('The run failed: ' + st.reason, true);
      break;
    case 'cancelled':
      setStatus('Cancelled: ' + st.reason, true);
      break;
  }
}

async function finished(run) {
  $('pin').disabled = false;
  try {
    run.network = await api(`/api/runs/${run.id}/network`);
  } catch (e) {
    showMessage(e.message);
  }
  drawNetwork();
  renderDownloads();
  if (lab.pinned && lab.pinned.id !== run.id) compare();
}

function pin() {
  if (!lab.current || !lab.current.status || lab.current.status.state !== 'done') return;
  lab.pinned = lab.current;
  $('pinned-label').textContent = `pinned: ${lab.pinned.scenario} (${settingsLine(lab.pinned.settings)})`;
  $('pin').disabled = true;
  $('compare').hidden = true;
  drawCharts();
  renderDownloads();
  setStatus('Pinned. Change a control and run again to compare.');
}

function settingsLine(s) {
  const parts = [];
  if (s.funding_per_school > 0) parts.push(`funding ${fmtInt.format(s.funding_per_school)} RMB`);
  if (s.rotation_share > 0) parts.push(`rotation ${Math.round(s.rotation_share * 100)}%`);
  if (s.pairing_share > 0) parts.push(`pairing ${Math.round(s.pairing_share * 100)}%, mentoring ${s.mentoring_intensity}`);
  if (s.alliance !== 'none') parts.push(`alliance ${s.alliance}`);
  parts.push(`rule ${s.selection_rule}`);
  return parts.join(', ');
}

const labels = {
  funding_per_school: 'funding per school', rotation_share: 'rotation share', pairing_share: 'pairing share',
  mentoring_intensity: 'principal mentoring', alliance: 'alliance', selection_rule: 'selection rule',
  years: 'years', replications: 'replications', seed: 'seed',
};

async function compare() {
  const a = lab.pinned, b = lab.current;
  try {
    const c = await api(`/api/compare?a=${a.id}&b=${b.id}`);
    $('col-a').textContent = `pinned: ${c.runs.a.scenario}`;
    $('col-b').textContent = `this run: ${c.runs.b.scenario}`;
    const diffs = [];
    for (const k of Object.keys(labels)) {
      const va = c.runs.a.settings[k], vb = c.runs.b.settings[k];
      const show = (v) => (typeof v === 'number' && k !== 'seed' ? fmtNum.format(v) : v);
      if (va !== vb) diffs.push(`${labels[k]} ${show(va)} → ${show(vb)}`);
    }
    if (c.runs.a.scenario !== c.runs.b.scenario) diffs.unshift(`scenario ${c.runs.a.scenario} → ${c.runs.b.scenario}`);
    $('compare-note').textContent =
      `Changed: ${diffs.length ? diffs.join('; ') : 'nothing (the same settings give the same numbers)'}. ` +
      `Differences are this run minus the pinned run, paired replication by replication (${c.replications} replications, seed ${c.seed}, common random numbers), outcomes at year ${c.year}.`;
    const rows = c.rows.map((r) => {
      const tr = document.createElement('tr');
      tr.title = r.description;
      let cls = 'flat';
      if (r.lo !== null && r.hi !== null && (r.lo > 0 || r.hi < 0)) cls = r.diff > 0 ? 'up' : 'down';
      const cells = [r.outcome.replaceAll('_', ' '), r.unit, fmt(r.a, r.unit), fmt(r.b, r.unit), signed(r.diff, r.unit),
        r.lo === null ? '–' : `[${signed(r.lo, r.unit)}, ${signed(r.hi, r.unit)}]`];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 4) td.className = cls;
        tr.append(td);
      });
      return tr;
    });
    document.querySelector('#compare-table tbody').replaceChildren(...rows);
    $('compare').hidden = false;
  } catch (e) {
    showMessage('Comparison: ' + e.message);
  }
}

function renderDownloads() {
  const box = $('download-links');
  box.replaceChildren();
  const add = (run, label) => {
    if (!run || !run.status || run.status.state !== 'done') return;
    const p = document.createElement('p');
    p.append(`${label} (${run.scenario}): `);
    for (const f of lab.config.files.concat(['results.zip'])) {
      const a = document.createElement('a');
      a.href = f === 'results.zip' ? `/api/runs/${run.id}/results.zip` : `/api/runs/${run.id}/files/${f}`;
      a.textContent = f;
      a.setAttribute('download', '');
      p.append(a);
    }
    box.append(p);
  };
  add(lab.current, 'This run');
  if (lab.pinned !== lab.current) add(lab.pinned, 'Pinned run');
  $('downloads').hidden = box.childElementCount === 0;
}

// ---- charts ----

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.append(e);
  return e;
}

function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

function buildCharts() {
  const box = $('charts');
  box.replaceChildren();
  lab.config.series.forEach((s, i) => {
    const fig = document.createElement('figure');
    fig.className = 'chart';
    const cap = document.createElement('figcaption');
    cap.append(s.label + ' ');
    const unit = document.createElement('span');
    unit.textContent = `(${s.unit})`;
    cap.append(unit);
    fig.append(cap);
    const svg = el('svg', { id: 'chart-' + i, viewBox: '0 0 320 170', role: 'img', 'aria-label': s.label }, fig);
    svg.dataset.key = s.key;
    box.append(fig);
  });
}

function drawCharts() {
  lab.config.series.forEach((s, i) => drawChart($('chart-' + i), i));
}

function drawChart(svg, i) {
  svg.replaceChildren();
  const W = 320, H = 170, L = 46, R = 10, T = 8, B = 24;
  const runs = [];
  if (lab.pinned && lab.pinned !== lab.current) runs.push({ run: lab.pinned, cls: 'pinned' });
  if (lab.current) runs.push({ run: lab.current, cls: 'current' });
  const pts = runs.map(({ run, cls }) => ({ cls, pts: run.points.filter(Boolean).map((p) => ({ year: p.year, v: p.values[i] })) }));
  const all = pts.flatMap((p) => p.pts);
  if (all.length === 0) {
    el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = 'no data yet: press Run';
    return;
  }
  let maxYear = 1;
  for (const { run } of runs) maxYear = Math.max(maxYear, run.settings.years);
  let lo = Infinity, hi = -Infinity;
  for (const p of all) {
    lo = Math.min(lo, p.v.lo ?? p.v.mean, p.v.mean);
    hi = Math.max(hi, p.v.hi ?? p.v.mean, p.v.mean);
  }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const ticks = niceTicks(lo, hi, 4);
  lo = Math.min(lo, ticks[0]); hi = Math.max(hi, ticks[ticks.length - 1]);
  const x = (yr) => L + (W - L - R) * yr / maxYear;
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const grid = el('g', { class: 'grid' }, svg);
  const axis = el('g', { class: 'axis' }, svg);
  for (const t of ticks) {
    el('line', { x1: L, x2: W - R, y1: y(t), y2: y(t) }, grid);
    el('text', { x: L - 5, y: y(t) + 3, 'text-anchor': 'end', class: 'tick' }, svg).textContent = +t.toPrecision(4);
  }
  const step = maxYear > 12 ? Math.ceil(maxYear / 8) : 1;
  for (let yr = 0; yr <= maxYear; yr += step) {
    el('text', { x: x(yr), y: H - B + 13, 'text-anchor': 'middle', class: 'tick' }, svg).textContent = yr;
  }
  el('text', { x: W - R, y: H - 2, 'text-anchor': 'end', class: 'tick' }, svg).textContent = 'year';
  el('path', { d: `M${L},${T}V${H - B}H${W - R}` }, axis);
  for (const { cls, pts: ps } of pts) {
    if (ps.length === 0) continue;
    const band = ps.filter((p) => p.v.lo !== null && p.v.hi !== null);
    if (band.length > 0) {
      const top = band.map((p) => `${x(p.year)},${y(p.v.hi)}`);
      const bottom = band.slice().reverse().map((p) => `${x(p.year)},${y(p.v.lo)}`);
      el('polygon', { points: top.concat(bottom).join(' '), class: 'band ' + cls }, svg);
    }
    el('path', { d: 'M' + ps.map((p) => `${x(p.year)},${y(p.v.mean)}`).join('L'), class: 'mean ' + cls }, svg);
    for (const p of ps) {
      const c = el('circle', { cx: x(p.year), cy: y(p.v.mean), r: 2.5, class: 'dot ' + cls }, svg);
      el('title', {}, c).textContent = `year ${p.year}: ${p.v.mean.toFixed(3)}` + (p.v.lo !== null ? ` [${p.v.lo.toFixed(3)}, ${p.v.hi.toFixed(3)}]` : '');
    }
  }
}

// ---- network ----

function viridis(t) {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(t));
  const f = t - k;
  const c = stops[k].map((a, j) => Math.round(a + (stops[k + 1][j] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const COMPOSITE_RANGE = 1.5; // colour scale: −1.5 to +1.5 SD

function drawNetwork() {
  const which = $('net-run').value === 'pinned' && lab.pinned ? lab.pinned : lab.current;
  const net = which && which.network;
  const svg = $('net');
  svg.replaceChildren();
  if (!net || net.years.length === 0) {
    $('network').hidden = !(lab.pinned && lab.pinned.network);
    el('text', { x: 320, y: 210, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = 'the network appears when the run has finished';
    return;
  }
  $('network').hidden = false;
  const slider = $('net-year');
  slider.max = net.years.length - 1;
  if (+slider.value > +slider.max) slider.value = slider.max;
  const yi = +slider.value;
  const yr = net.years[yi];
  $('net-year-out').textContent = yr.year === 0 ? '0 (baseline)' : yr.year;

  const W = 640, H = 420, P = 22, LEG = 90;
  const xs = net.schools.map((s) => s.x), ys = net.schools.map((s) => s.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const scale = Math.min((W - LEG - 2 * P) / (x1 - x0 || 1), (H - 2 * P) / (y1 - y0 || 1));
  const px = (s) => P + (s.x - x0) * scale;
  const py = (s) => H - P - (s.y - y0) * scale;
  const maxN = Math.max(1, ...yr.students);
  const radius = (n) => 2.5 + 9 * Math.sqrt(n / maxN);

  const edges = el('g', {}, svg);
  const line = (a, b, cls) => el('line', { x1: px(net.schools[a]), y1: py(net.schools[a]), x2: px(net.schools[b]), y2: py(net.schools[b]), class: cls }, edges);
  const allianceHub = new Map();
  net.schools.forEach((s, i) => {
    if (yr.pair[i] >= 0 && i < yr.pair[i]) line(i, yr.pair[i], 'e-pair');
    if (yr.pair[i] >= 0 && i > yr.pair[i] && yr.pair[yr.pair[i]] !== i) line(i, yr.pair[i], 'e-pair');
    if (yr.group[i] >= 0 && yr.group[i] !== i) line(i, yr.group[i], 'e-group');
    if (yr.alliance[i] >= 0) {
      const hub = allianceHub.get(yr.alliance[i]);
      if (hub === undefined) allianceHub.set(yr.alliance[i], i);
      else line(hub, i, 'e-alliance');
    }
  });
  const nodes = el('g', {}, svg);
  const order = net.schools.map((_, i) => i).sort((a, b) => yr.students[b] - yr.students[a]);
  for (const i of order) {
    const s = net.schools[i];
    const c = el('circle', {
      cx: px(s), cy: py(s), r: radius(yr.students[i]),
      fill: viridis((yr.composite[i] + COMPOSITE_RANGE) / (2 * COMPOSITE_RANGE)),
      class: 'school' + (yr.treated[i] ? ' treated' : ''),
    }, nodes);
    const ties = [];
    if (yr.pair[i] >= 0) ties.push(`paired with school ${yr.pair[i]}`);
    if (yr.group[i] >= 0) ties.push(yr.lead[i] ? 'leads its education group' : `in the group of school ${yr.group[i]}`);
    if (yr.alliance[i] >= 0) ties.push(`alliance ${yr.alliance[i]}`);
    el('title', {}, c).textContent = `school ${i} (${s.tier}, district ${s.district}): ${yr.students[i]} students, achievement ${yr.composite[i].toFixed(2)} SD` +
      (yr.treated[i] ? ', treated' : '') + (ties.length ? '; ' + ties.join(', ') : '');
  }
  // Colour legend.
  const defs = el('defs', {}, svg);
  const grad = el('linearGradient', { id: 'ach', x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
  for (let k = 0; k <= 4; k++) el('stop', { offset: k / 4, 'stop-color': viridis(k / 4) }, grad);
  const gx = W - LEG + 30, gy = 40, gh = 160;
  el('rect', { x: gx, y: gy, width: 14, height: gh, fill: 'url(#ach)' }, svg);
  el('text', { x: gx - 4, y: gy - 10, class: 'label' }, svg).textContent = 'achievement';
  for (const v of [COMPOSITE_RANGE, 0, -COMPOSITE_RANGE]) {
    el('text', { x: gx + 18, y: gy + gh * (COMPOSITE_RANGE - v) / (2 * COMPOSITE_RANGE) + 4, class: 'label' }, svg).textContent = (v > 0 ? '+' : '') + v + ' SD';
  }
  el('circle', { cx: gx + 7, cy: gy + gh + 40, r: radius(maxN), fill: '#ccd3da' }, svg);
  el('text', { x: gx - 8, y: gy + gh + 70, class: 'label' }, svg).textContent = fmtInt.format(maxN) + ' students';
}

// ---- start ----

async function pollQueue() {
  try {
    const q = await api('/api/queue');
    $('server-load').textContent = `Server: ${q.running} of ${q.max_running} running, ${q.queued} waiting`;
  } catch (e) {
    $('server-load').textContent = 'Server unreachable';
  }
}

async function init() {
  lab.config = await api('/api/config');
  const l = lab.config.limits;
  $('years').max = l.max_years;
  $('reps').max = l.max_reps;
  $('limits').textContent = `This server runs at most ${fmtInt.format(l.max_schools)} schools, ${fmtInt.format(l.max_students)} students, ` +
    `${l.max_reps} replications and ${l.max_years} years per run, ${l.max_running} runs at once (more wait in a queue of ${l.max_queued}), ` +
    `scenario files up to ${(l.max_upload / 1024).toFixed(0)} KiB. A run whose page is closed is cancelled after ${lab.config.grace_seconds} s.`;
  buildCharts();
  drawCharts();
  const list = await api('/api/scenarios');
  const sel = $('scenario');
  for (const s of list) {
    const o = document.createElement('option');
    o.value = s.Name;
    o.textContent = s.Name;
    o.title = s.Description;
    sel.append(o);
  }
  sel.value = 'baseline';
  sel.addEventListener('change', () => chooseScenario(sel.value));
  $('upload').addEventListener('change', (e) => { if (e.target.files.length) uploadScenario(e.target.files[0]); });
  for (const id of Object.keys(sliders)) $(id).addEventListener('input', updateOutputs);
  $('controls').addEventListener('submit', startRun);
  $('stop').addEventListener('click', () => { if (lab.current) fetch(`/api/runs/${lab.current.id}/cancel`, { method: 'POST' }); });
  $('pin').addEventListener('click', pin);
  $('net-year').addEventListener('input', drawNetwork);
  $('net-run').addEventListener('change', drawNetwork);
  window.addEventListener('pagehide', () => {
    const c = lab.current;
    if (c && c.status && ['queued', 'running'].includes(c.status.state)) navigator.sendBeacon(`/api/runs/${c.id}/cancel`);
  });
  await chooseScenario('baseline');
  pollQueue();
  setInterval(pollQueue, 3000);
  document.body.dataset.ready = 'true';
}

init().catch((e) => showMessage('The page could not start: ' + e.message));
