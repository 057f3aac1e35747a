// The Heed dashboard: runs of a directory, their loss and metric curves followed live from
// metrics.jsonl (polled by byte offset), two runs compared, attention heatmaps and a predict form.
// Plain browser JavaScript with Apache ECharts; every number comes from the server's /v1/runs API.
'use strict';

const params = new URLSearchParams(location.search);
const POLL_MS = Math.max(100, Number(params.get('poll') || 1000));
const RUNS_EVERY = 5; // the run list is read again every this many polls

const state = {
  runs: new Map(),     // name → the run as /v1/runs lists it
  selected: null,      // the run shown
  compare: null,       // the run compared with it, or null
  curves: new Map(),   // name → {next, file, steps, epochTrain, epochVal, metrics}
  model: null,         // /v1/runs/{selected}: inputs, outputs, checkpoint
  polls: 0,
};

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)};
  const r = await fetch(path, init);
  let j = null;
  try { j = await r.json(); } catch (e) { /* not JSON: reported below */ }
  if (!r.ok) {
    throw new Error(j && j.error ? j.error.message : 'HTTP ' + r.status + ' from ' + path);
  }
  return j;
}

function text(el, s, error) {
  el.textContent = s;
  el.classList.toggle('error', !!error);
}

function cell(tr, value, cls) {
  const td = document.createElement('td');
  td.textContent = value;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

// ---- runs ---------------------------------------------------------------------------------

function layersOf(config) {
  const layers = config && config.model && config.model.layers;
  return Array.isArray(layers) ? layers.map((l) => l.type).join(' → ') : '';
}

async function loadRuns() {
  const j = await api('/v1/runs');
  text($('runs-dir'), j.runs_dir);
  state.runs = new Map(j.runs.map((r) => [r.name, r]));
  const body = $('runs').tBodies[0];
  body.replaceChildren();
  for (const r of j.runs) {
    const tr = document.createElement('tr');
    tr.dataset.run = r.name;
    tr.classList.toggle('selected', r.name === state.selected);
    const show = document.createElement('input');
    show.type = 'radio';
    show.name = 'show';
    show.className = 'show';
    show.checked = r.name === state.selected;
    show.addEventListener('change', () => select(r.name));
    cell(tr, '').appendChild(show);
    const cmp = document.createElement('input');
    cmp.type = 'checkbox';
    cmp.className = 'compare';
    cmp.checked = r.name === state.compare;
    cmp.addEventListener('change', () => setCompare(cmp.checked ? r.name : null));
    cell(tr, '').appendChild(cmp);
    cell(tr, r.name, 'name');
    const c = r.config || {};
    cell(tr, c.data ? c.data.type : '');
    cell(tr, layersOf(c));
    cell(tr, c.optimizer ? c.optimizer.name + ' lr ' + c.optimizer.lr : '');
    cell(tr, r.checkpoint ? r.checkpoint.epoch : '—', 'num epoch');
    cell(tr, r.problem ? 'unreadable: ' + r.problem : r.training ? 'training' : 'stopped', 'state');
    body.appendChild(tr);
  }
  text($('runs-msg'), j.runs.length === 0 ? 'No runs in ' + j.runs_dir + ' yet.' : '');
  if (state.selected === null && j.runs.length > 0) {
    await select(j.runs[0].name);
  }
}

async function select(name) {
  state.selected = name;
  if (state.compare === name) state.compare = null;
  for (const tr of $('runs').tBodies[0].rows) {
    tr.classList.toggle('selected', tr.dataset.run === name);
    tr.querySelector('input.show').checked = tr.dataset.run === name;
    tr.querySelector('input.compare').checked = tr.dataset.run === state.compare;
  }
  text($('run-title'), name);
  const run = state.runs.get(name);
  $('config').textContent = JSON.stringify(run ? run.config : null, null, 2);
  drawDiff();
  drawCurves();
  await Promise.all([loadSummary(name), loadModel(name), pollCurves()]);
}

function setCompare(name) {
  state.compare = name === state.selected ? null : name;
  for (const tr of $('runs').tBodies[0].rows) {
    tr.querySelector('input.compare').checked = tr.dataset.run === state.compare;
  }
  drawDiff();
  drawCurves();
  pollCurves();
}

// ---- config comparison ----------------------------------------------------------------------

function flatten(value, prefix, out) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? prefix + '.' + k : k, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

function drawDiff() {
  const table = $('config-diff');
  table.replaceChildren();
  if (!state.compare) return;
  const a = flatten(state.runs.get(state.selected)?.config, '', new Map());
  const b = flatten(state.runs.get(state.compare)?.config, '', new Map());
  const head = table.createTHead().insertRow();
  for (const h of ['config', state.selected, state.compare]) cell(head, h);
  const body = table.createTBody();
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(k) === b.get(k)) continue;
    const tr = body.insertRow();
    cell(tr, k);
    cell(tr, a.get(k) ?? '—');
    cell(tr, b.get(k) ?? '—');
  }
}

// ---- curves -------------------------------------------------------------------------------

