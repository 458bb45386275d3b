import type { BusEvent } from '@keel/contract';
import { createAppHost } from './app-host.js';
import { barSource } from './bar-source.js';
import type { LoadedConfig } from './config.js';
import { createProgressBar } from './progress-bar.js';

export interface ReplayOutcome {
  readonly bars: number;
  readonly loadErrors: number;
  readonly jobRuns: number;
}

/** Bar sensors, scheduled jobs and services: replays the configured data through the configured plugins. */
export async function runReplay(loaded: LoadedConfig, out: (line: string) => void): Promise<ReplayOutcome> {
  const { host, calendar, loadResult } = await createAppHost(loaded);
  try {
    const { loaded: plugins, errors } = loadResult;
    out(`Plugins: ${plugins.map((p) => `${p.id}@${p.version} (${p.layer})`).join(', ') || 'none'}`);
    for (const e of errors) out(`  load error [${e.phase}] ${e.plugin}: ${e.message}`);

    const closes: BusEvent[] = [];
    host.bus.on('session.closed', (event) => {
      closes.push(event);
    });

    const { bars, total } = barSource(loaded, calendar);
    const progress = createProgressBar('replay', total ?? 0);
    const summary = await host.replay(bars, {
      progressEvery: 2000,
      onProgress: (p) => progress.update(p.processed, `${p.accepted} bars`),
    });
    progress.finish(`${summary.accepted} bars in ${summary.durationMs.toFixed(0)} ms`);
    await host.idle();

    const rate = summary.durationMs > 0 ? Math.round((summary.accepted / summary.durationMs) * 1000) : 0;
    out(
      `\nReplay: ${summary.accepted} bars accepted, ${summary.processed - summary.accepted} rejected, ${rate.toLocaleString('en-US')} bars/s`,
    );
    out('\nSensor panel (plugin · state · calls · errors · p50/p99 µs)');
    for (const info of host.plugins()) {
      const d = info.stats.durations;
      out(
        `  ${info.id.padEnd(16)} ${info.label.padEnd(12)} ${String(info.stats.calls).padStart(7)} ${String(info.stats.errors).padStart(4)}  ${fmt(d.p50)}/${fmt(d.p99)}`,
      );
    }
    const runs = host.runs();
    out(`\nScheduled runs: ${runs.length} (${runs.filter((r) => r.success).length} succeeded)`);
    if (closes.length > 0) out(`\n${activityChart(closes)}`);
    for (const id of plugins.map((p) => p.id)) {
      const panel = host.describe(id);
      if (panel === undefined) continue;
      out(`\nPanel ${id}: ${panel.status}`);
      for (const [k, v] of Object.entries(panel.stats)) out(`  ${k}: ${JSON.stringify(v)}`);
    }
    return { bars: summary.accepted, loadErrors: errors.length, jobRuns: runs.length };
  } finally {
    await host.dispose();
  }
}

function fmt(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? '-' : (ms * 1000).toFixed(1);
}

/** Active bars per session as a bar chart: faster to read than a column of numbers. */
function activityChart(closes: readonly BusEvent[]): string {
  const rows = closes.slice(-20).map((e) => {
    const d = e.data as { sessionClose: number; bars: number; activeBars: number };
    return { date: new Date(d.sessionClose).toISOString().slice(0, 10), active: d.activeBars, bars: d.bars };
  });
  const max = Math.max(1, ...rows.map((r) => r.active));
  const lines = rows.map(
    (r) => `  ${r.date} ${'▇'.repeat(Math.round((r.active / max) * 40)).padEnd(40)} ${r.active}/${r.bars}`,
  );
  return [`Active bars per session (last ${rows.length} of ${closes.length} sessions)`, ...lines].join('\n');
}
