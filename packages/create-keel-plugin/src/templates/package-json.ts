import type { TemplateContext } from './template-context.js';

const DESCRIPTIONS = {
  sensor: 'Keel bar sensor: flags bars whose close is far from the recent mean.',
  job: 'Keel scheduled job: publishes a report at every session close.',
  service: 'Keel service plugin: a key-value RPC over the host cache and an event counter panel.',
} as const;

export function descriptionOf(ctx: TemplateContext): string {
  return DESCRIPTIONS[ctx.kind];
}

/** `package.json`: ESM, `@keel/contract` and `zod` as peers so an app holds one copy of each. */
export function packageJsonTemplate(ctx: TemplateContext): string {
  const v = ctx.versions;
  const pkg = {
    name: ctx.packageName,
    version: '0.1.0',
    description: descriptionOf(ctx),
    keywords: ['keel', 'keel-plugin'],
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    types: './dist/index.d.ts',
    files: ['dist'],
    engines: { node: '>=20.19.0' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      test: 'vitest run',
      typecheck: 'tsc -p tsconfig.json',
      prepublishOnly: 'npm run typecheck && npm test && npm run build',
    },
    peerDependencies: {
      '@keel/contract': v['@keel/contract'],
      zod: v.zod,
    },
    devDependencies: {
      '@keel/contract': v['@keel/contract'],
      '@keel/host': v['@keel/host'],
      '@keel/testing': v['@keel/testing'],
      typescript: v.typescript,
      vitest: v.vitest,
      zod: v.zod,
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
