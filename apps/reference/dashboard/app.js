// The Keel dashboard: one ES module, no framework, nothing fetched from outside this server.
// State comes from the `/ws` snapshot and live messages; panels, plugins and signals from the REST API.
// Every text from the server is set with textContent, never parsed as HTML.

const SVG = 'http://www.w3.org/2000/svg';
const MAX_STEPS = 600;
const MAX_RUNS = 200;
const MAX_SESSIONS = 60;
/** The sensor whose activity is marked on the price chart; the first non-EXE sensor if it is absent. */
const MARKER_PLUGIN = 'atr-burst';
const ZONE = 'America/New_York';

const state = {
  steps: [],
  sessions: [],
  runs: [],
  progress: null,
  plugins: [],
  loadErrors: [],
  signals: null,
  locale: null,
  health: null,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- rendering schedule

const dirty = new Set();
let frame = 0;
function invalidate(...parts) {
  for (const p of parts) dirty.add(p);
  if (frame === 0) frame = requestAnimationFrame(flush);
}
function flush() {
  frame = 0;
  const parts = [...dirty];
  dirty.clear();
  for (const part of parts) RENDER[part]?.();
}

const RENDER = {
  price: renderPrice,
  quote: renderQuote,
  sensors: renderSensors,
  sessions: renderSessions,
  runs: renderRuns,
  progress: renderProgress,
  signals: renderSignals,
};

// ---------------------------------------------------------------- formatting

const dateTime = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayOnly = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, month: 'short', day: 'numeric' });
const dayKey = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const num = new Intl.NumberFormat('en-US');

const fmtTime = (t) => dateTime.format(t).replace(',', '');
const fmtPrice = (p) => p.toFixed(2);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Epoch milliseconds between 2001 and 2096 read better as a date; stats carry many. */
const isEpochMs = (v) => typeof v === 'number' && Number.isInteger(v) && v > 1e12 && v < 4e12;

function scalar(v) {
  if (isEpochMs(v)) return `${fmtTime(v)} ET`;
  if (Array.isArray(v)) return list(v);
  if (v !== null && typeof v === 'object') return compact(v, 60);
  return String(v);
}

// Arrays (a forecast cone's quantile path, say) show their first items and their length; each item
// goes through scalar, which recurses only into the item, so nesting always ends.
const LIST_ITEMS = 4;
function list(values) {
  const shown = values
    .slice(0, LIST_ITEMS)
    .map((x) =>
      typeof x === 'number' && !Number.isInteger(x) ? String(Number(x.toPrecision(6))) : scalar(x),
    );
  return `[${shown.join(', ')}${values.length > LIST_ITEMS ? `, … ${values.length} items` : ''}]`;
}

