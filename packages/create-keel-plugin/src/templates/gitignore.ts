import type { TemplateContext } from './template-context.js';

/** `.gitignore`: build output, dependencies and the host's default SQLite cache. */
export function gitignoreTemplate(_ctx: TemplateContext): string {
  return ['node_modules/', 'dist/', '.keel/', '*.tsbuildinfo', 'coverage/', ''].join('\n');
}