function curveOf(name) {
  let c = state.curves.get(name);
  if (!c) {
    c = {next: 0, file: null, steps: [], epochTrain: [], epochVal: [], metrics: new Map()};
    state.curves.set(name, c);
  }
  return c;
}

async function pollRun(name) {
  const c = curveOf(name);
  if (c.loading) return 0; // one read at a time per run, so no record is added twice
  c.loading = true;
  let j;
  try {
    j = await api('/v1/runs/' + enc(name) + '/metrics?from=' + c.next);
  } finally {
    c.loading = false;
  }
  if (c.file !== null && j.file !== c.file) {
    // the file was replaced (the run was resumed): read it again from its start
    state.curves.delete(name);
    return pollRun(name);
  }
  c.file = j.file;
  c.next = j.next;
  for (const r of j.records) {
    if (r.kind === 'step') {
      c.steps.push([r.step, r.loss]);
    } else if (r.kind === 'epoch') {
      c.epochTrain.push([r.step, r.train_loss]);
      if (r.val_loss !== null) c.epochVal.push([r.step, r.val_loss]);
      for (const [m, v] of Object.entries(r.metrics || {})) {
        if (!c.metrics.has(m)) c.metrics.set(m, []);
        if (v !== null) c.metrics.get(m).push([r.epoch, v]);
      }
    }
  }
  return j.records.length;
}

async function pollCurves() {
  const names = [state.selected, state.compare].filter((n) => n !== null);
  let added = 0;
  for (const n of names) added += await pollRun(n);
  if (added > 0) drawCurves();
}

let lossChart = null;
let metricChart = null;
let attentionChart = null;

function lossSeries(name, dashed) {
  const c = curveOf(name);
  const line = dashed ? {type: 'dashed'} : {};
  return [
    {name: name + ' loss (step)', type: 'line', showSymbol: false, data: c.steps,
      lineStyle: {width: 1, ...line}},
    {name: name + ' train loss (epoch)', type: 'line', symbolSize: 5, data: c.epochTrain,
      lineStyle: {width: 2, ...line}},
    {name: name + ' val loss (epoch)', type: 'line', symbolSize: 5, data: c.epochVal,
      lineStyle: {width: 2, ...line}},
  ];
}

function drawCurves() {
  if (!lossChart) return;
  const names = [state.selected, state.compare].filter((n) => n !== null);
  text($('curve-title'), names.join(' vs '));
  const series = names.flatMap((n, i) => lossSeries(n, i > 0));
  lossChart.setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', top: 0},
    grid: {top: 40, left: 60, right: 20, bottom: 40},
    xAxis: {type: 'value', name: 'step', nameLocation: 'middle', nameGap: 25, min: 'dataMin'},
    yAxis: {type: 'log', name: 'loss', scale: true},
    series,
  }, {replaceMerge: ['series']});
  const metricSeries = names.flatMap((n, i) => [...curveOf(n).metrics].map(([m, data]) => ({
    name: n + ' ' + m, type: 'line', symbolSize: 5, data,
    lineStyle: i > 0 ? {type: 'dashed'} : {}})));
  metricChart.setOption({
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {type: 'scroll', top: 0},
    grid: {top: 40, left: 60, right: 20, bottom: 40},
    xAxis: {type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 25, minInterval: 1},
    yAxis: {type: 'value', scale: true},
    series: metricSeries,
  }, {replaceMerge: ['series']});
  // what the browser tests read: how many points each chart holds now
  $('loss-chart').dataset.points =
      state.selected === null ? 0 : curveOf(state.selected).steps.length;
  $('loss-chart').dataset.comparePoints =
      state.compare === null ? 0 : curveOf(state.compare).steps.length;
  $('metric-chart').dataset.points = metricSeries.reduce((s, x) => s + x.data.length, 0);
}

// ---- model: summary, attention, predict ---------------------------------------------------------

async function loadSummary(name) {
  const table = $('summary');
  table.replaceChildren();
  try {
    const s = await api('/v1/runs/' + enc(name) + '/summary');
    const head = table.createTHead().insertRow();
    for (const h of ['layer', 'type', 'output shape', 'parameters']) cell(head, h);
    const body = table.createTBody();
    for (const l of s.layers) {
      const tr = body.insertRow();
      cell(tr, l.name);
      cell(tr, l.type);
      cell(tr, '[' + l.output.join(', ') + ']');
      cell(tr, l.parameters.toLocaleString('en'), 'num');
    }
    const tr = body.insertRow();
    cell(tr, 'total');
    cell(tr, '');
    cell(tr, 'input [' + s.input.join(', ') + ']' + (s.sequences ? ' token ids' : ''));
    cell(tr, s.parameters.toLocaleString('en'), 'num');
  } catch (e) {
    const tr = table.insertRow();
    cell(tr, e.message, 'error');
  }
}

function exampleRows(run, inputs) {
  const data = (run && run.config && run.config.data) || {};
  const rows = [];
  let seed = 7;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let r = 0; r < 4; r++) {
    rows.push(inputs.map(() => data.vocabulary
        ? 1 + Math.floor(next() * (data.vocabulary - 1))
        : Math.round((next() * 4 - 2) * 100) / 100));
  }
  return rows;
}

