import type { Panel } from '@keel/contract';
import { describe, expect, it } from 'vitest';
import { evaluatePanel } from './panel.js';

describe('evaluatePanel', () => {
  it('evaluates every stat getter at read time, not when the panel was described', () => {
    let calls = 0;
    const panel: Panel = { status: 'ok', stats: { calls: () => ++calls, label: () => 'x' } };
    expect(calls).toBe(0);
    expect(evaluatePanel(panel)).toEqual({ status: 'ok', stats: { calls: 1, label: 'x' } });
    expect(evaluatePanel(panel).stats.calls).toBe(2);
  });

  it('turns a throwing or non-JSON stat into an error value for that stat only', () => {
    const panel = {
      status: 'degraded',
      stats: {
        good: () => 1,
        throws: () => {
          throw new Error('feed offline');
        },
        nan: () => Number.NaN,
        deep: () => ({ when: new Date(0) }),
        notGetter: 5,
      },
    } as unknown as Panel;
    expect(evaluatePanel(panel)).toEqual({
      status: 'degraded',
      stats: {
        good: 1,
        throws: { error: 'feed offline' },
        nan: { error: 'contract: nan is NaN' },
        deep: { error: 'contract: deep.when is a Date' },
        notGetter: { error: 'stat is not a getter function' },
      },
    });
  });

  it('reports a describe hook that throws as the status, with no stats', () => {
    expect(
      evaluatePanel(() => {
        throw new TypeError('no state yet');
      }),
    ).toEqual({ status: 'ERROR: describe failed: no state yet', stats: {} });
    expect(evaluatePanel(() => null as unknown as Panel).status).toMatch(/^ERROR/);
  });
});