function compact(value, max = 90) {
  let text;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    text = Object.entries(value)
      .map(([k, v]) => `${k} ${scalar(v)}`)
      .join(' · ');
  } else if (typeof value === 'string') {
    text = value;
  } else {
    text = scalar(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function chartSize(svgEl) {
  const box = svgEl.getBoundingClientRect();
  const width = Math.max(200, Math.round(box.width));
  const height = Math.max(120, Math.round(box.height));
  svgEl.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { width, height };
}

function niceTicks(min, max, count) {
  const span = max - min || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(v);
  return ticks;
}

// ---------------------------------------------------------------- price chart

function markerPlugin() {
  const last = state.steps.at(-1);
  if (last === undefined) return null;
  const preferred = last.sensors.find((s) => s.plugin === MARKER_PLUGIN);
  return (preferred ?? last.sensors.find((s) => s.layer !== 'EXE') ?? null)?.plugin ?? null;
}

function renderPrice() {
  const chart = $('price-chart');
  const { width, height } = chartSize(chart);
  chart.replaceChildren();
  const pad = { left: 8, right: 62, top: 10, bottom: 24 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = 5;
  const bars = state.steps.slice(-Math.max(20, Math.floor(plotW / slot)));
  if (bars.length === 0) {
    chart.append(
      svg(
        'text',
        { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'axis' },
        'waiting for bars…',
      ),
    );
    return;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of bars) {
    if (b.low < lo) lo = b.low;
    if (b.high > hi) hi = b.high;
  }
  const margin = (hi - lo) * 0.06 || 1;
  lo -= margin;
  hi += margin;
  const y = (p) => pad.top + ((hi - p) / (hi - lo)) * plotH;
  const step = plotW / bars.length;
  const x = (i) => pad.left + step * i + step / 2;
  const body = Math.max(1, Math.min(8, step * 0.62));

  const grid = svg('g', { class: 'axis' });
  for (const t of niceTicks(lo, hi, 5)) {
    grid.append(svg('line', { class: 'gridline', x1: pad.left, x2: pad.left + plotW, y1: y(t), y2: y(t) }));
    grid.append(svg('text', { x: width - pad.right + 6, y: y(t) + 4 }, t.toFixed(t >= 100 ? 0 : 2)));
  }
  chart.append(grid);

  const marker = markerPlugin();
  $('marker-label').textContent = marker === null ? 'sensor active' : `${marker} active`;
  const sessions = svg('g');
  const bands = svg('g');
  const candles = svg('g');
  const markers = svg('g');
  let prevDay = null;
  let lastLabelX = -Infinity;
  bars.forEach((b, i) => {
    const cx = x(i);
    const day = dayKey.format(b.time);
    if (day !== prevDay) {
      if (prevDay !== null) {
        const sx = cx - step / 2;
        sessions.append(
          svg('line', { class: 'session-line', x1: sx, x2: sx, y1: pad.top, y2: pad.top + plotH }),
        );
      }
      if (cx - lastLabelX > 56) {
        sessions.append(svg('text', { class: 'axis', x: cx, y: height - 6 }, dayOnly.format(b.time)));
        lastLabelX = cx;
      }
      prevDay = day;
    }
    const up = b.close >= b.open;
    const cls = `candle ${up ? 'up' : 'down'}`;
    candles.append(svg('line', { class: cls, x1: cx, x2: cx, y1: y(b.high), y2: y(b.low) }));
    const top = y(Math.max(b.open, b.close));
    const h = Math.max(1, Math.abs(y(b.open) - y(b.close)));
    candles.append(svg('rect', { class: cls, x: cx - body / 2, y: top, width: body, height: h }));
    const sensor = marker === null ? undefined : b.sensors.find((s) => s.plugin === marker);
    if (sensor?.active) {
      bands.append(
        svg('rect', { class: 'active-band', x: cx - step / 2, y: pad.top, width: step, height: plotH }),
      );
      markers.append(
        svg('circle', { class: 'marker', cx, cy: Math.min(pad.top + plotH - 3, y(b.low) + 6), r: 2.4 }),
      );
    }
  });
  chart.append(sessions, bands, candles, markers);

  const last = bars.at(-1);
  const ly = y(last.close);
  const label = svg('g', { class: 'last-label' });
  label.append(svg('rect', { x: width - pad.right + 2, y: ly - 8, width: pad.right - 4, height: 16, rx: 3 }));
  label.append(svg('text', { x: width - pad.right + 6, y: ly + 4 }, fmtPrice(last.close)));
  chart.append(
    svg('line', { class: 'last-line', x1: pad.left, x2: width - pad.right, y1: ly, y2: ly }),
    label,
  );

  $('price-sub').textContent =
    `last ${bars.length} bars · 5-minute · ${ZONE.split('/')[1].replace('_', ' ')} time`;
}

function renderQuote() {
  const last = state.steps.at(-1);
  if (last === undefined) return;
  const first = state.steps.find((s) => dayKey.format(s.time) === dayKey.format(last.time)) ?? last;
  $('last-price').textContent = fmtPrice(last.close);
  const change = last.close - first.open;
  const pct = (change / first.open) * 100;
  const node = $('last-change');
  node.textContent = `${change >= 0 ? '+' : ''}${change.toFixed(2)} (${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%)`;
  node.dataset.sign = change >= 0 ? 'up' : 'down';
  $('last-time').textContent = `${fmtTime(last.time)} ET`;
}

// ---------------------------------------------------------------- sensors

function stateChip(info) {
  if (info === undefined) return el('span', { class: 'chip', text: '—' });
  const tone =
    { ready: 'ok', warming: 'warn', loaded: '', quarantined: 'bad', disabled: 'bad' }[info.state] ?? '';
  return el('span', { class: `chip ${tone}`, text: info.label });
}

function renderSensors() {
  const last = state.steps.at(-1);
  const rows = $('sensor-rows');
  $('sensor-empty').hidden = last !== undefined || state.plugins.length > 0;
  const byId = new Map(state.plugins.map((p) => [p.id, p]));
  const sensors =
    last?.sensors ??
    state.plugins.map((p) => ({
      plugin: p.id,
      name: p.name,
      layer: p.layer,
      active: false,
      score: 0,
      status: p.label,
    }));
  rows.replaceChildren();
  for (const s of sensors) {
    const info = byId.get(s.plugin);
    const pct = Math.round(Math.max(0, Math.min(1, s.score)) * 100);
    const fill = el('div', { class: 'score-fill' });
    fill.style.width = `${pct}%`;
    rows.append(
      el(
        'tr',
        { class: 'sensor-row', 'data-plugin': s.plugin, 'data-active': s.active },
        el(
          'td',
          {},
          el('span', { class: 'dot', 'data-active': s.active, title: s.active ? 'active' : 'inactive' }),
        ),
        el(
          'td',
          {},
          el('span', { class: 'plugin-name', text: s.name }),
          el('span', { class: 'plugin-id', text: s.plugin }),
        ),
        el('td', {}, el('span', { class: 'chip', text: s.layer })),
        el('td', {}, stateChip(info)),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'score' },
            el('div', { class: 'score-track' }, fill),
            el('span', { class: 'score-value', text: s.score.toFixed(2) }),
          ),
        ),
      ),
      el('tr', { class: 'status-row' }, el('td'), el('td', { colspan: 4, class: 'status', text: s.status })),
      el(
        'tr',
        { class: 'detail-row' },
        el('td'),
        el(
          'td',
          { colspan: 4 },
          activityStrip(s.plugin),
          el('span', { class: 'detail', text: statsLine(info) }),
        ),
      ),
    );
  }
  const calls = state.plugins.reduce((n, p) => n + p.stats.calls, 0);
  const errors = state.plugins.reduce((n, p) => n + p.stats.errors, 0);
  $('sensor-sub').textContent =
    state.plugins.length === 0 ? '' : `${num.format(calls)} calls · ${errors} errors`;
  const errs = $('load-errors');
  errs.replaceChildren(
    ...state.loadErrors.map((e) => el('div', { text: `load error [${e.phase}] ${e.plugin}: ${e.message}` })),
  );
}

