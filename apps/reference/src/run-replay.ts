import type { BusEvent } from '@keel/contract';
import type { RejectedBarCounts } from '@keel/host';
import { AppError } from './app-error.js';
import { type AppLoadError, type AppPlugin, createAppHost } from './app-host.js';
import { countedBarSource } from './bar-source.js';
import type { LoadedConfig } from './config.js';
import { createProgressBar, formatCount, formatDuration, type ProgressStream } from './progress-bar.js';

/** Everything `keel replay` found out, as data: `--json` prints it, the text view renders it. */
export interface ReplayReport {
  readonly data: { readonly source: string; readonly symbol: string; readonly total: number | null };
  readonly plugins: readonly AppPlugin[];
  readonly loadErrors: readonly AppLoadError[];
  readonly processed: number;
  readonly accepted: number;
  readonly rejected: RejectedBarCounts;
  readonly durationMs: number;
  readonly barsPerSecond: number;
  readonly sensors: ReadonlyArray<{
    readonly id: string;
    readonly state: string;
    readonly calls: number;
    readonly errors: number;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  }>;
  readonly runs: { readonly total: number; readonly succeeded: number };
  readonly sessions: ReadonlyArray<{
    readonly date: string;
    readonly bars: number;
    readonly activeBars: number;
  }>;
  readonly panels: Readonly<
    Record<string, { readonly status: string; readonly stats: Record<string, unknown> }>
  >;
}

export interface ReplayOptions {
  /** Go on when some plugin entries failed to load (default: fail with PLUGIN_LOAD_FAILED). */
  readonly allowLoadErrors?: boolean;
  /** Where progress goes (a live bar only on a TTY, the summary line always); none when absent. */
  readonly progress?: ProgressStream;
  /** Called with the load errors before the replay starts (or fails because of them). */
  readonly onLoadErrors?: (errors: readonly AppLoadError[]) => void;
}

/** Bar sensors, scheduled jobs and services: replays the configured data through the configured plugins. */
export async function runReplay(loaded: LoadedConfig, options: ReplayOptions = {}): Promise<ReplayReport> {
  const { host, calendar, plugins, loadErrors } = await createAppHost(loaded);
  try {
    if (loadErrors.length > 0) {
      options.onLoadErrors?.(loadErrors);
      if (options.allowLoadErrors !== true) {
        throw new AppError(
          'PLUGIN_LOAD_FAILED',
          `${loadErrors.length} of ${loaded.config.plugins.length} plugin entries failed to load`,
          {
            field: 'plugins',
            hint: 'fix the entries listed above, or pass --allow-load-errors to replay with the plugins that loaded',
          },
        );
      }
    }
    const closes: BusEvent[] = [];
    host.bus.on('session.closed', (event) => {
      closes.push(event);
    });

    const { bars, total, file } = await countedBarSource(loaded, calendar);
    const progress =
      options.progress === undefined
        ? undefined
        : createProgressBar({ label: 'replay', total, stream: options.progress });
    const summary = await host.replay(bars, {
      progressEvery: 1000,
      ...(progress === undefined ? {} : { onProgress: (p) => progress.update(p.processed) }),
    });
    await host.idle();
    const rejected = summary.processed - summary.accepted;
    const barsPerSecond =
      summary.durationMs > 0 ? Math.round((summary.accepted / summary.durationMs) * 1000) : 0;
    progress?.finish(
      `replay: ${formatCount(summary.accepted)} bars (${formatCount(rejected)} rejected) in ${formatDuration(summary.durationMs)} · ${formatCount(barsPerSecond)} bars/s`,
    );

    const panels: Record<string, { status: string; stats: Record<string, unknown> }> = {};
    for (const p of plugins) {
      const panel = host.describe(p.id);
      if (panel !== undefined) panels[p.id] = { status: panel.status, stats: { ...panel.stats } };
    }
    const runs = host.runs();
    return {
      data: {
        source: file ?? 'sample',
        symbol: loaded.config.data.symbol,
        total: total ?? null,
      },
      plugins,
      loadErrors,
      processed: summary.processed,
      accepted: summary.accepted,
      rejected: summary.rejected,
      durationMs: summary.durationMs,
      barsPerSecond,
      sensors: host.plugins().map((info) => ({
        id: info.id,
        state: info.label,
        calls: info.stats.calls,
        errors: info.stats.errors,
        p50Ms: finite(info.stats.durations.p50),
        p99Ms: finite(info.stats.durations.p99),
      })),
      runs: { total: runs.length, succeeded: runs.filter((r) => r.success).length },
      sessions: closes.map((e) => {
        const d = e.data as { sessionClose: number; bars: number; activeBars: number };
        return {
          date: new Date(d.sessionClose).toISOString().slice(0, 10),
          bars: d.bars,
          activeBars: d.activeBars,
        };
      }),
      panels,
    };
  } finally {
    await host.dispose();
  }
}

function finite(x: number | undefined): number | null {
  return x === undefined || !Number.isFinite(x) ? null : x;
}

/** The text view of a replay: plugins, sensor panel, scheduled runs, activity chart, plugin panels. */
export function printReplayReport(report: ReplayReport, out: (line: string) => void): void {
  out(`Plugins: ${report.plugins.map((p) => `${p.id}@${p.version} (${p.layer})`).join(', ') || 'none'}`);
  // The errors themselves went to stderr before the replay (formatLoadErrors); here only how many.
  if (report.loadErrors.length > 0)
    out(`  ${report.loadErrors.length} plugin entries failed to load (see stderr)`);
  out(
    `\nReplay: ${report.accepted} bars accepted, ${report.processed - report.accepted} rejected, ${formatCount(report.barsPerSecond)} bars/s`,
  );
  out('\nSensor panel (plugin · state · calls · errors · p50/p99 µs)');
  for (const s of report.sensors) {
    out(
      `  ${s.id.padEnd(16)} ${s.state.padEnd(12)} ${String(s.calls).padStart(7)} ${String(s.errors).padStart(4)}  ${micros(s.p50Ms)}/${micros(s.p99Ms)}`,
    );
  }
  out(`\nScheduled runs: ${report.runs.total} (${report.runs.succeeded} succeeded)`);
  if (report.sessions.length > 0) out(`\n${activityChart(report.sessions)}`);
  for (const [id, panel] of Object.entries(report.panels)) {
    out(`\nPanel ${id}: ${panel.status}`);
    for (const [k, v] of Object.entries(panel.stats)) out(`  ${k}: ${JSON.stringify(v)}`);
  }
}

/** Load errors as the CLI prints them on stderr: one line per entry, with its hint. */
export function formatLoadErrors(errors: readonly AppLoadError[]): string[] {
  return errors.flatMap((e) => [
    `load error: plugins[${e.entry}] ${JSON.stringify(e.plugin)} (${e.phase}, ${e.code}): ${e.message}`,
    ...(e.hint === undefined ? [] : [`  hint: ${e.hint}`]),
  ]);
}

function micros(ms: number | null): string {
  return ms === null ? '-' : (ms * 1000).toFixed(1);
}

/** Active bars per session as a bar chart: faster to read than a column of numbers. */
function activityChart(sessions: ReplayReport['sessions']): string {
  const rows = sessions.slice(-20);
  const max = Math.max(1, ...rows.map((r) => r.activeBars));
  const lines = rows.map(
    (r) =>
      `  ${r.date} ${'▇'.repeat(Math.round((r.activeBars / max) * 40)).padEnd(40)} ${r.activeBars}/${r.bars}`,
  );
  return [`Active bars per session (last ${rows.length} of ${sessions.length} sessions)`, ...lines].join(
    '\n',
  );
}
