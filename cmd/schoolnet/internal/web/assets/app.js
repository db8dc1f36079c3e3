// schoolnet teaching lab: the page's own small script. No library, no
// network beyond this server: charts and the network are inline SVG.
'use strict';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const FINAL = ['done', 'failed', 'cancelled'];

const lab = {
  config: null,
  serverID: '',
  source: { scenario: 'baseline' }, // or { file, toml }
  info: null, // the chosen scenario's description (its own settings, policy years)
  current: null, // the run on screen
  pinned: null, // the run it is compared with
  lastEvent: 0,
  online: true,
  checking: false,
  steady: {}, // per series: the y-range the steady axes have shown
  teacher: null, // the teacher token, on the teacher's page
  member: null, // { token, code, name } on a student's page in a class
  session: null, // the class session (sessionInfo)
  boardTimer: 0,
  net: { run: null, rep: 0, school: -1, layout: null },
  unhandled: 0, // promise rejections nothing handled (a test reads it)
};

// ---- storage: a browser that refuses it still works, without memory ----

const store = {
  get(area, key) {
    try { const v = window[area].getItem('schoolnet.' + key); return v === null ? null : JSON.parse(v); } catch (e) { return null; }
  },
  set(area, key, v) {
    try { window[area].setItem('schoolnet.' + key, JSON.stringify(v)); } catch (e) { /* full or refused: not kept */ }
  },
  del(area, key) {
    try { window[area].removeItem('schoolnet.' + key); } catch (e) { /* refused */ }
  },
};

// ---- the API ----

class ApiError extends Error {
  constructor(message, status, kind) {
    super(message);
    this.status = status;
    this.kind = kind;
  }
}

const UNREACHABLE = "Cannot reach the lab's server: is it still running, and is this device on its network? The page keeps trying and says when it is back.";

function classToken() {
  if (lab.teacher) return lab.teacher;
  if (lab.member) return lab.member.token;
  return '';
}

async function api(path, opts = {}) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeout || 20000);
  const headers = Object.assign({}, opts.headers);
  const tok = opts.token === undefined ? classToken() : opts.token;
  if (tok) headers['X-Class-Token'] = tok;
  let res;
  try {
    res = await fetch(path, { method: opts.method || 'GET', headers, body: opts.body, signal: ctl.signal });
  } catch (e) {
    if (!opts.quiet) checkServer();
    throw new ApiError(UNREACHABLE, 0, 'network');
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  if (res.status !== 204) {
    try { body = await res.json(); } catch (e) { body = null; }
  }
  if (!res.ok) {
    const msg = body && body.error ? body.error : `the server answered ${res.status} ${res.statusText}`;
    throw new ApiError(msg, res.status, body && body.kind);
  }
  return body;
}

function post(path, body, opts = {}) {
  return api(path, Object.assign({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, opts));
}

// cancelRun asks the server to stop a run; a failure only means it is
// gone already.
function cancelRun(run) {
  if (!run || run.gone) return;
  post(`/api/runs/${run.id}/cancel`, {}).catch(() => {});
}

// ---- formatting ----

const fmtInt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const fmtOne = new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function fmt(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  switch (unit) {
    case 'RMB': return Math.abs(x) >= 1e5 ? fmtOne.format(x / 1e6) + ' M RMB' : fmtInt.format(x) + ' RMB';
    case 'million RMB': return fmtOne.format(x) + ' M RMB';
    case 'hours': return fmtInt.format(x) + ' h';
    case 'SD': return x.toFixed(3) + ' SD';
    case 'SD per 1M RMB': return x.toFixed(4) + ' SD';
  }
  return x.toFixed(3);
}

function signed(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const s = fmt(Math.abs(x), unit);
  if (Math.abs(x) < 5e-13) return s;
  return (x > 0 ? '+' : '−') + s;
}

function showMessage(text, where = 'message') {
  const m = $(where);
  m.textContent = text || '';
  m.hidden = !text;
}

function setStatus(text, bad) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('bad', !!bad);
}

function banner(text, kind) {
  const b = $('connection');
  clearTimeout(banner.timer);
  b.textContent = text || '';
  b.hidden = !text;
  b.className = 'banner ' + (kind || '');
  if (kind === 'ok') banner.timer = setTimeout(() => { b.hidden = true; }, 8000);
}

// ---- controls ----

const sliders = {
  funding: (v) => fmtInt.format(v) + ' RMB',
  rotation: (v) => Math.round(v * 100) + '%',
  pairing: (v) => Math.round(v * 100) + '%',
  mentoring: (v) => (+v).toFixed(2),
};

// The numeric fields: what they are, and their range from the server
// (the model's range tables and this server's limits).
const fields = {
  years: { label: 'Years', key: 'years', limit: 'max_years' },
  reps: { label: 'Repeats', key: 'replications', limit: 'max_reps' },
  seed: { label: 'The seed', key: 'seed' },
  'funding-exact': { label: 'Funding', key: 'funding_per_school', money: true },
  'class-reps': { label: 'Repeats', key: 'replications', limit: 'max_reps' },
};

function fieldRange(id) {
  const f = fields[id];
  const r = lab.config.controls[f.key];
  let hi = r.max;
  if (f.limit) hi = Math.min(hi, lab.config.limits[f.limit]);
  return [r.min, hi];
}

// readField returns a field's whole number, or an error saying what is
// wrong in words: an empty or malformed field is never taken as a default.
function readField(id) {
  const f = fields[id];
  const [lo, hi] = fieldRange(id);
  const raw = $(id).value.trim();
  const range = `from ${fmtInt.format(lo)} to ${fmtInt.format(hi)}`;
  if (raw === '') return { error: `${f.label}: enter a whole number ${range}.` };
  const digits = f.money ? raw.replace(/[,\s_]/g, '') : raw;
  if (!/^[0-9]+$/.test(digits)) return { error: `${f.label}: “${raw}” is not a whole number; type digits only, ${range}.` };
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n < lo || n > hi) return { error: `${f.label} must be ${range}; ${raw} is out of range.` };
  return { value: n };
}

function markField(id, error) {
  const input = $(id);
  const err = $(id + '-err');
  input.setAttribute('aria-invalid', error ? 'true' : 'false');
  err.textContent = error || '';
  err.hidden = !error;
}

function checkField(id) {
  const r = readField(id);
  markField(id, r.error);
  return r;
}

function updateOutputs() {
  for (const [id, f] of Object.entries(sliders)) $(id + '-out').textContent = f(+$(id).value);
  $('mentoring').disabled = +$('pairing').value === 0;
}

function setFunding(v) {
  const f = $('funding');
  f.max = Math.max(+f.dataset.span, v);
  f.value = v;
  $('funding-exact').value = String(v);
  markField('funding-exact', '');
}

function setControls(st) {
  setFunding(st.funding_per_school);
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
  for (const id of ['years', 'reps', 'seed']) markField(id, '');
  updateOutputs();
}

// readControls returns the settings, or null after flagging every field
// that is not valid and moving the focus to the first.
function readControls() {
  const bad = [];
  const out = {};
  for (const [id, key] of [['years', 'years'], ['reps', 'replications'], ['seed', 'seed'], ['funding-exact', 'funding_per_school']]) {
    const r = checkField(id);
    if (r.error) bad.push([id, r.error]);
    else out[key] = r.value;
  }
  if (bad.length) {
    showMessage('Nothing was run. ' + bad.map((b) => b[1]).join(' '));
    $(bad[0][0]).focus();
    return null;
  }
  return Object.assign(out, {
    rotation_share: +$('rotation').value,
    pairing_share: +$('pairing').value,
    mentoring_intensity: +$('mentoring').value,
    alliance: $('alliance').value,
    selection_rule: $('rule').value,
  });
}

