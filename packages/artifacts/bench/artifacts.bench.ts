// Throughput of the per-run hot path: validate 10k artifacts and build report payload, notification
// lines and alerts. Prints signals/s (median of several runs) and a ratio against a baseline measured
// in the same run: a plain JSON.parse + structuredClone pass over the same payloads.
//   pnpm --filter @keel/artifacts bench

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildAlertMessages,
  buildNotificationLines,
  buildReportPayload,
  validateSignalPayload,
} from '../src/index.js';

const COUNT = 10_000;
const RUNS = 7;
const ROUTES = [
  ['no_action', 'no_action'],
  ['risk_off', 'defend'],
  ['true_crisis', 'defend'],
  ['opportunity_watch', 'notify_manual_review'],
  ['risk_reduced', 'delever'],
  ['taco_rebound', 'notify_manual_review'],
] as const;

function sharedArtifactsDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const base = process.env.KEEL_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
  return path.join(base, 'data', 'artifacts');
}

function loadTemplates(): Record<string, unknown>[] {
  const dir = sharedArtifactsDir();
  if (!existsSync(dir)) throw new Error(`shared artifacts not found at ${dir} (set KEEL_SHARED_DIR)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>);
}

/** 10k real-format artifacts: the fixtures with varied dates and, for half of them, routes/actions. */
function makePayloads(): { texts: string[]; objects: Record<string, unknown>[] } {
  const templates = loadTemplates();
  const texts: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const copy = structuredClone(templates[i % templates.length]!);
    copy.as_of = `2025-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    if (i % 2 === 1) {
      const [route, action] = ROUTES[i % ROUTES.length]!;
      copy.canonical_route = route;
      copy.suggested_action = action;
    }
    texts.push(JSON.stringify(copy));
  }
  return { texts, objects: texts.map((t) => JSON.parse(t) as Record<string, unknown>) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => number): { ms: number; sink: number } {
  const start = process.hrtime.bigint();
  const sink = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, sink };
}

const { texts, objects } = makePayloads();
let sink = 0;

function pipeline(payloads: readonly Record<string, unknown>[]): number {
  const signals = payloads.map((p) => validateSignalPayload(p));
  const report = buildReportPayload(signals);
  const lines = buildNotificationLines(signals, { locale: 'en-US' });
  const alerts = buildAlertMessages(signals, { locale: 'en-US', contextLabel: 'bench / paper / tqqq' });
  return report.strategy_plugins.length + lines.length + alerts.length;
}

function parsedPipeline(): number {
  return pipeline(texts.map((t) => JSON.parse(t) as Record<string, unknown>));
}

function baseline(): number {
  let n = 0;
  for (const t of texts) n += Object.keys(structuredClone(JSON.parse(t) as object)).length;
  return n;
}

// Warm-up so every variant is measured with optimised code.
for (let i = 0; i < 2; i++) sink += pipeline(objects) + baseline() + parsedPipeline();

const results = { pipeline: [] as number[], parsedPipeline: [] as number[], baseline: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  const a = time(() => pipeline(objects));
  const b = time(parsedPipeline);
  const c = time(baseline);
  sink += a.sink + b.sink + c.sink;
  results.pipeline.push(a.ms);
  results.parsedPipeline.push(b.ms);
  results.baseline.push(c.ms);
}

const rate = (ms: number) => Math.round((COUNT / ms) * 1000);
const pipelineRate = rate(median(results.pipeline));
const parsedRate = rate(median(results.parsedPipeline));
const baselineRate = rate(median(results.baseline));
const alertCount = buildAlertMessages(objects.map((p) => validateSignalPayload(p))).length;

console.log(
  `@keel/artifacts bench — ${COUNT} artifacts (${alertCount} escalate), median of ${RUNS} runs, node ${process.version}`,
);
console.log(`  validate + report + lines + alerts      ${pipelineRate.toLocaleString('en-US')} signals/s`);
console.log(`  JSON.parse + the same pipeline          ${parsedRate.toLocaleString('en-US')} signals/s`);
console.log(`  baseline JSON.parse + structuredClone   ${baselineRate.toLocaleString('en-US')} payloads/s`);
console.log(`  ratio pipeline / baseline               ${(pipelineRate / baselineRate).toFixed(2)}x`);
console.log(`  target ≥ 20,000 signals/s: ${pipelineRate >= 20_000 ? 'met' : 'NOT met'} (sink ${sink % 10})`);