const STRIP_BARS = 120;

/** The sensor's last bars as a strip of ticks: when it fired, at a glance. */
function activityStrip(plugin) {
  const strip = svg('svg', {
    class: 'strip',
    viewBox: `0 0 ${STRIP_BARS * 2} 12`,
    preserveAspectRatio: 'none',
  });
  const recent = state.steps.slice(-STRIP_BARS);
  const offset = STRIP_BARS - recent.length;
  strip.append(svg('rect', { class: 'strip-bg', x: 0, y: 0, width: STRIP_BARS * 2, height: 12 }));
  recent.forEach((step, i) => {
    const s = step.sensors.find((x) => x.plugin === plugin);
    if (s?.active)
      strip.append(svg('rect', { class: 'strip-on', x: (offset + i) * 2, y: 0, width: 2, height: 12 }));
  });
  return strip;
}

function statsLine(info) {
  if (info === undefined) return '';
  const d = info.stats.durations;
  const us = (ms) => (typeof ms === 'number' && Number.isFinite(ms) ? `${(ms * 1000).toFixed(1)} µs` : '–');
  return `${num.format(info.stats.calls)} calls · ${info.stats.errors} err · p50 ${us(d.p50)} · p99 ${us(d.p99)}`;
}

// ---------------------------------------------------------------- sessions

function addSession(event) {
  const d = event.data;
  if (d === null || typeof d !== 'object' || typeof d.activeBars !== 'number') return;
  const time = typeof d.sessionClose === 'number' ? d.sessionClose : event.time;
  if (state.sessions.some((s) => s.time === time)) return;
  state.sessions.push({ time, bars: d.bars ?? 0, active: d.activeBars });
  if (state.sessions.length > MAX_SESSIONS) state.sessions.splice(0, state.sessions.length - MAX_SESSIONS);
}

