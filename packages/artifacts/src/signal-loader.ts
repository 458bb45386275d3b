import { readArtifactBytes, resolveReference, type SourceOptions } from './artifact-source.js';
import { ArtifactContractError, isArtifactContractError } from './errors.js';
import type { NotificationTargetMount, StrategyPluginMount } from './mount-config.js';
import { type PluginRegistry, resolveRegistry, type RegistryOptions } from './plugin-definitions.js';
import { isObject, optStr, pyTrim } from './py-coerce.js';
import { checkNotificationTarget, checkStrategyCompatibility } from './registry-checks.js';
import { type SignalExpectations, validateSignalPayload } from './signal-validation.js';
import type { StrategySignal } from './strategy-signal.js';

/** Emitted once per deprecated plugin per load call. */
export interface DeprecationWarning {
  code: 'DEPRECATED_PLUGIN';
  plugin: string;
  successor: string | null;
}

export interface LoadOptions extends RegistryOptions, SourceOptions {
  onWarning?: (warning: DeprecationWarning) => void;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function badJson(display: string, detail: string, cause?: unknown): ArtifactContractError {
  return new ArtifactContractError(
    'BAD_JSON',
    `artifact ${JSON.stringify(display)} is not valid JSON: ${detail}`,
    {
      field: 'artifact',
      value: display,
      source: 'artifact',
      reference: display,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

/** Strict UTF-8 and strict JSON (no BOM, no `NaN`/`Infinity`), then the object check (spec §8.1 steps 3–4). */
export function parseArtifactBytes(bytes: Uint8Array, display: string): Record<string, unknown> {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw badJson(display, 'starts with a byte-order mark');
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (error) {
    throw badJson(display, 'bytes are not valid UTF-8', error);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw badJson(display, (error as Error).message.split('\n')[0] ?? 'syntax error', error);
  }
  if (!isObject(payload)) {
    throw new ArtifactContractError(
      'NOT_AN_OBJECT',
      `artifact ${JSON.stringify(display)} must hold a JSON object; got ${ArtifactContractError.show(payload)}`,
      { field: 'artifact', value: payload, source: 'artifact', reference: display },
    );
  }
  return payload;
}

function withReference(error: unknown, reference: string): unknown {
  if (isArtifactContractError(error) && error.reference === undefined)
    return error.withContext({ reference });
  return error;
}

async function loadOne(
  reference: unknown,
  expectations: SignalExpectations & LoadOptions,
): Promise<StrategySignal> {
  const trimmed = pyTrim(String(reference ?? ''));
  if (trimmed === '') {
    throw new ArtifactContractError(
      'REQUIRED_FIELD',
      `reference is required; got ${ArtifactContractError.show(reference)}`,
      {
        field: 'reference',
        value: reference,
        source: 'reference',
      },
    );
  }
  const source = resolveReference(trimmed);
  try {
    const bytes = await readArtifactBytes(source, expectations);
    const payload = parseArtifactBytes(bytes, source.display);
    return validateSignalPayload(payload, {
      ...expectations,
      sourceUri: source.sourceUri,
      localPath: source.localPath,
    });
  } catch (error) {
    throw withReference(error, source.display);
  }
}

function createWarner(onWarning: LoadOptions['onWarning']): (signal: StrategySignal) => void {
  const seen = new Set<string>();
  return (signal) => {
    if (!signal.deprecatedPlugin || onWarning === undefined || seen.has(signal.plugin)) return;
    seen.add(signal.plugin);
    onWarning({ code: 'DEPRECATED_PLUGIN', plugin: signal.plugin, successor: signal.successorPlugin });
  };
}

/**
 * Reads and validates one artifact (spec §8.1) from a local path, `file:` URL, `http(s)://` URL or
 * `gs://` URI (through `gcsClientFactory`).
 */
export async function loadSignal(
  reference: string,
  expectations: SignalExpectations & LoadOptions = {},
): Promise<StrategySignal> {
  const signal = await loadOne(reference, expectations);
  createWarner(expectations.onWarning)(signal);
  return signal;
}

interface MountJob<M> {
  mount: M;
  index: number;
  label: string;
  check: () => void;
  expectations: SignalExpectations;
}

async function loadMounts<M extends { signalPath: string; plugin: string }>(
  jobs: readonly MountJob<M>[],
  opts: LoadOptions,
): Promise<readonly StrategySignal[]> {
  // Reads run concurrently, but results and the reported error follow list order (fail-closed).
  const internal = new AbortController();
  const signal =
    opts.signal === undefined ? internal.signal : AbortSignal.any([opts.signal, internal.signal]);
  const pending = jobs.map((job) => {
    try {
      job.check();
    } catch (error) {
      return Promise.reject(error);
    }
    return loadOne(job.mount.signalPath, { ...opts, ...job.expectations, signal });
  });
  for (const p of pending) p.catch(() => undefined);
  const warn = createWarner(opts.onWarning);
  const signals: StrategySignal[] = [];
  for (const [i, job] of jobs.entries()) {
    try {
      const loaded = await pending[i]!;
      warn(loaded);
      signals.push(loaded);
    } catch (error) {
      internal.abort(new Error('an earlier mount failed'));
      if (isArtifactContractError(error)) {
        throw error.withContext({ mountIndex: job.index, prefix: `mount #${job.index} (${job.label}): ` });
      }
      throw error;
    }
  }
  return Object.freeze(signals);
}

/**
 * Loads every enabled strategy mount (optionally only those of `strategyProfile`) in mount order
 * (spec §8.4). One failing mount fails the call; skipped mounts are never read.
 */
export async function loadConfiguredSignals(
  mounts: readonly StrategyPluginMount[],
  opts: { strategyProfile?: string | null } & LoadOptions = {},
): Promise<readonly StrategySignal[]> {
  const registry = resolveRegistry(opts);
  const selected = optStr(opts.strategyProfile);
  const jobs: MountJob<StrategyPluginMount>[] = [];
  mounts.forEach((mount, index) => {
    if (!mount.enabled) return;
    if (selected !== null && mount.strategy !== selected) return;
    jobs.push(strategyJob(mount, index, registry));
  });
  return loadMounts(jobs, opts);
}

/**
 * Loads every enabled notification-target mount (optionally only `notificationTarget`) in order
 * (spec §8.5).
 */
export async function loadNotificationTargetSignals(
  targets: readonly NotificationTargetMount[],
  opts: { notificationTarget?: string | null } & LoadOptions = {},
): Promise<readonly StrategySignal[]> {
  resolveRegistry(opts);
  const selected = optStr(opts.notificationTarget);
  const jobs: MountJob<NotificationTargetMount>[] = [];
  targets.forEach((target, index) => {
    if (!target.enabled) return;
    if (selected !== null && target.notificationTarget !== selected) return;
    jobs.push(targetJob(target, index, opts));
  });
  return loadMounts(jobs, opts);
}

function strategyJob(
  mount: StrategyPluginMount,
  index: number,
  registry: PluginRegistry,
): MountJob<StrategyPluginMount> {
  return {
    mount,
    index,
    label: `${mount.strategy}/${mount.plugin}`,
    check: () =>
      checkStrategyCompatibility(registry, mount.strategy, mount.plugin, mount.expectedMode, 'mount'),
    expectations: {
      strategy: mount.strategy,
      plugin: mount.plugin,
      mode: mount.expectedMode,
      schemaVersion: mount.expectedSchemaVersion,
    },
  };
}

function targetJob(
  target: NotificationTargetMount,
  index: number,
  opts: RegistryOptions,
): MountJob<NotificationTargetMount> {
  return {
    mount: target,
    index,
    label: `${target.notificationTarget}/${target.plugin}`,
    check: () =>
      checkNotificationTarget(opts, target.notificationTarget, target.plugin, 'notification_target'),
    expectations: {
      notificationTarget: target.notificationTarget,
      plugin: target.plugin,
      mode: target.expectedMode,
      schemaVersion: target.expectedSchemaVersion,
    },
  };
}

/**
 * Loads one mount exactly as it would load at position `index` of its list. The watcher reloads
 * mounts one by one, so one bad artifact never hides the others.
 */
export async function loadMountAt(
  mount: StrategyPluginMount | NotificationTargetMount,
  index: number,
  opts: LoadOptions,
): Promise<StrategySignal> {
  const registry = resolveRegistry(opts);
  const job: MountJob<StrategyPluginMount | NotificationTargetMount> =
    'notificationTarget' in mount ? targetJob(mount, index, opts) : strategyJob(mount, index, registry);
  const [signal] = await loadMounts([job], opts);
  return signal!;
}
