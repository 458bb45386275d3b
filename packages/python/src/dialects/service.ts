import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HostContext, JsonValue, KeelPlugin, Panel, Unsubscribe } from '@keel/contract';
import type { ClassInfo } from '../inspect-plugin.js';
import { processSpec } from '../inspect-plugin.js';
import { kebabId, type ResolvedPlugin } from '../options.js';
import { readPanelSync } from '../panel-reader.js';
import { SupervisedPython } from '../supervised-process.js';
import { readBars } from './bars.js';
import { commonManifest, processLimits } from './common.js';
import { logFromChild } from './scheduled.js';

/** How long reading a panel may wait for the child (the host's panel read is synchronous). */
const PANEL_TIMEOUT_MS = 2000;
/** Budget of one bus-event handler call when the plugin declares none. */
const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;

interface PanelStat {
  label: string;
  value?: JsonValue;
  error?: string;
}

/**
 * A PrismR service (`on_load(host, config)`) as a Keel plugin whose `setup` starts the child; the
 * `host` it gets maps `register_rpc` to `ctx.rpc.register`, `register_event_handler` to
 * `ctx.bus.on`, `publish` to `ctx.bus.publish` and `cache_get/put/clear` to the plugin's `ctx.cache`.
 * `describe()` is evaluated in the child each time the panel is read.
 */
export function createServicePlugin(plugin: ResolvedPlugin, info: ClassInfo): KeelPlugin {
  const id = plugin.options.id ?? kebabId(info.name);
  const limits = processLimits(plugin, undefined);
  const socketPath = path.join(tmpdir(), `keel-py-${process.pid}-${randomBytes(6).toString('hex')}.sock`);
  let proc: SupervisedPython | undefined;
  const owned: Unsubscribe[] = [];
  const methods = new Set<string>();
  const topics = new Set<string>();

  const onCall = (ctx: HostContext, op: string, p: Record<string, unknown>): unknown => {
    switch (op) {
      case 'rpc.register': {
        const name = String(p.name);
        // A restarted process registers again: the method already routes to whichever process runs.
        if (methods.has(name)) return undefined;
        owned.push(
          ctx.rpc.register(
            name,
            (payload, meta) =>
              (proc as SupervisedPython).request('rpc', { name, payload }, meta.signal) as Promise<JsonValue>,
          ),
        );
        methods.add(name);
        return undefined;
      }
      case 'bus.on': {
        const type = String(p.type);
        if (topics.has(type)) return undefined;
        owned.push(
          ctx.bus.on(type, async (event) => {
            // A handler has the plugin's budget: a hung one is killed, not left to block every later call.
            await (proc as SupervisedPython).request(
              'event',
              { type, event: event as unknown as JsonValue },
              AbortSignal.timeout(limits.budget?.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS),
            );
          }),
        );
        topics.add(type);
        return undefined;
      }
      case 'bus.publish':
        ctx.bus.publish(String(p.type), (p.data ?? null) as JsonValue);
        return undefined;
      case 'cache.get':
        return ctx.cache.get(String(p.ns), String(p.key)).then((v) => v ?? null);
      case 'cache.put':
        return ctx.cache.put(
          String(p.ns),
          String(p.key),
          (p.value ?? null) as JsonValue,
          typeof p.ttlMs === 'number' ? { ttlMs: p.ttlMs } : {},
        );
      case 'cache.clear':
        return ctx.cache.clear(typeof p.ns === 'string' ? p.ns : undefined);
      case 'bars':
        return readBars(ctx, p);
      case 'log':
        return logFromChild(ctx, p);
      default:
        throw new Error(`host call ${op} is not available to PrismR services`);
    }
  };

  const plugin_: KeelPlugin = {
    ...commonManifest(plugin, info, id),
    category: 'infra',
    ...(limits.budget === undefined ? {} : { budget: limits.budget }),
    async setup(ctx) {
      proc = new SupervisedPython({
        python: plugin.python,
        spec: processSpec(plugin, {
          memMb: limits.memMb,
          maxReadingBytes: limits.maxResultBytes,
          pluginId: id,
          ...(info.hasDescribe ? { panelSocket: socketPath } : {}),
        }),
        label: `${id} (${plugin.label})`,
        log: ctx.log,
        onCall: (op, p) => onCall(ctx, op, p),
        maxLineBytes: limits.maxResultBytes + 4096,
        startTimeoutMs: limits.startTimeoutMs,
      });
      await proc.start();
    },
    async dispose() {
      for (const off of owned.splice(0)) {
        try {
          off();
        } catch {
          // The host may have removed the plugin's methods already.
        }
      }
      await proc?.dispose();
      rmSync(socketPath, { force: true });
    },
  };
  if (info.hasDescribe) {
    plugin_.describe = (): Panel => {
      const answer = proc?.running === undefined ? undefined : readPanelSync(socketPath, PANEL_TIMEOUT_MS);
      if (answer === undefined || !answer.ok) {
        const reason = answer === undefined ? 'python process not running' : answer.reason;
        return { status: `unavailable: ${reason}`, stats: {} };
      }
      const panel = JSON.parse(answer.text) as { status?: string; stats?: PanelStat[]; error?: string };
      if (typeof panel.error === 'string') return { status: `ERROR: ${panel.error}`, stats: {} };
      const stats: Panel['stats'] = {};
      for (const stat of panel.stats ?? []) {
        stats[stat.label] =
          stat.error === undefined
            ? () => stat.value ?? null
            : () => {
                throw new Error(stat.error);
              };
      }
      return { status: String(panel.status ?? 'ok'), stats };
    };
  }
  return plugin_;
}