function renderSessions() {
  const chart = $('session-chart');
  const { width, height } = chartSize(chart);
  chart.replaceChildren();
  $('sessions-empty').hidden = state.sessions.length > 0;
  if (state.sessions.length === 0) return;
  const pad = { left: 30, right: 8, top: 16, bottom: 22 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const top = Math.max(4, ...state.sessions.map((s) => s.active));
  const ticks = niceTicks(0, top, 4);
  const tickStep = ticks[1] - ticks[0];
  // Head-room above the tallest bar for its value label, ending on a gridline.
  while (ticks.at(-1) < top * 1.1) ticks.push(ticks.at(-1) + tickStep);
  const max = ticks.at(-1);
  const y = (v) => pad.top + plotH - (v / max) * plotH;
  const slot = plotW / Math.max(state.sessions.length, 10);
  const w = Math.max(2, Math.min(28, slot * 0.68));
  for (const t of ticks) {
    chart.append(svg('line', { class: 'gridline', x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t) }));
    chart.append(
      svg('text', { class: 'axis', x: pad.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)),
    );
  }
  let lastLabel = -Infinity;
  state.sessions.forEach((s, i) => {
    const cx = pad.left + slot * i + slot / 2;
    const bar = svg('rect', {
      class: 'session-bar',
      x: cx - w / 2,
      y: y(s.active),
      width: w,
      height: Math.max(1, y(0) - y(s.active)),
      rx: 2,
    });
    bar.append(svg('title', {}, `${dayOnly.format(s.time)}: ${s.active} of ${s.bars} bars active`));
    chart.append(bar);
    if (slot >= 18)
      chart.append(
        svg(
          'text',
          { class: 'axis value', x: cx, y: y(s.active) - 4, 'text-anchor': 'middle' },
          String(s.active),
        ),
      );
    if (cx - lastLabel > 52) {
      chart.append(
        svg('text', { class: 'axis', x: cx, y: height - 6, 'text-anchor': 'middle' }, dayOnly.format(s.time)),
      );
      lastLabel = cx;
    }
  });
  const last = state.sessions.at(-1);
  const active = state.sessions.reduce((n, s) => n + s.active, 0);
  const bars = state.sessions.reduce((n, s) => n + s.bars, 0);
  $('sessions-sub').textContent =
    `${state.sessions.length} sessions · last ${last.active}/${last.bars} · ${((active / Math.max(1, bars)) * 100).toFixed(1)}% of bars active`;
}

// ---------------------------------------------------------------- runs

function addRun(run) {
  state.runs.unshift(run);
  if (state.runs.length > MAX_RUNS) state.runs.length = MAX_RUNS;
}

function renderRuns() {
  const list = $('run-log');
  $('runs-empty').hidden = state.runs.length > 0;
  list.replaceChildren(
    ...state.runs.slice(0, 60).map((r) =>
      el(
        'li',
        { class: 'run', 'data-success': r.success },
        el('span', {
          class: r.success ? 'ok' : 'bad',
          text: r.success ? '✓' : '✗',
          title: r.success ? 'succeeded' : 'failed',
        }),
        el('time', { text: fmtTime(r.scheduledAt) }),
        el(
          'span',
          { class: 'what' },
          `${r.plugin} · ${r.job} `,
          el('span', { class: 'chip', text: r.when }),
          el('span', {
            class: 'data',
            text: r.success ? (r.data === undefined ? '' : compact(r.data)) : (r.error ?? ''),
          }),
        ),
        el('span', { class: 'dur', text: `${r.durationMs.toFixed(1)} ms` }),
      ),
    ),
  );
  const ok = state.runs.filter((r) => r.success).length;
  $('runs-sub').textContent =
    state.runs.length === 0 ? '' : `${state.runs.length} shown · ${ok} succeeded · latest first`;
}

// ---------------------------------------------------------------- progress

function renderProgress() {
  const p = state.progress;
  if (p === null) return;
  const wrap = $('progress');
  wrap.dataset.state = p.state;
  const pct = p.total ? Math.min(100, (p.processed / p.total) * 100) : p.state === 'done' ? 100 : 0;
  $('progress-fill').style.width = `${pct.toFixed(1)}%`;
  const pace = p.speed === 0 ? 'full speed' : `${num.format(p.speed)} bars/s`;
  const of = p.total ? ` / ${num.format(p.total)}` : '';
  const text = {
    starting: 'starting…',
    replaying: `replaying ${num.format(p.processed)}${of} bars · ${pace}`,
    done: `replay done · ${num.format(p.accepted)} bars in ${(p.elapsedMs / 1000).toFixed(1)} s`,
    stopped: `replay stopped at ${num.format(p.processed)} bars`,
    failed: `replay failed: ${p.error?.message ?? 'unknown error'}`,
  }[p.state];
  $('progress-text').textContent = text ?? p.state;
}

// ---------------------------------------------------------------- signals

