import { describe, expect, it } from 'vitest';
import { base } from '../test/base-artifact.js';
import { shouldAlert } from './escalation.js';
import { buildReportPayload } from './report-payload.js';
import { validateSignalPayload } from './signal-validation.js';
import { attachStrategyMetadata, buildStrategyMetadata } from './strategy-metadata.js';

const taco = (allowed: boolean) =>
  validateSignalPayload(
    base({
      plugin: 'taco_rebound_shadow',
      schema_version: 'taco_rebound_shadow.v2',
      canonical_route: 'taco_rebound',
      rebound_context_active: true,
      execution_controls: { broker_order_allowed: false, strategy_runtime_metadata_allowed: allowed },
    }),
  );

describe('buildStrategyMetadata — §20 example 8', () => {
  it('indexes payloads and summaries by plugin', () => {
    const signal = taco(true);
    const metadata = buildStrategyMetadata([signal]) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(Object.keys(metadata)).toEqual([
      'strategy_plugins',
      'strategy_plugin_summaries',
      'taco_rebound_shadow',
    ]);
    expect(metadata.taco_rebound_shadow!.canonical_route).toBe('taco_rebound');
    expect(metadata.strategy_plugins!.taco_rebound_shadow!.rebound_context_active).toBe(true);
    expect(metadata.strategy_plugin_summaries!.taco_rebound_shadow!.deprecated_plugin).toBe(true);
    expect(metadata.strategy_plugin_summaries!.taco_rebound_shadow).toEqual(
      buildReportPayload([signal]).strategy_plugins[0],
    );
    expect(shouldAlert(signal)).toBe(true);
  });

  it('is {} without contributors', () => {
    expect(buildStrategyMetadata([taco(false)])).toEqual({});
    expect(buildStrategyMetadata([])).toEqual({});
  });

  it('a later signal of the same plugin overwrites; odd plugin names stay keys', () => {
    const first = validateSignalPayload(
      base({
        plugin: 'p1',
        schema_version: 'v',
        marker: 1,
        execution_controls: { strategy_runtime_metadata_allowed: 'yes' },
      }),
    );
    const second = validateSignalPayload(
      base({
        plugin: 'p1',
        schema_version: 'v',
        marker: 2,
        execution_controls: { strategy_runtime_metadata_allowed: true },
      }),
    );
    const proto = validateSignalPayload(
      base({
        plugin: '__proto__',
        schema_version: 'v',
        execution_controls: { strategy_runtime_metadata_allowed: true },
      }),
    );
    const metadata = buildStrategyMetadata([first, proto, second]) as Record<string, Record<string, unknown>>;
    expect(Object.keys(metadata)).toEqual([
      'strategy_plugins',
      'strategy_plugin_summaries',
      'p1',
      '__proto__',
    ]);
    expect(metadata.p1!.marker).toBe(2);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it('a plugin named strategy_plugins overwrites that index (parity)', () => {
    const s = validateSignalPayload(
      base({
        plugin: 'strategy_plugins',
        schema_version: 'v',
        execution_controls: { strategy_runtime_metadata_allowed: true },
      }),
    );
    const metadata = buildStrategyMetadata([s]) as Record<string, Record<string, unknown>>;
    expect(metadata.strategy_plugins!.plugin).toBe('strategy_plugins');
  });
});

describe('attachStrategyMetadata', () => {
  it('returns the snapshot itself when there is nothing to attach', () => {
    const snapshot = { cash: 1 };
    expect(attachStrategyMetadata(snapshot, [taco(false)])).toBe(snapshot);
  });

  it('merges into a new object and never mutates', () => {
    const snapshot = Object.freeze({ cash: 1, metadata: Object.freeze({ keep: true }) });
    const result = attachStrategyMetadata(snapshot, [taco(true)]) as {
      cash: number;
      metadata: Record<string, unknown>;
    };
    expect(result).not.toBe(snapshot);
    expect(result.cash).toBe(1);
    expect(Object.keys(result.metadata)).toEqual([
      'keep',
      'strategy_plugins',
      'strategy_plugin_summaries',
      'taco_rebound_shadow',
    ]);
    expect(snapshot.metadata).toEqual({ keep: true });
    const odd = attachStrategyMetadata({ metadata: 'not an object' }, [taco(true)]) as {
      metadata: Record<string, unknown>;
    };
    expect(Object.keys(odd.metadata)).toEqual([
      'strategy_plugins',
      'strategy_plugin_summaries',
      'taco_rebound_shadow',
    ]);
  });
});
