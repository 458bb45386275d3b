import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consumerResult, publishedByChangesets, vitestCounts } from '../release/counts.mjs';

describe('publishedByChangesets', () => {
  it('reads the list changesets prints after a publish', () => {
    const output = [
      '🦋  info npm info @keel/host',
      '🦋  success packages published successfully:',
      '🦋  @keel/contract@1.1.0',
      '🦋  create-keel-plugin@0.1.1',
      '🦋  Creating git tags...',
      '🦋  New tag:  @keel/contract@1.1.0',
    ].join('\n');
    expect(publishedByChangesets(output)).toEqual([
      { name: '@keel/contract', version: '1.1.0' },
      { name: 'create-keel-plugin', version: '0.1.1' },
    ]);
  });

  it('finds nothing when nothing was published', () => {
    expect(publishedByChangesets('🦋  warn No unpublished projects to publish\n')).toEqual([]);
  });

  it('returns every package of any list, in order', () => {
    const name = fc.tuple(
      fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/)),
      fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/),
    );
    const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join('.'));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, version), { minLength: 1, maxLength: 30 }), (list) => {
        const packages = list.map(([[scope, base], v]) => ({
          name: scope === null ? base : `@${scope}/${base}`,
          version: v,
        }));
        const output = `🦋  success packages published successfully:\n${packages.map((p) => `🦋  ${p.name}@${p.version}`).join('\n')}\n🦋  Creating git tags...\n`;
        expect(publishedByChangesets(output)).toEqual(packages);
      }),
    );
  });
});

describe('vitestCounts', () => {
  it("reads vitest's summary line", () => {
    expect(vitestCounts(' Test Files  1 passed (1)\n      Tests  2 passed (2)\n')).toEqual({
      passed: 2,
      failed: 0,
    });
    expect(vitestCounts('      Tests  1 failed | 3 passed (4)\n')).toEqual({ passed: 3, failed: 1 });
    expect(vitestCounts('no tests ran\n')).toBeUndefined();
  });
});

describe('consumerResult', () => {
  it('takes the last JSON result line', () => {
    expect(consumerResult('noise\n{"replayed":5,"active":1}\n')).toEqual({ replayed: 5, active: 1 });
    expect(consumerResult('nothing here\n')).toBeUndefined();
  });
});