function toneOf(value) {
  if (value === null || value === undefined) return '';
  const v = String(value).toLowerCase();
  if (/defend|block|crisis|risk_off|reduce|exit/.test(v)) return 'bad';
  if (/watch|review|caution|notify/.test(v)) return 'warn';
  if (/no_action|hold|normal|risk_on/.test(v)) return 'ok';
  return '';
}

function renderSignals() {
  const s = state.signals;
  if (s === null) return;
  const locales = s.locales ?? [];
  if (state.locale === null || !locales.includes(state.locale)) state.locale = locales[0] ?? null;
  const toggle = $('locale-toggle');
  toggle.replaceChildren(
    ...locales.map((locale) => {
      const b = el('button', {
        type: 'button',
        'data-locale': locale,
        'aria-pressed': locale === state.locale,
        text: locale,
      });
      b.addEventListener('click', () => {
        state.locale = locale;
        invalidate('signals');
      });
      return b;
    }),
  );
  const report = $('signal-report');
  const plugins = s.report?.strategy_plugins ?? [];
  $('signals-sub').textContent =
    s.status === 'pending'
      ? 'loading artifacts…'
      : s.status === 'none'
        ? 'no artifacts configured'
        : s.status === 'failed'
          ? 'failed'
          : `${plugins.length} artifacts · shadow mode`;
  report.replaceChildren(
    ...(s.error ? [el('div', { class: 'load-errors', text: `${s.error.code}: ${s.error.message}` })] : []),
    ...plugins.map((p) =>
      el(
        'div',
        { class: 'signal', 'data-plugin': p.plugin },
        el(
          'div',
          {},
          el('div', { class: 'name', text: p.plugin }),
          el('div', { class: 'meta', text: `${p.strategy} · as of ${p.as_of} · schema ${p.schema_version}` }),
        ),
        el(
          'div',
          { class: 'chips' },
          el('span', {
            class: `chip ${toneOf(p.canonical_route)}`,
            text: `route ${p.canonical_route ?? '—'}`,
          }),
          el('span', {
            class: `chip ${toneOf(p.suggested_action)}`,
            text: `action ${p.suggested_action ?? '—'}`,
          }),
          el('span', {
            class: `chip ${p.would_trade_if_enabled ? 'warn' : ''}`,
            text: p.would_trade_if_enabled ? 'would trade' : 'no trade',
          }),
          el('span', { class: 'chip', text: p.effective_mode }),
        ),
      ),
    ),
  );
  const lines = (state.locale === null ? [] : s.lines[state.locale]) ?? [];
  $('signal-lines').replaceChildren(
    ...lines.map((line) => el('li', { lang: state.locale ?? 'en', text: line })),
  );

  const alerts = $('signal-alerts');
  if (s.alerts === null) {
    alerts.replaceChildren(
      el('p', { class: 'empty', text: s.status === 'pending' ? 'publishing…' : 'no publish yet' }),
    );
    return;
  }
  const channels = Object.entries(s.alerts.channels);
  alerts.replaceChildren(
    el(
      'table',
      {},
      el(
        'tr',
        {},
        ...['channel', 'attempted', 'sent', 'skipped', 'failed'].map((h) => el('th', { text: h })),
      ),
      ...channels.map(([name, c]) =>
        el(
          'tr',
          { 'data-channel': name },
          el('td', { text: name }),
          el('td', { text: c.attempted }),
          el('td', { text: c.sent }),
          el('td', { text: c.skipped }),
          el('td', { text: c.failed }),
        ),
      ),
    ),
    el(
      'table',
      { class: 'deliveries' },
      ...s.alerts.deliveries.map((d) =>
        el(
          'tr',
          {},
          el(
            'td',
            {},
            el('span', {
              class: `chip ${d.status === 'sent' ? 'ok' : d.status === 'failed' ? 'bad' : 'warn'}`,
              text: d.status,
            }),
          ),
          el('td', { text: d.reason ?? d.error ?? '' }),
          el('td', { class: 'key-cell', text: d.alertKey }),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- panels

async function refreshPanels() {
  const { panels } = await getJson('/api/panels');
  const names = new Map(state.plugins.map((p) => [p.id, p.name]));
  $('panels').replaceChildren(
    ...(panels.length > 0
      ? panels.map((panel) => {
          const dl = el('dl');
          for (const [k, v] of Object.entries(panel.stats)) {
            // One value that cannot be shown costs its own row, not every panel on the page.
            let text;
            try {
              text = compact(v, 140);
            } catch (error) {
              console.error(`panel ${panel.id}: cannot show ${k}`, error);
              text = '(cannot be shown)';
            }
            dl.append(el('dt', { text: k }), el('dd', { text }));
          }
          return el(
            'div',
            { class: 'panel', 'data-plugin': panel.id },
            el(
              'div',
              { class: 'title' },
              el('span', { class: 'plugin-name', text: names.get(panel.id) ?? panel.id }),
              el('span', { class: 'status', text: panel.status }),
            ),
            dl,
          );
        })
      : [el('p', { class: 'empty', text: 'no plugin has a console panel' })]),
  );
}

// ---------------------------------------------------------------- data sources

// With `keel serve --token`, open the dashboard at `/#token=<token>`: a fragment never reaches the
// server's logs or a Referer. Fetches send it as a bearer token, the WebSocket as a subprotocol.
const TOKEN = new URLSearchParams(location.hash.slice(1)).get('token');

async function getJson(url) {
  const res = await fetch(url, TOKEN ? { headers: { authorization: `Bearer ${TOKEN}` } } : {});
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

async function refreshPlugins() {
  const body = await getJson('/api/plugins');
  state.plugins = body.plugins;
  state.loadErrors = body.loadErrors;
  invalidate('sensors');
}

async function refreshSignals() {
  state.signals = await getJson('/api/signals');
  invalidate('signals');
  return state.signals.status;
}

async function refreshNextRuns() {
  const { nextRuns } = await getJson('/api/next-runs');
  const due = nextRuns.filter((r) => r.nextAt !== null).sort((a, b) => a.nextAt - b.nextAt)[0];
  $('next-runs').textContent = due ? `next: ${due.plugin} · ${due.job} at ${fmtTime(due.nextAt)} ET` : '';
}

function onMessage(message) {
  switch (message.type) {
    case 'snapshot':
      state.steps = message.steps.slice(-MAX_STEPS);
      state.sessions = [];
      for (const e of message.events) if (e.type === 'session.closed') addSession(e);
      state.runs = [...message.runs].reverse();
      state.progress = message.progress;
      invalidate('price', 'quote', 'sensors', 'sessions', 'runs', 'progress');
      break;
    case 'step':
      state.steps.push(message.step);
      if (state.steps.length > MAX_STEPS * 1.5) state.steps.splice(0, state.steps.length - MAX_STEPS);
      invalidate('price', 'quote', 'sensors');
      break;
    case 'event':
      if (message.event.type === 'session.closed') {
        addSession(message.event);
        invalidate('sessions');
      }
      break;
    case 'run':
      addRun(message.run);
      invalidate('runs');
      break;
    case 'progress':
      state.progress = message.progress;
      invalidate('progress');
      if (message.progress.state !== 'replaying')
        void refreshPlugins()
          .then(refreshPanels)
          .catch(() => {});
      break;
  }
}

let retry = 500;
function connect() {
  const conn = $('conn');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(
    `${scheme}://${location.host}/ws`,
    TOKEN ? ['keel', `keel.token.${TOKEN}`] : undefined,
  );
  ws.addEventListener('open', () => {
    retry = 500;
    conn.dataset.state = 'open';
    conn.textContent = 'live';
  });
  ws.addEventListener('message', (e) => {
    try {
      onMessage(JSON.parse(e.data));
    } catch (error) {
      console.error('bad message', error);
    }
  });
  ws.addEventListener('close', () => {
    conn.dataset.state = 'closed';
    conn.textContent = 'reconnecting';
    setTimeout(connect, retry);
    retry = Math.min(10_000, retry * 2);
  });
}

async function main() {
  try {
    const health = await getJson('/api/health');
    $('symbol').textContent = health.symbol;
    document.title = `Keel · ${health.symbol}`;
  } catch {
    // The WebSocket's reconnect loop reports a server that is down.
  }
  connect();
  const refresh = async () => {
    await refreshPlugins().catch(() => {});
    await refreshPanels().catch(() => {});
    await refreshNextRuns().catch(() => {});
  };
  void refresh();
  setInterval(refresh, 2000);
  const pollSignals = async () => {
    const status = await refreshSignals().catch(() => 'pending');
    setTimeout(pollSignals, status === 'pending' ? 500 : 10_000);
  };
  void pollSignals();
  window.addEventListener('resize', () => invalidate('price', 'sessions'));
}

void main();
