import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../../test-support/shared-data.ts';
import { buildAlertMessages } from './alert-messages.js';
import { isArtifactContractError } from './errors.js';
import { shouldAlert } from './escalation.js';
import { buildNotificationLines } from './notification-lines.js';
import { buildReportPayload } from './report-payload.js';
import { validateSignalPayload } from './signal-validation.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replaces, deletes or inserts the value at a random path of a JSON document. */
function mutate(doc: Json, route: number[], action: number, replacement: Json): Json {
  const root: { v: Json } = { v: structuredClone(doc) };
  let parent: Record<string | number, Json> = root as never;
  let key: string | number = 'v';
  for (const step of route) {
    const cur: Json | undefined = parent[key];
    if (Array.isArray(cur) && cur.length > 0) {
      parent = cur as never;
      key = step % cur.length;
    } else if (cur !== null && typeof cur === 'object' && Object.keys(cur).length > 0) {
      const keys: string[] = Object.keys(cur);
      parent = cur as never;
      key = keys[step % keys.length]!;
    } else break;
  }
  if (action === 0 && !Array.isArray(parent)) delete parent[key];
  else if (action === 1 && Array.isArray(parent[key])) (parent[key] as Json[]).push(replacement);
  else parent[key] = replacement;
  return root.v;
}

describeWithSharedData('real fixtures under arbitrary mutation', () => {
  const names = readdirSync(sharedDataPath('artifacts')).filter((n) => n.endsWith('.json'));
  const fixtures = names.map((n) => JSON.parse(readFileSync(sharedDataPath('artifacts', n), 'utf8')) as Json);
  // Mutations aimed at the fields that decide acceptance, plus anywhere at random.
  const hot = fc.constantFrom(
    'mode',
    'configured_mode',
    'effective_mode',
    'plugin',
    'strategy',
    'target_type',
    'schema_version',
    'execution_controls',
    'notification_target',
  );
  const value: fc.Arbitrary<Json> = fc.oneof(
    fc.constantFrom('shadow', 'live', 'paper', 'SHADOW', ' shadow ', '', 'strategy', 'notification_target'),
    fc.jsonValue() as fc.Arbitrary<Json>,
  );

  it('never throws anything but ArtifactContractError, and accepts only shadow mode', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.oneof(
          fc
            .tuple(fc.array(fc.nat(), { maxLength: 6 }), fc.nat({ max: 2 }), value)
            .map(([r, a, v]) => ({ kind: 'random' as const, r, a, v })),
          fc.tuple(hot, value, fc.boolean()).map(([k, v, del]) => ({ kind: 'hot' as const, k, v, del })),
        ),
        (index, m) => {
          const fixture = fixtures[index]!;
          let doc: Json;
          if (m.kind === 'random') doc = mutate(fixture, m.r, m.a, m.v);
          else {
            const copy = structuredClone(fixture) as Record<string, Json>;
            if (m.del) delete copy[m.k];
            else copy[m.k] = m.v;
            doc = copy;
          }
          try {
            const signal = validateSignalPayload(doc);
            // Anything accepted is shadow-only and builds every output without throwing.
            expect(signal.effectiveMode).toBe('shadow');
            const obj = doc as Record<string, Json>;
            for (const field of ['mode', 'configured_mode', 'effective_mode'] as const) {
              if (field in obj) expect(String(obj[field]).trim().toLowerCase()).toBe('shadow');
            }
            buildReportPayload([signal]);
            buildNotificationLines([signal], { locale: 'zh-CN' });
            if (shouldAlert(signal)) expect(buildAlertMessages([signal]).length).toBe(1);
          } catch (error) {
            if (!isArtifactContractError(error)) throw error;
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
