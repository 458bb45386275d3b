import { quote, type TemplateContext } from './template-context.js';

/** `src/index.test.ts`: the contract check and one behaviour test for the chosen kind. */
export function pluginTestTemplate(ctx: TemplateContext): string {
  const subject = ctx.kind === 'service' ? 'createPlugin' : 'plugin';
  const imports = ctx.kind === 'service' ? '{ createPlugin }' : '{ plugin }';
  return `${testImports(ctx)}import ${imports} from './index.js';

describe(${quote(ctx.id)}, () => {
  it('honours the Keel plugin contract', async () => {
    await expectPluginContract(${subject});
  });

${behaviourTest(ctx)}
});
`;
}

function testImports(ctx: TemplateContext): string {
  switch (ctx.kind) {
    case 'sensor':
      return `import { barsFrom, expectPluginContract, runPlugin } from '@keel/testing';\nimport { describe, expect, it } from 'vitest';\n`;
    case 'job':
      return `import { generateBars } from '@keel/host';\nimport { expectPluginContract, runPlugin } from '@keel/testing';\nimport { describe, expect, it } from 'vitest';\n`;
    case 'service':
      return `import { createTestHost, expectPluginContract } from '@keel/testing';\nimport { describe, expect, it } from 'vitest';\n`;
  }
}

function behaviourTest(ctx: TemplateContext): string {
  switch (ctx.kind) {
    case 'sensor':
      return `  it('flags a close far from the recent mean', async () => {
    // 24 quiet bars alternating around 100, then a jump to 105.
    const quiet = Array.from({ length: 24 }, (_, i) => {
      const close = i % 2 === 0 ? 100.1 : 99.9;
      return [100, 100.3, 99.7, close] as const;
    });
    const bars = barsFrom([...quiet, [100, 105.2, 99.9, 105]]);
    const { readings } = await runPlugin(plugin, bars, { config: { period: 20, threshold: 3 } });
    expect(readings[18]?.status).toBe('WARMUP');
    expect(readings[19]?.active).toBe(false);
    expect(readings.at(-1)).toMatchObject({ active: true, score: expect.any(Number) });
    expect(readings.at(-1)?.z).toBeGreaterThan(3);
  });`;
    case 'job':
      return `  it('reports at the session close', async () => {
    // 5-minute bars from 2024-01-02 09:30 New York time, past the 16:00 close.
    const { runs, events } = await runPlugin(plugin, generateBars({ count: 100 }));
    expect(runs).toMatchObject([{ job: 'close-report', success: true, scheduledAt: Date.parse('2024-01-02T21:00:00Z') }]);
    // The host publishes market_open / market_close too; keep this plugin's own reports.
    const reports = events.filter((e) => e.type === ${quote(`${ctx.id}.report`)});
    expect(reports.map((e) => e.data)).toEqual([{ session: '2024-01-02', closedAt: Date.parse('2024-01-02T21:00:00Z') }]);
  });`;
    case 'service':
      return `  it('stores and returns values over RPC and counts events', async () => {
    const host = createTestHost();
    const { errors } = await host.load([createPlugin]);
    expect(errors).toEqual([]);
    await host.rpc.call(${quote(`${ctx.id}.put`)}, { key: 'answer', value: 42 });
    expect(await host.rpc.call(${quote(`${ctx.id}.get`)}, { key: 'answer' })).toBe(42);
    expect(await host.rpc.call(${quote(`${ctx.id}.get`)}, { key: 'missing' })).toBeNull();
    host.bus.publish('example.event', { n: 1 });
    await host.idle();
    expect(host.describe(${quote(ctx.id)})?.stats).toEqual({ events: 1, lastType: 'example.event' });
    await host.dispose();
  });`;
  }
}