function describeScenario(info) {
  $('scenario-desc').textContent = info.description || '';
  const pol = info.policies && info.policies.length ? info.policies.join(', ') : 'no reforms';
  $('scenario-facts').textContent =
    `${fmtInt.format(info.schools)} schools, about ${fmtInt.format(info.students)} students; ${pol}; ${info.spin_up_years} warm-up years before year 0.`;
  if (info.limit) showMessage('As it stands this scenario cannot run here: ' + info.limit);
}

async function chooseScenario(name) {
  if (name === '') return; // the uploaded file's entry
  showMessage('');
  $('upload').value = '';
  const up = $('scenario').querySelector('option[value=""]');
  if (up) up.remove();
  lab.source = { scenario: name };
  lab.steady = {};
  try {
    const info = await api('/api/scenarios/' + encodeURIComponent(name));
    lab.info = info;
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
  let toml;
  try {
    toml = await file.text();
  } catch (e) {
    showMessage(`Cannot read ${file.name}: ${e.message}`);
    return;
  }
  try {
    const info = await post('/api/inspect', { file: file.name, toml });
    lab.source = { file: file.name, toml };
    lab.info = info;
    lab.steady = {};
    let opt = $('scenario').querySelector('option[value=""]');
    if (!opt) {
      opt = document.createElement('option');
      opt.value = '';
      $('scenario').prepend(opt);
    }
    opt.textContent = 'your file: ' + file.name;
    $('scenario').value = '';
    setControls(info.settings);
    describeScenario(info);
    $('scenario-desc').textContent = `Uploaded ${file.name}` + (info.description ? ': ' + info.description : '');
  } catch (e) {
    showMessage(e.message);
  }
}

// ---- runs ----

function running(run) {
  return run && run.status && !FINAL.includes(run.status.state) && !run.gone;
}

// makeRun is the page's record of a run: what it is, what the server
// said, and the chart points it has sent.
function makeRun(sub, request) {
  return {
    id: sub.id, label: sub.label || sub.scenario, scenario: sub.scenario, settings: sub.settings,
    spans: sub.policy_years || [], points: [], status: sub.status, request, serverID: lab.serverID,
    networks: {}, gone: false,
  };
}

// kept is what survives a reload: everything but the network.
function kept(run) {
  if (!run) return null;
  const { networks, es, ...rest } = run;
  return rest;
}

function saveRuns() {
  store.set('localStorage', 'pinned', kept(lab.pinned));
  store.set('sessionStorage', 'current', kept(lab.current));
}

// setBusy marks a run request on its way: Run stays focusable (a
// disabled button would drop the keyboard's focus) but ignores presses.
function setBusy(busy) {
  lab.submitting = busy;
  $('run').setAttribute('aria-busy', String(busy));
}

// setIdle puts the controls back as when nothing runs.
function setIdle() {
  $('run').disabled = false;
  $('stop').disabled = true;
  $('progress').value = 0;
}

async function startRun(ev) {
  ev.preventDefault();
  if (lab.submitting) return;
  const settings = readControls();
  if (!settings) return;
  showMessage('');
  $('notes').replaceChildren();
  // A run still going on screen gives way to the new one.
  if (running(lab.current) && lab.current !== lab.pinned) {
    closeStream(lab.current);
    cancelRun(lab.current);
  }
  const request = lab.member ? { settings } : Object.assign({ settings }, lab.source);
  let sub;
  setBusy(true);
  try {
    sub = await post('/api/runs', request);
  } catch (e) {
    showMessage(e.message);
    setBusy(false);
    return;
  }
  setBusy(false);
  for (const n of sub.notes || []) {
    const li = document.createElement('li');
    li.textContent = n;
    $('notes').append(li);
  }
  lab.current = makeRun(sub, request);
  saveRuns();
  $('pin').disabled = true;
  $('stop').disabled = false;
  $('compare').hidden = true;
  renderLabels();
  renderDownloads();
  showStatus(lab.current);
  drawCharts();
  drawNetwork();
  listen(lab.current);
  if (window.matchMedia('(max-width: 700px)').matches) $('results').scrollIntoView({ behavior: 'smooth' });
}

function closeStream(run) {
  if (run && run.es) {
    run.es.close();
    run.es = null;
  }
}

// closeStreams closes the event streams of the runs on screen.
function closeStreams() {
  closeStream(lab.current);
  closeStream(lab.pinned);
}

// listen follows a run's events; the server sends them all again from
// the start to a new stream, so a page that reloads or reconnects gets
// the whole run.
function listen(run) {
  closeStream(run);
  const es = new EventSource(`/api/runs/${run.id}/events`);
  run.es = es;
  lab.lastEvent = Date.now();
  const heard = () => {
    lab.lastEvent = Date.now();
    if (!lab.online) checkServer();
  };
  es.addEventListener('ping', heard);
  es.addEventListener('status', (e) => {
    heard();
    const st = JSON.parse(e.data);
    run.status = st;
    if (lab.current === run) showStatus(run);
    if (FINAL.includes(st.state)) {
      es.close();
      if (run.es === es) run.es = null;
      if (lab.current === run) {
        $('stop').disabled = true;
        if (st.state === 'done') finished(run);
      } else if (lab.pinned === run && st.state === 'done' && lab.current && lab.current.status && lab.current.status.state === 'done') {
        compare(); // the current run finished first, and waited for this one
      }
      saveRuns();
    }
  });
  es.addEventListener('progress', (e) => {
    heard();
    const p = JSON.parse(e.data);
    run.progress = p;
    if (lab.current === run) showProgress(p);
  });
  es.addEventListener('year', (e) => {
    heard();
    const pt = JSON.parse(e.data);
    run.points[pt.year] = pt;
    if (lab.current === run || lab.pinned === run) drawCharts();
  });
  es.onerror = () => {
    if (run.status && FINAL.includes(run.status.state)) return;
    checkServer();
  };
}

function showProgress(p) {
  const pct = p.total ? Math.round(100 * p.done / p.total) : 0;
  let text;
  if (p.reused) {
    text = 'The same settings ran before on this server: the same numbers, shown at once.';
  } else if (p.phase === 'preparing') {
    text = `Preparing the school system (generating the schools and their warm-up years): ${pct}%`;
  } else if (p.year === 0) {
    text = p.shared ? 'Year 0, before any reform, is ready (the school system was prepared by an earlier run).' : 'Year 0, before any reform, is ready.';
  } else {
    text = `Year ${p.year} of ${p.of} simulated (${pct}%)`;
  }
  setStatus(text);
  $('progress').value = p.total ? p.done / p.total : 0;
}

function showStatus(run) {
  const st = run.status;
  const limits = lab.config.limits;
  switch (st.state) {
    case 'queued':
      setStatus(`Waiting: place ${st.position} of ${st.queued} in the queue; this server runs ${limits.max_running} at once.`);
      $('progress').value = 0;
      break;
    case 'running':
      if (run.progress) showProgress(run.progress);
      else setStatus('Running…');
      break;
    case 'done':
      setStatus(`Done: ${run.label}, ${run.settings.replications} repeats.`);
      $('progress').value = 1;
      break;
    case 'failed':
      setStatus('The run failed: ' + st.reason, true);
      $('progress').value = 0;
      break;
    case 'cancelled':
      setStatus('Stopped: ' + st.reason + '.', true);
      $('progress').value = 0;
      break;
  }
}

async function finished(run) {
  $('pin').disabled = !!lab.member;
  renderDownloads();
  await loadNetwork(run, 0, true);
  if (lab.pinned && lab.pinned !== run) await compare();
}

function pin() {
  const c = lab.current;
  if (!c || !c.status || c.status.state !== 'done') return;
  lab.pinned = c;
  saveRuns();
  $('pin').disabled = true;
  $('compare').hidden = true;
  renderLabels();
  drawCharts();
  renderDownloads();
  setStatus('Pinned. Change a control and run again to compare.');
}

function renderLabels() {
  $('current-label').textContent = lab.current ? 'this run: ' + lab.current.label : 'this run';
  $('pinned-label').textContent = lab.pinned ? 'pinned: ' + lab.pinned.label : 'pinned run (none yet)';
}

const labels = {
  funding_per_school: 'funding per school', rotation_share: 'rotation share', pairing_share: 'pairing share',
  mentoring_intensity: 'principal mentoring', alliance: 'alliance', selection_rule: 'which schools take part',
  years: 'years', replications: 'repeats', seed: 'seed',
};

const verdictWords = {
  better: ['▲', 'better'], worse: ['▼', 'worse'], unclear: ['≈', 'no clear difference'], changed: ['●', 'changed'], '': ['', '–'],
};

function verdictOf(row) {
  let [icon, word] = verdictWords[row.verdict] || verdictWords[''];
  if (row.better === 'cost' && row.verdict === 'worse') [icon, word] = ['▲', 'costs more'];
  if (row.better === 'cost' && row.verdict === 'better') [icon, word] = ['▼', 'costs less'];
  return { icon, word };
}

// rerunPinned runs the pinned run again after the server lost it (a
// restart, or too many runs since): the same settings and seed give the
// same numbers.
async function rerunPinned() {
  const p = lab.pinned;
  if (!p || !p.request || lab.member) throw new ApiError('the pinned run is no longer on the server', 404);
  setStatus('The pinned run is no longer on the server: running it again (the same settings give the same numbers)…');
  const sub = await post('/api/runs', p.request);
  await new Promise((resolve, reject) => {
    const es = new EventSource(`/api/runs/${sub.id}/events`);
    es.addEventListener('status', (e) => {
      const st = JSON.parse(e.data);
      if (!FINAL.includes(st.state)) return;
      es.close();
      if (st.state === 'done') resolve();
      else reject(new ApiError('running the pinned run again: ' + st.reason, 0));
    });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) reject(new ApiError(UNREACHABLE, 0));
    };
  });
  p.id = sub.id;
  p.serverID = lab.serverID;
  p.gone = false;
  p.networks = {};
  saveRuns();
  renderDownloads();
}

