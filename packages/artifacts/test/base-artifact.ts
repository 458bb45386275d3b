// The spec's §20 `BASE` artifact and helpers to derive variants from it.

export const BASE: Readonly<Record<string, unknown>> = Object.freeze({
  as_of: '2026-04-17',
  strategy: 'tqqq_growth_income',
  plugin: 'crisis_response_shadow',
  mode: 'shadow',
  configured_mode: 'shadow',
  effective_mode: 'shadow',
  schema_version: 'crisis_response_shadow.v1',
  canonical_route: 'no_action',
  suggested_action: 'watch_only',
  would_trade_if_enabled: false,
  execution_controls: {
    broker_order_allowed: false,
    live_allocation_mutation_allowed: false,
    repository_broker_write_allowed: false,
    repository_allocation_mutation_allowed: false,
    strategy_runtime_metadata_allowed: false,
  },
});

/** `BASE+{…}`: BASE with those keys replaced or added. */
export function base(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return structuredClone({ ...BASE, ...overrides });
}

/** BASE without the listed keys, plus overrides. */
export function baseWithout(
  keys: readonly string[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const copy = base(overrides);
  for (const key of keys) delete copy[key];
  return copy;
}

/** The error a sync function throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