async function loadModel(name) {
  state.model = null;
  $('predict-inputs').replaceChildren();
  $('predict-result').replaceChildren();
  text($('predict-msg'), '');
  text($('attention-msg'), '');
  try {
    const j = await api('/v1/runs/' + enc(name));
    if (state.selected !== name) return;
    state.model = j.model;
  } catch (e) {
    text($('predict-msg'), e.message, true);
    text($('attention-msg'), e.message, true);
    $('attention-rows').value = '';
    return;
  }
  const rows = exampleRows(state.runs.get(name), state.model.inputs);
  $('attention-rows').value = '[\n' + rows.map((r) => '  ' + JSON.stringify(r)).join(',\n') + '\n]';
  state.model.inputs.forEach((input, k) => {
    const label = document.createElement('label');
    label.textContent = input;
    const field = document.createElement('input');
    field.type = 'number';
    field.step = 'any';
    field.required = true;
    field.name = input;
    field.id = 'predict-in-' + k;
    field.value = rows[0][k];
    label.appendChild(field);
    $('predict-inputs').appendChild(label);
  });
}

async function showAttention() {
  const name = state.selected;
  const msg = $('attention-msg');
  let rows;
  try {
    rows = JSON.parse($('attention-rows').value);
  } catch (e) {
    text(msg, 'the rows are not JSON: ' + e.message, true);
    return;
  }
  try {
    const a = await api('/v1/runs/' + enc(name) + '/attention', {rows});
    const data = [];
    let max = 0;
    a.weights.forEach((row, y) => row.forEach((w, x) => {
      data.push([x, y, w]);
      max = Math.max(max, w);
    }));
    attentionChart.setOption({
      animation: false,
      title: {text: a.title + ' (epoch ' + a.epoch + ')', textStyle: {fontSize: 12}},
      tooltip: {formatter: (p) => a.examples[p.value[1]] + ', ' + a.positions[p.value[0]] +
          ': ' + p.value[2].toFixed(4)},
      grid: {top: 40, left: 70, right: 20, bottom: 90},
      xAxis: {type: 'category', data: a.positions, axisLabel: {rotate: 45}},
      yAxis: {type: 'category', data: a.examples, inverse: true},
      visualMap: {min: 0, max: max || 1, precision: 3, calculable: true, orient: 'horizontal', left: 'center',
        bottom: 0, inRange: {color: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725']}},
      series: [{type: 'heatmap', data, label: {show: a.positions.length <= 12,
        formatter: (p) => p.value[2].toFixed(2), fontSize: 9}}],
    }, true);
    $('attention-chart').dataset.cells = data.length;
    text(msg, '');
  } catch (e) {
    text(msg, e.message, true);
  }
}

async function predict(event) {
  event.preventDefault();
  const name = state.selected;
  const msg = $('predict-msg');
  const table = $('predict-result');
  table.replaceChildren();
  if (!state.model) return;
  const row = state.model.inputs.map((_, k) => Number($('predict-in-' + k).value));
  try {
    const p = await api('/v1/runs/' + enc(name) + '/predict', {rows: [row]});
    const values = p.predictions[0];
    // class probabilities (they sum to 1): the most likely class is shown in bold
    const sum = values.reduce((a, b) => a + b, 0);
    const probabilities = values.length > 1 && values.every((v) => v >= 0) &&
        Math.abs(sum - 1) < 1e-4;
    const best = probabilities ? values.indexOf(Math.max(...values)) : -1;
    const head = table.createTHead().insertRow();
    cell(head, 'output');
    cell(head, 'prediction');
    const body = table.createTBody();
    p.outputs.forEach((o, k) => {
      const tr = body.insertRow();
      cell(tr, o);
      cell(tr, values[k].toPrecision(6), 'num' + (k === best ? ' best' : ''));
    });
    text(msg, 'epoch ' + p.epoch + ' of ' + name);
  } catch (e) {
    text(msg, e.message, true);
  }
}

// ---- start --------------------------------------------------------------------------------

async function tick() {
  try {
    if (++state.polls % RUNS_EVERY === 0) {
      await loadRuns();
      // a run that had no checkpoint when it was shown has committed its first one since
      const shown = state.runs.get(state.selected);
      if (state.model === null && shown && shown.checkpoint) await loadModel(state.selected);
    }
    await pollCurves();
    text($('status'), 'updated ' + new Date().toLocaleTimeString());
  } catch (e) {
    text($('status'), e.message, true);
  }
  setTimeout(tick, POLL_MS);
}

async function start() {
  lossChart = echarts.init($('loss-chart'));
  metricChart = echarts.init($('metric-chart'));
  attentionChart = echarts.init($('attention-chart'));
  addEventListener('resize', () => [lossChart, metricChart, attentionChart].forEach((c) => c.resize()));
  $('attention-go').addEventListener('click', showAttention);
  $('predict-form').addEventListener('submit', predict);
  try {
    await loadRuns();
  } catch (e) {
    text($('runs-msg'), e.message, true);
  }
  document.body.dataset.ready = 'true';
  setTimeout(tick, POLL_MS);
}

start();
