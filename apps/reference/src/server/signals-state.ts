import type { ReportSummary } from '@keel/artifacts';
import type { ChannelCounts, DeliveryRecord } from '@keel/notify';
import type { LoadedConfig } from '../config.js';
import { collectSignals, publishSignalAlerts } from '../run-signals.js';
import { type SafeDiagnostic, safeDiagnostic } from './safe-diagnostic.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DeliverySummary {
  readonly channel: string;
  readonly alertKey: string;
  readonly subject: string;
  readonly status: DeliveryRecord['status'];
  readonly reason?: string;
  readonly error?: string;
}

/** The last publish, as diagnostics: counts per channel and one row per delivery (all texts redacted by @keel/notify). */
export interface AlertsSummary {
  readonly publishedAt: number;
  readonly channels: Readonly<Record<string, ChannelCounts>>;
  readonly deliveries: readonly DeliverySummary[];
}

export interface SignalsSnapshot {
  /** `none` when no artifacts are configured. */
  readonly status: 'pending' | 'ready' | 'none' | 'failed';
  readonly locales: readonly string[];
  readonly report: { readonly strategy_plugins: readonly ReportSummary[] } | null;
  readonly lines: Readonly<Record<string, readonly string[]>>;
  readonly alerts: AlertsSummary | null;
  readonly error?: SafeDiagnostic;
}

export interface SignalsState {
  /** Loads the artifacts and publishes their alerts once; failures land in the snapshot, never thrown. */
  run(): Promise<SignalsSnapshot>;
  snapshot(): SignalsSnapshot;
}

/** The signals flow of `keel signals`, kept as data for `/api/signals` instead of printed. */
export function createSignalsState(loaded: LoadedConfig, env: Env = process.env): SignalsState {
  const locales = loaded.config.notify.locales;
  let current: SignalsSnapshot = { status: 'pending', locales, report: null, lines: {}, alerts: null };
  let running: Promise<SignalsSnapshot> | undefined;

  const run = async (): Promise<SignalsSnapshot> => {
    try {
      const view = await collectSignals(loaded, { env });
      if (view === null) {
        current = { ...current, status: 'none' };
        return current;
      }
      current = { ...current, status: 'ready', report: view.report, lines: { ...view.lines } };
      const { result } = await publishSignalAlerts(loaded, view.signals, { env });
      const deliveries = [...result.sent, ...result.skipped, ...result.failed].map(
        (r): DeliverySummary => ({
          channel: r.channel,
          alertKey: r.alertKey,
          subject: r.subject,
          status: r.status,
          ...(r.reason === undefined ? {} : { reason: r.reason }),
          ...(r.error === undefined ? {} : { error: r.error }),
        }),
      );
      current = {
        ...current,
        alerts: { publishedAt: Date.now(), channels: result.channels, deliveries },
      };
    } catch (error) {
      current = { ...current, status: 'failed', error: safeDiagnostic(error, 'SIGNALS_FAILED') };
    }
    return current;
  };

  return {
    run() {
      running ??= run();
      return running;
    },
    snapshot: () => current,
  };
}