async function compare(again = true) {
  const a = lab.pinned, b = lab.current;
  if (!a || !b) return;
  if (running(a)) {
    // The pinned run (a class's starting point) is still running: the
    // comparison comes when it is done.
    setStatus(`Done: ${b.label}. The comparison waits for the pinned run (${a.label}) to finish.`);
    return;
  }
  let c;
  try {
    c = await api(`/api/compare?a=${a.id}&b=${b.id}`);
  } catch (e) {
    if (e.status === 404 && again && !b.gone) {
      try {
        await rerunPinned();
        return compare(false);
      } catch (e2) {
        showMessage('Comparison: ' + e2.message);
        return;
      }
    }
    showMessage('Comparison: ' + e.message);
    return;
  }
  if (lab.current === b) showStatus(b);
  // Runs of different repeats are compared on the repeats both have: say
  // so, for a column's mean may then differ from its run's own summary.
  const first = c.runs.a.settings.replications !== c.runs.b.settings.replications ? ` (first ${c.replications} repeats)` : '';
  $('col-a').textContent = 'pinned: ' + a.label + first;
  $('col-b').textContent = 'this run: ' + b.label + first;
  const diffs = [];
  for (const k of Object.keys(labels)) {
    const va = c.runs.a.settings[k], vb = c.runs.b.settings[k];
    const show = (v) => (typeof v === 'number' && k !== 'seed' && Number.isInteger(v) ? fmtInt.format(v) : String(v));
    if (va !== vb) diffs.push(`${labels[k]} ${show(va)} → ${show(vb)}`);
  }
  if (c.runs.a.scenario !== c.runs.b.scenario) diffs.unshift(`scenario ${c.runs.a.scenario} → ${c.runs.b.scenario}`);
  $('compare-note').textContent =
    `Changed: ${diffs.length ? diffs.join('; ') : 'nothing (the same settings give the same numbers)'}. ` +
    `Differences are this run minus the pinned run, repeat by repeat (${first ? `the first ${c.replications} repeats of each, those both have` : `${c.replications} repeats`}, seed ${c.seed}: the same schools and chance events), in year ${c.year}.`;
  const rows = c.rows.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.outcome = r.outcome;
    const v = verdictOf(r);
    tr.className = 'v-' + (r.verdict || 'none') + (r.better === 'cost' ? ' cost' : '');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.label;
    const ex = document.createElement('small');
    ex.textContent = r.explain;
    th.append(ex);
    tr.append(th);
    const diff = r.lo === null ? signed(r.diff, r.unit) : `${signed(r.diff, r.unit)} (${signed(r.lo, r.unit)} to ${signed(r.hi, r.unit)})`;
    for (const text of [fmt(r.a, r.unit), fmt(r.b, r.unit), diff]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement('td');
    td.className = 'verdict';
    const icon = document.createElement('span');
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = v.icon + ' ';
    td.append(icon, v.word);
    tr.append(td);
    return tr;
  });
  document.querySelector('#compare-table tbody').replaceChildren(...rows);
  $('compare-keys').textContent = c.rows.map((r) => `${r.label}: ${r.outcome} (${r.unit})`).join('; ') + '.';
  $('compare-summary').textContent = summarise(c, b);
  $('compare').hidden = false;
}

// summarise says the comparison's main lines in a sentence or two.
function summarise(c, run) {
  const row = (name) => c.rows.find((r) => r.outcome === name);
  const parts = [];
  const say = (r, what) => {
    if (!r || r.diff === null) return;
    const ci = r.lo === null ? '' : ` (95% interval ${signed(r.lo, r.unit)} to ${signed(r.hi, r.unit)})`;
    const v = verdictOf(r);
    const how = r.verdict === 'unclear' ? `, which chance alone could explain` : r.verdict ? `: ${v.word}` : '';
    parts.push(`${what} ${signed(r.diff, r.unit)}${ci}${how}`);
  };
  say(row('weak_composite'), "weak schools' achievement changed by");
  say(row('gap_strong_weak'), 'the gap between strong and weak schools by');
  if (!parts.length) parts.push("the weak schools' outcomes are not defined for this school system (it has no weak schools)");
  const money = row('cost_money');
  let text = `Against the pinned run, ${run.label}: ` + parts.join('; ') + '.';
  if (money && money.diff) text += ` It spent ${fmt(Math.abs(money.diff), 'RMB')} ${money.diff > 0 ? 'more' : 'less'}.`;
  return text;
}

