import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A user's project that installs only `@keel/host` and `@keel/contract` from the registry: it writes
 * a CSV of synthetic bars, replays it through a host with one bar sensor, checks that the SQLite cache
 * says clearly that better-sqlite3 is absent, and prints one JSON line with what it did.
 */
export const CONSUMER_REPLAY = `import { writeFileSync } from 'node:fs';
import { definePlugin } from '@keel/contract';
import { createHost, generateBars, readCsvBars } from '@keel/host';

const COUNT = Number(process.argv[2] ?? 5000);
const csv = new URL('./bars.csv', import.meta.url);
const stamp = (time) => new Date(time).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
const rows = ['date,open,high,low,close,volume'];
for (const bar of generateBars({ count: COUNT, seed: 42, symbol: 'DEMO' })) {
  rows.push([stamp(bar.time), bar.open, bar.high, bar.low, bar.close, bar.volume].join(','));
}
writeFileSync(csv, rows.join('\\n') + '\\n');

const bigBody = definePlugin({
  id: 'big-body',
  name: 'Big body',
  version: '1.0.0',
  category: 'alpha',
  warmup: 2,
  window: 2,
  onBar: ({ window }) => {
    const range = window.high.get(-1) - window.low.get(-1);
    const body = Math.abs(window.close.get(-1) - window.open.get(-1));
    return { active: body > 0.7 * range, score: range > 0 ? body / range : 0, status: 'ok' };
  },
});

const host = createHost({ cache: { memory: true } });
const { errors } = await host.load([bigBody]);
if (errors.length > 0) throw new Error('load failed: ' + JSON.stringify(errors));
let active = 0;
const result = await host.replay(readCsvBars(csv, { symbol: 'DEMO' }), {
  onStep: (step) => {
    for (const reading of step.sensors) if (reading.active) active += 1;
  },
});
await host.dispose();

// better-sqlite3 is an optional peer: without it the SQLite cache must fail loudly, never fall back.
let sqlite = 'loaded';
try {
  const { createSqliteCacheStore } = await import('@keel/host/sqlite');
  createSqliteCacheStore({ path: new URL('./cache.sqlite', import.meta.url).pathname });
} catch (error) {
  sqlite = error.code ?? String(error);
}
// The default cache is the SQLite file: a plugin that uses it must get a clear load error here.
const cacheUser = definePlugin({
  id: 'cache-user',
  name: 'Cache user',
  version: '1.0.0',
  category: 'alpha',
  setup: async (ctx) => {
    await ctx.cache.put('state', 'started', true);
  },
  onBar: () => ({ active: false, score: 0, status: 'ok' }),
});
const defaults = createHost();
const loaded = await defaults.load([cacheUser]);
await defaults.dispose();
const defaultCache = loaded.errors.map((e) => e.code + ': ' + e.message + (e.hint ? ' (hint: ' + e.hint + ')' : '')).join('; ') || 'loaded';

console.log(JSON.stringify({ replayed: result.accepted, processed: result.processed, rejected: result.rejected, active, sqlite, defaultCache }));
`;

/** A project that installs only `@keel/notify` and keeps markers in memory. */
export const NOTIFY_ONLY = `import { createMemoryMarkerStore, dispatchAlerts } from '@keel/notify';

const sent = [];
const publisher = {
  channel: 'console',
  secrets: [],
  missingConfig: () => [],
  send: async (message) => {
    sent.push(message.alertKey);
    return [{ ok: true, provider: 'memory' }];
  },
};
const markers = createMemoryMarkerStore();
const messages = [{ alertKey: 'rehearsal/1', subject: 'Rehearsal', body: 'one alert', locale: 'en-US', metadata: {} }];
// The second run finds the marker the first wrote: one alert, sent once.
await dispatchAlerts(messages, { publishers: [publisher], markers });
await dispatchAlerts(messages, { publishers: [publisher], markers });
let sqlite = 'loaded';
try {
  const { createSqliteMarkerStore } = await import('@keel/notify/sqlite');
  createSqliteMarkerStore({ path: new URL('./markers.db', import.meta.url).pathname });
} catch (error) {
  sqlite = error.code ?? String(error);
}
console.log(JSON.stringify({ sent: sent.length, sqlite }));
`;

/**
 * Imports every entry point (`exports` key) of every installed `@keel/*` package, so a tarball that
 * lacks a file or a dependency fails here instead of in a user's project. Prints one JSON line.
 */
export const IMPORT_ALL = `import { readFileSync } from 'node:fs';

const own = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const entries = [];
for (const name of Object.keys(own.dependencies ?? {})) {
  const manifest = JSON.parse(readFileSync(new URL('./node_modules/' + name + '/package.json', import.meta.url), 'utf8'));
  const keys = manifest.exports ? Object.keys(manifest.exports).filter((k) => !k.endsWith('.json')) : ['.'];
  for (const key of keys) entries.push(key === '.' ? name : name + key.slice(1));
}
const failed = [];
for (const entry of entries) {
  try {
    await import(entry);
  } catch (error) {
    failed.push(entry + ': ' + String(error?.message ?? error).split('\\n')[0]);
  }
}
console.log(JSON.stringify({ imported: entries.length - failed.length, failed }));
`;

export function writeProject(dir, name, files) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
}
