import { descriptionOf } from './package-json.js';
import type { TemplateContext } from './template-context.js';

/** `README.md`: what the plugin is for, how an app loads it, and its options. */
export function readmeTemplate(ctx: TemplateContext): string {
  const load =
    ctx.kind === 'service'
      ? `import createPlugin from '${ctx.packageName}';\n\nawait host.load([createPlugin]);`
      : `import plugin from '${ctx.packageName}';\n\nawait host.load([{ plugin, config: {} }]);`;
  return `# ${ctx.packageName}

${descriptionOf(ctx)}

A Keel plugin (id \`${ctx.id}\`, ${ctx.kind}).

\`\`\`ts
import { createHost } from '@keel/host';
${load}
\`\`\`

The options are the zod schema \`configSchema\` in \`src/index.ts\`; an app passes them as the entry's \`config\`,
and the host rejects a bad value at load, naming the field.

## Develop

\`\`\`sh
npm install
npm test          # the contract check (@keel/testing) and behaviour tests
npm run typecheck
npm run build     # dist/
\`\`\`

\`expectPluginContract\` runs the plugin the way apps do and fails on a wrong warm-up, an invalid reading
(NaN, score outside 0..1), nondeterminism, state that \`reset()\` does not clear, look-ahead or a failing job.

\`@keel/contract\` and \`zod\` are peer dependencies, so an app holds one copy of each.
`;
}