function renderDownloads() {
  const box = $('download-links');
  box.replaceChildren();
  const add = (run, label) => {
    if (!run || !run.status || run.status.state !== 'done' || run.gone) return;
    const p = document.createElement('p');
    p.append(`${label} (${run.label}): `);
    for (const f of lab.config.files.concat(['results.zip'])) {
      const a = document.createElement('a');
      a.href = f === 'results.zip' ? `/api/runs/${run.id}/results.zip` : `/api/runs/${run.id}/files/${f}`;
      a.textContent = f;
      a.setAttribute('download', '');
      p.append(a, ' ');
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

// niceTicks returns round ticks about n apart that cover [lo, hi]: the
// first at or below lo, the last at or above hi.
function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n + 1e-9) || 10 * mag;
  const ticks = [];
  for (let t = Math.floor(lo / step + 1e-9) * step; t < hi + step * (1 - 1e-9); t += step) ticks.push(+t.toFixed(10));
  if (ticks[ticks.length - 1] < hi - 1e-12) ticks.push(+(ticks[ticks.length - 1] + step).toFixed(10));
  return ticks;
}

function buildCharts() {
  const box = $('charts');
  box.replaceChildren();
  lab.config.series.forEach((s, i) => {
    const o = lab.config.outcomes[s.key] || { label: s.label, explain: '' };
    const fig = document.createElement('figure');
    fig.className = 'chart';
    const cap = document.createElement('figcaption');
    cap.id = 'chart-cap-' + i;
    cap.append(o.label + ' ');
    const unit = document.createElement('span');
    unit.textContent = `(${s.unit})`;
    cap.append(unit);
    const ex = document.createElement('small');
    ex.textContent = o.explain;
    cap.append(ex);
    fig.append(cap);
    const svg = el('svg', { id: 'chart-' + i, viewBox: '0 0 340 200', role: 'img', 'aria-labelledby': 'chart-cap-' + i }, fig);
    svg.dataset.key = s.key;
    const table = document.createElement('table');
    table.id = 'chart-table-' + i;
    table.className = 'chart-table';
    table.hidden = true;
    fig.append(table);
    box.append(fig);
  });
}

function drawCharts() {
  const tables = $('as-tables').checked;
  lab.config.series.forEach((s, i) => {
    drawChart($('chart-' + i), i, s);
    $('chart-' + i).style.display = tables ? 'none' : '';
    const t = $('chart-table-' + i);
    t.hidden = !tables;
    if (tables) fillChartTable(t, i, s);
  });
}

function chartRuns() {
  const runs = [];
  if (lab.pinned && lab.pinned !== lab.current) runs.push({ run: lab.pinned, cls: 'pinned' });
  if (lab.current) runs.push({ run: lab.current, cls: 'current' });
  return runs;
}

// steadyRange is the y-range of a series on steady axes: it covers the
// data and a span that suits the unit, and never shrinks while the same
// scenario is on screen, so that noise does not look like a trend.
function steadyRange(s, lo, hi) {
  let a = lo, b = hi;
  if (s.unit.startsWith('index')) { a = Math.min(a, 0); b = Math.max(b, 1); }
  else if (s.unit.includes('RMB')) { a = Math.min(a, 0); b = Math.max(b, 1); }
  else {
    const mid = (lo + hi) / 2;
    a = Math.min(a, mid - 0.5);
    b = Math.max(b, mid + 0.5);
  }
  const seen = lab.steady[s.key];
  if (seen) { a = Math.min(a, seen[0]); b = Math.max(b, seen[1]); }
  lab.steady[s.key] = [a, b];
  return [a, b];
}

function drawChart(svg, i, s) {
  svg.replaceChildren();
  const W = 340, H = 200, L = 52, R = 10, T = 16, B = 40;
  const runs = chartRuns();
  // A year whose value is undefined (mean null: a group without students) is left out.
  const pts = runs.map(({ run, cls }) => ({ cls, pts: run.points.filter(Boolean).map((p) => ({ year: p.year, v: p.values[i] })).filter((p) => p.v && p.v.mean !== null) }));
  const all = pts.flatMap((p) => p.pts);
  if (all.length === 0) {
    const ran = runs.some(({ run }) => run.points.some(Boolean));
    el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = ran ? 'undefined: this system has no such students' : 'no data yet: press Run';
    return;
  }
  let maxYear = 1;
  for (const { run } of runs) maxYear = Math.max(maxYear, run.settings.years);
  let lo = Infinity, hi = -Infinity;
  for (const p of all) {
    lo = Math.min(lo, p.v.lo ?? p.v.mean, p.v.mean);
    hi = Math.max(hi, p.v.hi ?? p.v.mean, p.v.mean);
  }
  if ($('zoom').checked) {
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
  } else {
    [lo, hi] = steadyRange(s, lo, hi);
  }
  const ticks = niceTicks(lo, hi, 4);
  lo = Math.min(lo, ticks[0]); hi = Math.max(hi, ticks[ticks.length - 1]);
  const x = (yr) => L + (W - L - R) * yr / maxYear;
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  // The reform years: a policy acts through year start..end, and year y's
  // point is measured at its end, so the shading runs from start − 1.
  const spans = (lab.current || lab.pinned).spans || [];
  for (const [a, b] of mergeSpans(spans, maxYear)) {
    el('rect', { x: x(a - 1), y: T, width: x(b) - x(a - 1), height: H - T - B, class: 'reform' }, svg);
    el('text', { x: x(a - 1) + 3, y: T - 4, class: 'reform-label' }, svg).textContent = 'reform years';
  }
  const grid = el('g', { class: 'grid' }, svg);
  const axis = el('g', { class: 'axis' }, svg);
  for (const t of ticks) {
    el('line', { x1: L, x2: W - R, y1: y(t), y2: y(t) }, grid);
    el('text', { x: L - 5, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' }, svg).textContent = +t.toPrecision(4);
  }
  const step = maxYear > 12 ? Math.ceil(maxYear / 8) : 1;
  for (let yr = 0; yr <= maxYear; yr += step) {
    el('text', { x: x(yr), y: H - B + 15, 'text-anchor': 'middle', class: 'tick' }, svg).textContent = yr;
  }
  el('text', { x: L + (W - L - R) / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-title' }, svg).textContent = 'year (0 = before any reform)';
  el('text', { x: -(T + (H - T - B) / 2), y: 13, transform: 'rotate(-90)', 'text-anchor': 'middle', class: 'axis-title' }, svg).textContent = s.unit;
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
      const tip = `year ${p.year}: ${p.v.mean.toFixed(3)}` + (p.v.lo !== null ? ` (95% interval ${p.v.lo.toFixed(3)} to ${p.v.hi.toFixed(3)})` : '');
      const m = cls === 'pinned'
        ? el('rect', { x: x(p.year) - 3, y: y(p.v.mean) - 3, width: 6, height: 6, class: 'dot ' + cls }, svg)
        : el('circle', { cx: x(p.year), cy: y(p.v.mean), r: 3, class: 'dot ' + cls }, svg);
      el('title', {}, m).textContent = tip;
    }
  }
}

// mergeSpans joins the policies' years into blocks [start, end].
function mergeSpans(spans, maxYear) {
  const s = spans.map((p) => [Math.max(1, p.start), Math.min(maxYear, p.end)]).filter(([a, b]) => a <= b).sort((p, q) => p[0] - q[0]);
  const out = [];
  for (const [a, b] of s) {
    if (out.length && a <= out[out.length - 1][1] + 1) out[out.length - 1][1] = Math.max(out[out.length - 1][1], b);
    else out.push([a, b]);
  }
  return out;
}

function fillChartTable(table, i, s) {
  const o = lab.config.outcomes[s.key] || { label: s.label };
  const cap = document.createElement('caption');
  cap.textContent = `${o.label} (${s.unit}) by year: mean over repeats and 95% interval`;
  const head = document.createElement('tr');
  const runs = chartRuns();
  for (const h of ['Year'].concat(runs.map(({ run, cls }) => (cls === 'pinned' ? 'pinned: ' : 'this run: ') + run.label))) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const years = new Set();
  for (const { run } of runs) run.points.forEach((p) => p && years.add(p.year));
  const rows = [...years].sort((a, b) => a - b).map((yr) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = yr;
    tr.append(th);
    for (const { run } of runs) {
      const td = document.createElement('td');
      const p = run.points[yr];
      const v = p && p.values[i];
      td.textContent = !v || v.mean === null ? '–' : v.mean.toFixed(3) + (v.lo !== null ? ` (${v.lo.toFixed(3)} to ${v.hi.toFixed(3)})` : '');
      tr.append(td);
    }
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(cap, thead, tbody);
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

function netRun() {
  return $('net-run').value === 'pinned' && lab.pinned ? lab.pinned : lab.current;
}

// lastPolicyYear is the year the network view opens on: the last year a
// reform acts, or the last year.
function lastPolicyYear(run) {
  const ends = (run.spans || []).map((s) => Math.min(s.end, run.settings.years));
  return ends.length ? Math.max(...ends) : run.settings.years;
}

async function loadNetwork(run, rep, openAtPolicy) {
  if (!run || run.gone) return;
  if (!run.networks[rep]) {
    try {
      run.networks[rep] = await api(`/api/runs/${run.id}/network?rep=${rep}`);
    } catch (e) {
      showMessage('School map: ' + e.message);
      return;
    }
  }
  if (openAtPolicy) {
    $('net-year').max = run.settings.years;
    $('net-year').value = lastPolicyYear(run);
    $('net-run').value = run === lab.pinned && run !== lab.current ? 'pinned' : 'current';
    const sel = $('net-rep');
    sel.replaceChildren(...Array.from({ length: run.settings.replications }, (_, k) => {
      const o = document.createElement('option');
      o.value = k;
      o.textContent = k + 1;
      return o;
    }));
    sel.value = rep;
  }
  drawNetwork();
}

// layout spreads overlapping circles apart (a few rounds of pushing), so
// that every school can be seen and tapped; positions stay near the map.
function layout(net, px, py, radius) {
  const n = net.schools.length;
  const rmax = net.schools.map((_, i) => Math.max(...net.years.map((y) => radius(y.students[i]))));
  const p = net.schools.map((s) => [px(s), py(s)]);
  for (let round = 0; round < 40; round++) {
    let moved = false;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const dx = p[b][0] - p[a][0], dy = p[b][1] - p[a][1];
        const d = Math.hypot(dx, dy) || 0.01;
        const need = rmax[a] + rmax[b] + 1.5;
        if (d < need) {
          const push = (need - d) / 2;
          const ux = d > 0.01 ? dx / d : Math.cos(a + b), uy = d > 0.01 ? dy / d : Math.sin(a + b);
          p[a][0] -= ux * push; p[a][1] -= uy * push;
          p[b][0] += ux * push; p[b][1] += uy * push;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return p;
}

function drawNetwork() {
  const run = netRun();
  const rep = +$('net-rep').value || 0;
  const net = run && run.networks && run.networks[rep];
  const svg = $('net');
  svg.replaceChildren();
  if (!net || net.years.length === 0) {
    $('network').hidden = !(lab.pinned && lab.pinned.networks && lab.pinned.networks[0]);
    el('text', { x: 320, y: 210, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = 'the map appears when the run has finished';
    $('net-summary').textContent = '';
    return;
  }
  $('network').hidden = false;
  const slider = $('net-year');
  slider.max = net.years.length - 1;
  if (+slider.value > +slider.max) slider.value = slider.max;
  const yi = +slider.value;
  const yr = net.years[yi];
  const active = mergeSpans(run.spans || [], run.settings.years).some(([a, b]) => yr.year >= a && yr.year <= b);
  $('net-year-out').textContent = yr.year === 0 ? '0 (before any reform)' : yr.year + (active ? ' (reform on)' : '');

  const W = 640, H = 420, P = 24, LEG = 120;
  const xs = net.schools.map((s) => s.x), ys = net.schools.map((s) => s.y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const scale = Math.min((W - LEG - 2 * P) / (x1 - x0 || 1), (H - 2 * P) / (y1 - y0 || 1));
  const maxN = Math.max(1, ...net.years.flatMap((y) => y.students));
  const radius = (n) => 4 + 8 * Math.sqrt(n / maxN);
  const key = `${run.id}/${rep}`;
  if (!lab.net.layout || lab.net.layout.key !== key) {
    lab.net.layout = { key, p: layout(net, (s) => P + (s.x - x0) * scale, (s) => H - P - (s.y - y0) * scale, radius) };
    lab.net.school = -1;
  }
  const pos = lab.net.layout.p;
  const edges = el('g', {}, svg);
  const line = (a, b, cls) => el('line', { x1: pos[a][0], y1: pos[a][1], x2: pos[b][0], y2: pos[b][1], class: cls }, edges);
  const allianceHub = new Map();
  net.schools.forEach((s, i) => {
    if (yr.pair[i] >= 0 && (i < yr.pair[i] || yr.pair[yr.pair[i]] !== i)) line(i, yr.pair[i], 'e-pair');
    if (yr.group[i] >= 0 && yr.group[i] !== i) line(i, yr.group[i], 'e-group');
    if (yr.alliance[i] >= 0) {
      const hub = allianceHub.get(yr.alliance[i]);
      if (hub === undefined) allianceHub.set(yr.alliance[i], i);
      else line(hub, i, 'e-alliance');
    }
  });
  const nodes = el('g', {}, svg);
  net.schools.forEach((s, i) => {
    const c = el('circle', {
      cx: pos[i][0], cy: pos[i][1], r: radius(yr.students[i]),
      fill: viridis((yr.composite[i] + COMPOSITE_RANGE) / (2 * COMPOSITE_RANGE)),
      class: 'school' + (yr.treated[i] ? ' treated' : '') + (i === lab.net.school ? ' selected' : ''),
    }, nodes);
    c.dataset.i = i;
    el('title', {}, c).textContent = schoolText(net, yr, i);
  });
  // Colour legend.
  const defs = el('defs', {}, svg);
  const grad = el('linearGradient', { id: 'ach', x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
  for (let k = 0; k <= 4; k++) el('stop', { offset: k / 4, 'stop-color': viridis(k / 4) }, grad);
  const gx = W - LEG + 26, gy = 40, gh = 160;
  el('rect', { x: gx, y: gy, width: 14, height: gh, fill: 'url(#ach)' }, svg);
  el('text', { x: gx - 10, y: gy - 12, class: 'label' }, svg).textContent = 'achievement';
  for (const v of [COMPOSITE_RANGE, 0, -COMPOSITE_RANGE]) {
    el('text', { x: gx + 18, y: gy + gh * (COMPOSITE_RANGE - v) / (2 * COMPOSITE_RANGE) + 4, class: 'label' }, svg).textContent = (v > 0 ? '+' : v < 0 ? '−' : '') + Math.abs(v) + ' SD';
  }
  el('circle', { cx: gx + 7, cy: gy + gh + 40, r: radius(maxN), fill: '#ccd3da' }, svg);
  el('text', { x: gx - 12, y: gy + gh + 70, class: 'label' }, svg).textContent = fmtInt.format(maxN) + ' students';
  $('net-summary').textContent = netSummary(run, net, yr, rep, active);
  showSchool();
}

function schoolText(net, yr, i) {
  const s = net.schools[i];
  const ties = [];
  if (yr.pair[i] >= 0) ties.push(`paired with school ${yr.pair[i] + 1}`);
  if (yr.group[i] >= 0) ties.push(yr.lead[i] ? 'leads its education group' : `in the education group of school ${yr.group[i] + 1}`);
  if (yr.alliance[i] >= 0) ties.push(`in curriculum alliance ${yr.alliance[i] + 1}`);
  return `School ${i + 1}: ${s.tier}, district ${s.district + 1}; ${fmtInt.format(yr.students[i])} students, mean achievement ${signed(yr.composite[i], 'SD')}` +
    (yr.treated[i] ? '; treated by a reform' : '') + (ties.length ? '; ' + ties.join(', ') : '') + '.';
}

// netSummary says in words what the map shows in the year.
function netSummary(run, net, yr, rep, active) {
  const n = net.schools.length;
  const mean = (idx) => idx.length ? idx.reduce((a, i) => a + yr.composite[i] * yr.students[i], 0) / Math.max(1, idx.reduce((a, i) => a + yr.students[i], 0)) : NaN;
  const by = (f) => net.schools.map((_, i) => i).filter(f);
  const treated = by((i) => yr.treated[i]);
  const weak = by((i) => net.schools[i].tier === 'weak');
  const strong = by((i) => net.schools[i].tier === 'strong');
  const pairs = by((i) => yr.pair[i] >= 0).length / 2;
  const groups = new Set(yr.group.filter((g) => g >= 0)).size;
  const alliances = new Set(yr.alliance.filter((a) => a >= 0)).size;
  let text = `Year ${yr.year}${yr.year === 0 ? ' (before any reform)' : active ? ' (reforms on)' : ''}, repeat ${rep + 1} of ${net.replications}: ${n} schools. `;
  text += treated.length ? `${treated.length} are treated by a reform (ringed), ${by((i) => yr.treated[i] && net.schools[i].tier === 'weak').length} of them weak. ` : 'No school is treated by a reform. ';
  const ties = [];
  if (pairs) ties.push(`${Math.round(pairs)} pairs`);
  if (groups) ties.push(`${groups} education groups`);
  if (alliances) ties.push(`${alliances} curriculum alliances`);
  if (ties.length) text += `Ties: ${ties.join(', ')}. `;
  text += `Mean achievement: weak schools ${signed(mean(weak), 'SD')}`;
  const wt = weak.filter((i) => yr.treated[i]);
  if (wt.length && wt.length < weak.length) text += ` (treated ${signed(mean(wt), 'SD')}, others ${signed(mean(weak.filter((i) => !yr.treated[i])), 'SD')})`;
  text += `, strong schools ${signed(mean(strong), 'SD')}.`;
  return text;
}

function showSchool() {
  const run = netRun();
  const net = run && run.networks[+$('net-rep').value || 0];
  const i = lab.net.school;
  if (!net || i < 0) {
    $('net-school').textContent = 'Select a school (click, tap, or focus the map and use the arrow keys) to see its numbers.';
    return;
  }
  $('net-school').textContent = schoolText(net, net.years[+$('net-year').value], i);
}

function selectSchool(i) {
  lab.net.school = i;
  for (const c of $('net').querySelectorAll('circle.school')) c.classList.toggle('selected', +c.dataset.i === i);
  showSchool();
}

// netKey moves the selection through the schools, west to east.
function netKey(e) {
  const run = netRun();
  const net = run && run.networks[+$('net-rep').value || 0];
  if (!net || !lab.net.layout) return;
  const pos = lab.net.layout.p;
  const order = net.schools.map((_, i) => i).sort((a, b) => pos[a][0] - pos[b][0] || pos[a][1] - pos[b][1]);
  const at = order.indexOf(lab.net.school);
  let next;
  switch (e.key) {
    case 'ArrowRight': case 'ArrowDown': next = order[(at + 1) % order.length]; break;
    case 'ArrowLeft': case 'ArrowUp': next = order[(at - 1 + order.length) % order.length]; break;
    case 'Home': next = order[0]; break;
    case 'End': next = order[order.length - 1]; break;
    case 'Escape': next = -1; break;
    default: return;
  }
  e.preventDefault();
  selectSchool(next);
}

// ---- the connection ----

// checkServer asks the server how busy it is: the answer says it is
// reachable, and whether it restarted since the page last heard from it.
async function checkServer() {
  if (lab.checking) return;
  lab.checking = true;
  try {
    const q = await api('/api/queue', { timeout: 4000, quiet: true });
    reachable(q);
  } catch (e) {
    unreachable();
  } finally {
    lab.checking = false;
  }
}

function unreachable() {
  $('server-load').textContent = 'Server unreachable';
  if (!lab.online) return;
  lab.online = false;
  closeStreams();
  const at = new Date().toLocaleTimeString();
  banner(`Lost the connection to the lab's server at ${at}. The page keeps trying and will reconnect by itself; your pinned run is kept in this browser.`, 'bad');
  if (running(lab.current)) setStatus('Connection lost: the run on screen cannot be followed until the server is back.', true);
  setIdle();
}

function reachable(q) {
  $('server-load').textContent = `Server: ${q.running} of ${q.max_running} running, ${q.queued} waiting`;
  const restarted = lab.serverID && q.server_id && q.server_id !== lab.serverID;
  if (restarted) {
    lab.online = true;
    lab.serverID = q.server_id;
    restartedServer();
    return;
  }
  if (!lab.online) {
    lab.online = true;
    banner('Connected to the server again.', 'ok');
    for (const r of [lab.current, lab.pinned]) if (running(r)) listen(r);
    if (running(lab.current)) $('stop').disabled = false;
  }
}

// restartedServer says what the restart lost: runs live in the server's
// memory only.
function restartedServer() {
  closeStreams();
  const lost = [];
  const c = lab.current, p = lab.pinned;
  if (c && c.serverID !== lab.serverID) {
    if (running(c)) lost.push('the run in progress');
    else if (c !== p) lost.push("this run's result files and school map (its chart stays)");
    c.gone = true;
  }
  if (p && p.serverID !== lab.serverID) {
    lost.push("the pinned run's result files (its chart stays here, and it is run again for the next comparison)");
    p.gone = true;
  }
  if (lab.member || lab.session) lost.push('the class session (join again with the new code)');
  leaveClassQuietly();
  banner(`The lab's server restarted, so what it held in memory is gone${lost.length ? ': ' + lost.join('; ') : ''}. Press Run to go on.`, 'bad');
  if (c && c.status && !FINAL.includes(c.status.state)) {
    c.status = { state: 'cancelled', reason: 'the server restarted' };
    setStatus('Stopped: the server restarted.', true);
  }
  setIdle();
  saveRuns();
  renderDownloads();
  loadClass();
}

function watchdog() {
  const hb = (lab.config.heartbeat_seconds || 5) * 1000;
  const open = [lab.current, lab.pinned].some((r) => r && r.es);
  if (open && Date.now() - lab.lastEvent > 2.5 * hb) {
    lab.lastEvent = Date.now();
    checkServer();
  }
}

// ---- class mode ----

function openPanel(id, button) {
  const p = $(id);
  const open = p.hidden;
  p.hidden = !open;
  $(button).setAttribute('aria-expanded', String(open));
  if (open) p.focus();
  else $(button).focus();
}

function setClassLock(locked) {
  for (const id of ['scenario', 'upload', 'years', 'reps', 'seed']) $(id).disabled = locked;
}

async function loadClass() {
  if (!lab.config.class) return;
  $('class-open').hidden = false;
  $('class-join').hidden = !!lab.teacher;
  $('class-teacher').hidden = !lab.teacher;
  $('class-member').hidden = true;
  if (lab.teacher) {
    try {
      const info = await api('/api/class');
      startedSession(info);
    } catch (e) {
      if (e.status === 404) {
        $('class-start').hidden = false;
        $('class-live').hidden = true;
        $('class-reps').value = Math.min(3, +$('reps').value || 3);
      } else if (e.status === 403) {
        lab.teacher = null;
        store.del('sessionStorage', 'teacher');
        showMessage('This teacher link is from an earlier start of the server: open the link the server printed this time.', 'class-message');
        $('class-teacher').hidden = true;
        $('class-join').hidden = false;
      } else {
        showMessage(e.message, 'class-message');
      }
    }
    return;
  }
  const m = store.get('localStorage', 'member');
  if (!m) return;
  lab.member = m;
  try {
    const info = await api('/api/class');
    joinedSession(info);
  } catch (e) {
    if (e.status === 403 || e.status === 404) {
      leaveClassQuietly();
      showMessage('Your class session has ended (or the server restarted): join again with the code on the board.', 'class-message');
    } else {
      showMessage(e.message, 'class-message');
    }
  }
}

async function joinClass(ev) {
  ev.preventDefault();
  showMessage('', 'class-message');
  try {
    const info = await post('/api/class/join', { code: $('join-code').value, name: $('join-name').value }, { token: '' });
    lab.member = { token: info.token, code: info.code, name: info.name };
    store.set('localStorage', 'member', lab.member);
    joinedSession(info);
  } catch (e) {
    showMessage(e.message, 'class-message');
  }
}

// useSession sets the page to the session's starting point and pins its
// reference run.
async function useSession(info) {
  lab.session = info;
  const sel = $('scenario');
  if (![...sel.options].some((o) => o.value === info.scenario)) {
    const o = document.createElement('option');
    o.value = info.scenario;
    o.textContent = 'class: ' + info.scenario;
    sel.prepend(o);
  }
  sel.value = info.scenario;
  lab.steady = {};
  const st = info.settings;
  if (!lab.current || lab.current.gone) setControls(st);
  $('years').value = info.years;
  $('reps').value = info.replications;
  $('seed').value = info.seed;
  const ref = makeRun({ id: info.reference, label: info.scenario + ': the class starting point', scenario: info.scenario, settings: st, policy_years: info.policy_years, status: { state: 'queued' } }, null);
  lab.pinned = ref;
  renderLabels();
  listen(ref);
  drawCharts();
}

function joinedSession(info) {
  $('class-join').hidden = true;
  $('class-member').hidden = false;
  $('member-line').textContent = `You are in class ${info.code} as ${info.name}. Your runs start from ${info.scenario} (the class starting point) and appear on your teacher's board.`;
  const bar = $('class-bar');
  bar.textContent = `Class ${info.code}: you are ${info.name}. Compare your reform with the starting point, then try another.`;
  bar.hidden = false;
  setClassLock(true);
  $('pin').disabled = true;
  useSession(info);
  setStatus('Joined the class: move a control and press Run.');
}

function leaveClassQuietly() {
  if (lab.member) {
    lab.member = null;
    store.del('localStorage', 'member');
  }
  lab.session = null;
  clearInterval(lab.boardTimer);
  $('class-bar').hidden = true;
  $('class-member').hidden = true;
  $('class-join').hidden = !!lab.teacher;
  setClassLock(false);
}

function leaveClass() {
  leaveClassQuietly();
  lab.pinned = null;
  saveRuns();
  renderLabels();
  drawCharts();
  setStatus('You left the class.');
}

async function startSession(ev) {
  ev.preventDefault();
  showMessage('', 'class-message');
  const reps = checkField('class-reps');
  const settings = readControls();
  if (reps.error || !settings) {
    if (reps.error) $('class-reps').focus();
    return;
  }
  settings.replications = reps.value;
  try {
    const info = await post('/api/class', Object.assign({ settings }, lab.source));
    startedSession(info);
  } catch (e) {
    showMessage(e.message, 'class-message');
  }
}

function startedSession(info) {
  $('class-start').hidden = true;
  $('class-live').hidden = false;
  $('class-code').textContent = info.code.slice(0, 3) + ' ' + info.code.slice(3);
  $('join-urls').textContent = info.join_urls && info.join_urls.length ? info.join_urls.join(' or ') : location.origin + '/';
  const bar = $('class-bar');
  bar.textContent = `Class session ${info.code} is on: students join at ${$('join-urls').textContent}`;
  bar.hidden = false;
  useSession(info);
  clearInterval(lab.boardTimer);
  lab.boardTimer = setInterval(() => refreshBoard().catch(() => {}), 2000);
  refreshBoard().catch(() => {});
}

async function endSession() {
  if (!confirm('End the class session? Students can no longer run, and the board is cleared.')) return;
  try {
    await post('/api/class/end', {});
  } catch (e) {
    showMessage(e.message, 'class-message');
  }
  clearInterval(lab.boardTimer);
  lab.session = null;
  $('class-bar').hidden = true;
  loadClass();
}

async function removeMember(no, name) {
  if (!confirm(`Remove ${name} from the class?`)) return;
  try {
    await post('/api/class/remove', { no });
    await refreshBoard();
  } catch (e) {
    showMessage(e.message, 'class-message');
  }
}

async function refreshBoard() {
  if (!lab.teacher || $('class-live').hidden) return;
  let b;
  try {
    b = await api('/api/class/board');
  } catch (e) {
    if (e.status === 404) {
      clearInterval(lab.boardTimer);
      loadClass();
    }
    return;
  }
  b.rows = b.rows || [];
  const done = b.rows.filter((r) => r.effect).length;
  $('class-count').textContent = `${b.members} of ${b.max_members} students joined; ${done} with a result. Starting point: ${b.reference_state}. ` +
    `Server: ${b.queue.running} running, ${b.queue.queued} waiting.`;
  const rows = b.rows.map((r) => {
    const tr = document.createElement('tr');
    const cell = (text, cls) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
      return td;
    };
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = r.name;
    tr.append(th);
    cell(r.tried || r.waiting || '');
    const said = (row) => {
      if (!row) return ['–', ''];
      const v = verdictOf(row);
      const ci = row.lo === null ? '' : ` (${signed(row.lo, row.unit)} to ${signed(row.hi, row.unit)})`;
      return [`${v.icon} ${signed(row.diff, row.unit)}${ci}`, 'v-' + (row.verdict || 'none')];
    };
    cell(...said(r.effect));
    cell(...said(r.gap));
    cell(r.money ? signed(r.money.diff, 'RMB') : '–');
    cell(r.state ? { queued: 'waiting', running: 'running' }[r.state] || r.state : `${r.runs} run${r.runs === 1 ? '' : 's'}`);
    const td = document.createElement('td');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.textContent = 'Remove';
    btn.setAttribute('aria-label', 'Remove ' + r.name);
    btn.addEventListener('click', () => removeMember(r.no, r.name));
    td.append(btn);
    tr.append(td);
    return tr;
  });
  document.querySelector('#board-table tbody').replaceChildren(...rows);
  drawBoard(b);
}

// drawBoard plots each student's latest result: extra money (x) against
// the gain for weak schools (y), with its 95% interval.
function drawBoard(b) {
  const svg = $('board-chart');
  const title = svg.querySelector('title');
  svg.replaceChildren(title);
  const W = 640, H = 360, L = 64, R = 16, T = 16, B = 48;
  const pts = b.rows.filter((r) => r.effect && r.effect.diff !== null).map((r) => ({
    name: r.name, x: (r.money && r.money.diff || 0) / 1e6, y: r.effect.diff, lo: r.effect.lo, hi: r.effect.hi, v: r.effect.verdict,
  }));
  if (!pts.length) {
    el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = 'the students\u2019 results appear here as their runs finish';
    return;
  }
  let x0 = 0, x1 = 1, y0 = -0.05, y1 = 0.05;
  for (const p of pts) {
    x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.lo ?? p.y, p.y); y1 = Math.max(y1, p.hi ?? p.y, p.y);
  }
  const xt = niceTicks(x0, x1, 6), yt = niceTicks(y0, y1, 5);
  [x0, x1, y0, y1] = [xt[0], xt[xt.length - 1], yt[0], yt[yt.length - 1]];
  const x = (v) => L + (W - L - R) * (v - x0) / (x1 - x0);
  const y = (v) => T + (H - T - B) * (1 - (v - y0) / (y1 - y0));
  const grid = el('g', { class: 'grid' }, svg);
  for (const t of yt) {
    el('line', { x1: L, x2: W - R, y1: y(t), y2: y(t) }, grid);
    el('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' }, svg).textContent = +t.toPrecision(3);
  }
  for (const t of xt) {
    el('text', { x: x(t), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, svg).textContent = +t.toPrecision(3);
  }
  el('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'zero' }, svg);
  el('line', { x1: x(0), x2: x(0), y1: T, y2: H - B, class: 'zero' }, svg);
  el('text', { x: L + (W - L - R) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-title' }, svg).textContent = 'extra reform money (million RMB)';
  el('text', { x: -(T + (H - T - B) / 2), y: 16, transform: 'rotate(-90)', 'text-anchor': 'middle', class: 'axis-title' }, svg).textContent = "weak schools' gain (SD)";
  for (const p of pts) {
    const g = el('g', { class: 'pt v-' + (p.v || 'none') }, svg);
    if (p.lo !== null) el('line', { x1: x(p.x), x2: x(p.x), y1: y(p.lo), y2: y(p.hi), class: 'ci' }, g);
    el('circle', { cx: x(p.x), cy: y(p.y), r: 6 }, g);
    el('text', { x: x(p.x) + 9, y: y(p.y) + 4, class: 'name' }, g).textContent = p.name;
    el('title', {}, g).textContent = `${p.name}: ${signed(p.y, 'SD')} for ${fmt(p.x, 'million RMB')} more`;
  }
}

// ---- start ----

async function init() {
  window.addEventListener('unhandledrejection', (e) => {
    lab.unhandled++;
    const r = e.reason;
    showMessage('Something went wrong: ' + (r && r.message ? r.message : String(r)));
  });
  lab.config = await api('/api/config');
  lab.serverID = lab.config.server_id;
  // The teacher's link carries the token in the fragment, which is never
  // sent anywhere: keep it for this tab and take it off the address bar.
  const m = location.hash.match(/teacher=([0-9a-f]+)/);
  if (m) {
    store.set('sessionStorage', 'teacher', m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  lab.teacher = store.get('sessionStorage', 'teacher');
  const l = lab.config.limits, c = lab.config.controls;
  const range = (id, r, step) => {
    $(id).min = r.min;
    $(id).max = r.max;
    $(id).step = step;
  };
  // The funding slider spans the usual amounts; the exact field takes
  // anything in the policy's range.
  range('funding', c.funding_per_school, 100000);
  $('funding').dataset.span = Math.min(c.funding_per_school.max, 5000000);
  $('funding').max = $('funding').dataset.span;
  range('rotation', c.rotation_share, 0.01);
  range('pairing', c.pairing_share, 0.05);
  range('mentoring', c.mentoring_intensity, 0.05);
  $('limits').textContent = `This server runs at most ${fmtInt.format(l.max_schools)} schools, ${fmtInt.format(l.max_students)} students, ` +
    `${l.max_reps} repeats and ${l.max_years} years per run, ${l.max_running} runs at once (more wait in a queue of ${l.max_queued}), ` +
    `scenario files up to ${(l.max_upload / 1024).toFixed(0)} KiB. A run whose page is closed is stopped after ${lab.config.grace_seconds} s.`;
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
  sel.value = lab.config.default_scenario;
  sel.addEventListener('change', () => chooseScenario(sel.value));
  $('upload').addEventListener('change', (e) => { if (e.target.files.length) uploadScenario(e.target.files[0]); });
  for (const id of Object.keys(sliders)) $(id).addEventListener('input', updateOutputs);
  $('funding').addEventListener('input', () => { $('funding-exact').value = $('funding').value; markField('funding-exact', ''); });
  $('funding-exact').addEventListener('input', () => {
    const r = checkField('funding-exact');
    if (!r.error) {
      $('funding').max = Math.max(+$('funding').dataset.span, r.value);
      $('funding').value = r.value;
      updateOutputs();
    }
  });
  for (const id of ['years', 'reps', 'seed', 'class-reps']) $(id).addEventListener('input', () => checkField(id));
  $('controls').addEventListener('submit', (e) => startRun(e).catch((err) => showMessage(err.message)));
  $('stop').addEventListener('click', () => {
    cancelRun(lab.current);
    $('stop').disabled = true;
  });
  $('pin').addEventListener('click', pin);
  $('net-year').addEventListener('input', drawNetwork);
  $('net-run').addEventListener('change', () => {
    const run = netRun();
    if (run) loadNetwork(run, +$('net-rep').value || 0, false);
    drawNetwork();
  });
  $('net-rep').addEventListener('change', () => loadNetwork(netRun(), +$('net-rep').value, false));
  $('net').addEventListener('keydown', netKey);
  $('net').addEventListener('click', (e) => {
    const c = e.target.closest('circle.school');
    if (c) selectSchool(+c.dataset.i);
  });
  $('about-open').addEventListener('click', () => openPanel('about', 'about-open'));
  $('about-close').addEventListener('click', () => openPanel('about', 'about-open'));
  $('about-link').addEventListener('click', (e) => {
    e.preventDefault();
    if ($('about').hidden) openPanel('about', 'about-open');
    else $('about').focus();
    $('about').scrollIntoView();
  });
  $('class-open').addEventListener('click', () => openPanel('class-panel', 'class-open'));
  $('join-form').addEventListener('submit', joinClass);
  $('start-form').addEventListener('submit', startSession);
  $('leave').addEventListener('click', leaveClass);
  $('class-end').addEventListener('click', endSession);
  $('zoom').addEventListener('change', drawCharts);
  $('as-tables').addEventListener('change', drawCharts);
  // The class goes on the root element, so that rem sizes grow too.
  const flag = (id, cls, key) => {
    const box = $(id);
    box.checked = !!store.get('localStorage', key);
    document.documentElement.classList.toggle(cls, box.checked);
    box.addEventListener('change', () => {
      document.documentElement.classList.toggle(cls, box.checked);
      store.set('localStorage', key, box.checked);
      drawCharts();
    });
  };
  flag('projector', 'projector', 'projector');
  flag('show-keys', 'show-keys', 'keys');
  await chooseScenario(sel.value);
  await restoreRuns();
  await loadClass();
  checkServer();
  setInterval(checkServer, 3000);
  setInterval(watchdog, 1000);
  document.body.dataset.ready = 'true';
}

// restoreRuns brings back, after a reload, the pinned run (kept in this
// browser) and the run that was on screen (kept for this tab): a run
// still on the server is followed again from its start.
async function restoreRuns() {
  const p = store.get('localStorage', 'pinned');
  const c = store.get('sessionStorage', 'current');
  const revive = (r) => Object.assign(r, { networks: {}, gone: r.serverID !== lab.serverID });
  if (p) lab.pinned = revive(p);
  if (c) lab.current = c.id === (p && p.id) ? lab.pinned : revive(c);
  if (lab.pinned) {
    const s = lab.pinned.settings;
    if (s) $('seed').value = s.seed;
    if (lab.pinned.gone) setStatus('Your pinned run is back from this browser; the server restarted since, so it will be run again for the next comparison.');
    else setStatus('Your pinned run is back from this browser.');
  }
  const cur = lab.current;
  if (cur && !cur.gone) {
    try {
      cur.status = await api(`/api/runs/${cur.id}`);
      cur.points = [];
      listen(cur);
      $('stop').disabled = !running(cur);
      $('pin').disabled = !(cur.status.state === 'done' && cur !== lab.pinned);
    } catch (e) {
      cur.gone = true;
    }
  }
  if (cur && cur.settings && !lab.member) setControls(cur.settings);
  renderLabels();
  renderDownloads();
  drawCharts();
  if (lab.pinned && !lab.pinned.gone) loadNetwork(lab.pinned, 0, true);
}

init().catch((e) => showMessage('The page could not start: ' + e.message));
