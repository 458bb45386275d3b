import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlugin, parsePluginConfig, parsePluginManifest } from './plugin.js';

const base = { id: 'atr-burst', name: 'ATR burst', version: '1.0.0', category: 'alpha' as const };

describe('parsePluginManifest', () => {
  it('applies defaults and derives the sensor id', () => {
    const result = parsePluginManifest(
      definePlugin({ ...base, onBar: () => ({ active: false, score: 0, status: '' }) }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest).toEqual({
      ...base,
      description: '',
      layer: 'L3-ext',
      sensorId: 'atr_burst',
      warmup: 20,
      window: 60,
      inputs: [],
      outputs: [],
      budget: { timeoutMs: 1000 },
      isolation: 'in-process',
    });
    expect(result.schedules).toEqual([]);
  });

  it('parses schedules and keeps an explicit sensor id', () => {
    const result = parsePluginManifest({
      ...base,
      sensorId: 'atr',
      schedule: [
        { when: '@close', run: () => ({ success: true }) },
        { when: 'every 5m', name: 'poll', run: () => ({ success: true }) },
      ],
    });
    expect(result.ok && result.manifest.sensorId).toBe('atr');
    expect(result.ok && result.schedules).toEqual([
      { kind: 'close', offsetMs: 0 },
      { kind: 'interval', everyMs: 300_000 },
    ]);
  });

  it.each([
    [null, 'CONTRACT_INVALID_PLUGIN', 'plugin must be an object'],
    [{ ...base, id: 'Bad_Id', setup() {} }, 'CONTRACT_INVALID_MANIFEST', 'manifest.id: must match'],
    [
      { ...base, version: 'v1', setup() {} },
      'CONTRACT_INVALID_MANIFEST',
      'manifest.version: must be a semver version such as 1.2.3 (got "v1")',
    ],
    [{ ...base, category: 'magic', setup() {} }, 'CONTRACT_INVALID_MANIFEST', 'manifest.category'],
    [{ ...base, window: 1, setup() {} }, 'CONTRACT_INVALID_MANIFEST', 'manifest.window'],
    [{ ...base, layer: 'L9', setup() {} }, 'CONTRACT_INVALID_MANIFEST', 'manifest.layer'],
    [
      { ...base, budget: { timeoutMs: 0 }, setup() {} },
      'CONTRACT_INVALID_MANIFEST',
      'manifest.budget.timeoutMs',
    ],
    [{ ...base, warmUp: 5, setup() {} }, 'CONTRACT_INVALID_MANIFEST', 'unknown plugin key "warmUp"'],
    [{ ...base, onBar: 5 }, 'CONTRACT_INVALID_PLUGIN', 'onBar must be a function'],
    [{ ...base, config: { x: 1 }, setup() {} }, 'CONTRACT_INVALID_PLUGIN', 'config must be a zod schema'],
    [
      { ...base, schedule: [{ when: 'daily', run() {} }] },
      'CONTRACT_INVALID_SCHEDULE',
      'schedule "daily" is not a schedule',
    ],
    [
      { ...base, schedule: [{ when: '@open' }] },
      'CONTRACT_INVALID_PLUGIN',
      'schedule[0] must be { when, run }',
    ],
    [
      {
        ...base,
        schedule: [
          { when: '@open', run() {} },
          { when: '@open', run() {} },
        ],
      },
      'CONTRACT_INVALID_PLUGIN',
      'duplicate job name "@open"',
    ],
    [{ ...base }, 'CONTRACT_INVALID_PLUGIN', 'a plugin needs at least one of onBar, schedule or setup'],
  ])('rejects %o with %s', (plugin, code, message) => {
    const result = parsePluginManifest(plugin);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toContain(message);
  });
});

describe('parsePluginConfig', () => {
  const plugin = definePlugin({
    ...base,
    config: z.object({ period: z.number().int().min(2).default(14), mult: z.number().default(1.5) }),
    onBar: ({ config }) => ({ active: config.period > 0, score: 0, status: '' }),
  });

  it('parses with defaults', () => {
    expect(parsePluginConfig(plugin, undefined)).toEqual({ ok: true, config: { period: 14, mult: 1.5 } });
    expect(parsePluginConfig(plugin, { period: 20 })).toEqual({
      ok: true,
      config: { period: 20, mult: 1.5 },
    });
  });

  it('names the bad field and value', () => {
    const result = parsePluginConfig(plugin, { period: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CONTRACT_INVALID_CONFIG');
    expect(result.error.field).toBe('config.period');
    expect(result.error.message).toMatch(/^config\.period: .* \(got 1\)$/);
  });

  it('rejects config for a plugin without a schema', () => {
    const noConfig = definePlugin({ ...base, setup() {} });
    expect(parsePluginConfig(noConfig, {})).toEqual({ ok: true, config: {} });
    const result = parsePluginConfig(noConfig, { x: 1 });
    expect(result.ok).toBe(false);
  });
});
