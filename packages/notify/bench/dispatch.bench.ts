// Fan-out benchmark: N alerts through dispatchAlerts to an in-process publisher (no network), with the
// memory and SQLite marker stores, against a baseline loop that calls the publisher directly.
// Prints alerts/s (median of several rounds) and the ratio to the baseline measured in this run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AlertMessage,
  createMemoryMarkerStore,
  createRedactor,
  type DeliveryOutcome,
  dispatchAlerts,
  type MarkerStore,
  type Publisher,
  type SendContext,
} from '../src/index.js';
import { createSqliteMarkerStore } from '../src/sqlite.js';

const N = Number(process.env.KEEL_BENCH_ALERTS ?? 10_000);
const ROUNDS = Number(process.env.KEEL_BENCH_ROUNDS ?? 5);

function makeAlerts(n: number, round: number): AlertMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    alertKey: `strategy_plugin_alert/bench/r${round}/market_regime_control/2026-05-24/risk_off/defend/${i.toString(16).padStart(16, '0')}`,
    subject: `Market regime control: risk-off #${i}`,
    body: 'Strategy plugin alert\n\nTarget: tqqq_growth_income',
    locale: 'en-US',
    metadata: {
      target_type: 'strategy',
      target: 'tqqq_growth_income',
      plugin: 'market_regime_control',
      as_of: '2026-05-24',
    },
  }));
}

// A publisher that does the minimum real work a channel does: serialise the payload once.
let bytes = 0;
const OK: readonly DeliveryOutcome[] = Object.freeze([{ ok: true }]);
const publisher: Publisher = {
  channel: 'console',
  secrets: ['bench-secret-token'],
  missingConfig: () => [],
  async send(message: AlertMessage): Promise<readonly DeliveryOutcome[]> {
    bytes += JSON.stringify({ k: message.alertKey, s: message.subject, b: message.body }).length;
    return OK;
  },
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function timeIt(run: (round: number) => Promise<void>): Promise<number> {
  const rates: number[] = [];
  await run(-1); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await run(r);
    rates.push(N / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

const ctx: SendContext = {
  signal: new AbortController().signal,
  redact: createRedactor(publisher.secrets),
  log: { debug() {}, info() {}, warn() {}, error() {} },
  now: Date.now,
};

const baseline = await timeIt(async (round) => {
  for (const alert of makeAlerts(N, round)) await publisher.send(alert, ctx);
});

const dir = mkdtempSync(path.join(tmpdir(), 'keel-notify-bench-'));
let storeCount = 0;
const results: Array<[string, number]> = [['baseline (direct publisher loop)', baseline]];
try {
  const stores: Array<[string, () => MarkerStore]> = [
    ['dispatchAlerts + memory markers', () => createMemoryMarkerStore()],
    [
      'dispatchAlerts + SQLite markers',
      () => createSqliteMarkerStore({ path: path.join(dir, `m-${++storeCount}.db`) }),
    ],
  ];
  for (const [name, make] of stores) {
    const rate = await timeIt(async (round) => {
      const markers = make();
      const result = await dispatchAlerts(makeAlerts(N, round), { publishers: [publisher], markers });
      if (result.sent.length !== N) throw new Error(`expected ${N} sent, got ${result.sent.length}`);
      await markers.close?.();
    });
    results.push([name, rate]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `@keel/notify dispatch fan-out: ${N} alerts, median of ${ROUNDS} rounds (node ${process.version})`,
);
for (const [name, rate] of results) {
  console.log(
    `${name.padEnd(36)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} alerts/s   ratio vs baseline ${(rate / baseline).toFixed(3)}`,
  );
}
if (bytes === 0) throw new Error('publisher never ran');
