// The main module of a plugin's worker thread (`isolation: 'worker'`). It loads the plugin from its
// module specifier (functions cannot cross threads), keeps the plugin's own ring window, and runs
// `setup`, `onBar`, `reset` and `dispose` when the host asks. Readings are checked here with the
// host's own `sanitizeReading` only to name a violation exactly as in-process; the host checks
// every reading again, so nothing this thread does can weaken the reading guarantees.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type Bar,
  type KeelPlugin,
  type OnBarArgs,
  type PartialStep,
  parsePluginConfig,
  parsePluginManifest,
} from '@keel/contract';
import { describeThrown, type HostErrorCode } from './errors.js';
import { immutableBar } from './immutable-bar.js';
import {
  importPlugin,
  instantiatePlugin,
  type LoadErrorCode,
  type LoadPhase,
  type ThrownDetail,
  thrownDetail,
} from './plugin-loader.js';
import { sanitizeReading } from './readings.js';
import { BarRing, RingWindow } from './ring-window.js';
import { WorkerServices } from './worker-context.js';
import type { HostMessage, WorkerInit, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('@keel/host worker-entry must run in a worker thread');
const init = workerData as WorkerInit;
const post = (message: WorkerMessage): void => port.postMessage(message);
const lifetime = new AbortController();
/** The running `onBar` call's controller: `ctx.signal` is its signal while the call runs. */
let call: { id: number; controller: AbortController } | null = null;

function fail(phase: LoadPhase, code: LoadErrorCode, message: string, hint?: string): void {
  post(
    hint === undefined ? { t: 'failed', phase, code, message } : { t: 'failed', phase, code, message, hint },
  );
}

/** A thrown value as a failure: a `KeelError`'s code and hint win over the phase's host code. */
function failThrown(phase: LoadPhase, fallback: HostErrorCode, detail: ThrownDetail): void {
  fail(phase, detail.code ?? fallback, detail.message, detail.hint);
}

async function load(): Promise<{ plugin: KeelPlugin; config: unknown; window: number } | undefined> {
  post({ t: 'phase', phase: 'import' });
  const imported = await importPlugin(init.url, process.cwd());
  if (!imported.ok) return void fail('import', imported.code, imported.message);
  const instance = instantiatePlugin(imported.plugin);
  if (!instance.ok) return void failThrown('import', 'HOST_IMPORT_FAILED', instance);
  post({ t: 'phase', phase: 'manifest' });
  const parsed = parsePluginManifest(instance.plugin);
  if (!parsed.ok)
    return void fail('manifest', 'HOST_INVALID_MANIFEST', parsed.error.message, parsed.error.hint);
  if (parsed.manifest.id !== init.pluginId) {
    return void fail(
      'manifest',
      'HOST_INVALID_MANIFEST',
      `the worker loaded plugin ${JSON.stringify(parsed.manifest.id)} from ${JSON.stringify(init.source)}, the host expected ${JSON.stringify(init.pluginId)}`,
    );
  }
  post({ t: 'phase', phase: 'config' });
  const plugin = instance.plugin as KeelPlugin;
  let config: ReturnType<typeof parsePluginConfig>;
  try {
    config = parsePluginConfig(plugin, init.config);
  } catch (error) {
    // zod rethrows what a refine/transform throws.
    return void failThrown('config', 'HOST_INVALID_CONFIG', thrownDetail(error, describeThrown(error)));
  }
  if (!config.ok) return void fail('config', 'HOST_INVALID_CONFIG', config.error.message, config.error.hint);
  return { plugin, config: config.config, window: parsed.manifest.window };
}

const loaded = await load();
if (loaded !== undefined) await serve(loaded.plugin, loaded.config, loaded.window);

async function serve(plugin: KeelPlugin, config: unknown, windowSize: number): Promise<void> {
  const services = new WorkerServices({
    port: port as NonNullable<typeof port>,
    pluginId: init.pluginId,
    config,
    now: init.now,
    signal: () => call?.controller.signal ?? lifetime.signal,
  });
  const ctx = services.ctx;
  const ring = new BarRing(windowSize);
  const view = Object.freeze(new RingWindow(ring, windowSize));
  services.attachRing(ring);
  // Service traffic (replies, events, invocations) is handled even while setup or onBar awaits.
  port?.on('message', (message: HostMessage) => {
    if (services.handle(message)) return;
    void control(message);
  });

  post({ t: 'phase', phase: 'setup' });
  try {
    if (plugin.setup !== undefined) await plugin.setup.call(plugin, ctx);
    await services.settleRegistrations();
  } catch (error) {
    failThrown('setup', 'HOST_SETUP_FAILED', thrownDetail(error, describeThrown(error)));
    return;
  }
  post({ t: 'ready' });

  async function control(message: HostMessage): Promise<void> {
    switch (message.t) {
      case 'bar':
        services.setNow(message.now);
        await runBar(message);
        return;
      case 'abort':
        if (call?.id === message.id) call.controller.abort(new Error(message.reason));
        return;
      case 'reset':
        services.setNow(message.now);
        ring.clear();
        try {
          plugin.reset?.call(plugin);
        } catch (error) {
          post({ t: 'reset-failed', message: `reset() threw: ${describeThrown(error)}` });
        }
        return;
      case 'dispose': {
        services.setNow(message.now);
        lifetime.abort(new Error('plugin unloaded'));
        call?.controller.abort(new Error('plugin unloaded'));
        let error: string | undefined;
        try {
          await plugin.dispose?.call(plugin);
        } catch (thrown) {
          error = describeThrown(thrown);
        }
        post({ t: 'disposed', error });
        return;
      }
      default:
        return;
    }
  }

  async function runBar(message: Extract<HostMessage, { t: 'bar' }>): Promise<void> {
    const id = message.id;
    if (message.reset) ring.clear();
    const bars = message.bars;
    for (let i = 0; i < bars.length; i++) ring.push(bars[i] as Bar);
    const bar = immutableBar(bars[bars.length - 1] as Bar);
    const step: PartialStep = Object.freeze({
      bar,
      index: message.index,
      symbol: bar.symbol,
      sensors: deepFreeze(message.sensors),
      plugins: deepFreeze(message.plugins),
    }) as PartialStep;
    const controller = new AbortController();
    call = { id, controller };
    const args: OnBarArgs = Object.freeze({
      window: view,
      step,
      config,
      ctx,
      bar,
      signal: controller.signal,
    });
    let out: unknown;
    try {
      out = plugin.onBar?.call(plugin, args);
      if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function')
        out = await out;
    } catch (error) {
      if (call?.id === id) call = null;
      post({ t: 'result', id, ok: false, kind: 'ERROR', message: describeThrown(error) });
      return;
    }
    if (call?.id === id) call = null;
    let problem: string;
    try {
      const reading = sanitizeReading(out, false);
      if (typeof reading !== 'string') {
        post({ t: 'result', id, ok: true, reading });
        return;
      }
      problem = `contract: ${reading}`;
    } catch (error) {
      problem = `contract: reading could not be read: ${describeThrown(error)}`;
    }
    post({ t: 'result', id, ok: false, kind: 'CONTRACT', message: problem });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
