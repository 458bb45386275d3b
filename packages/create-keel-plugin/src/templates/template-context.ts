import type { PluginName } from '../plugin-name.js';

/** What a plugin does, which decides the hooks its `src/index.ts` starts with. */
export type PluginKind = 'sensor' | 'job' | 'service';

export const PLUGIN_KINDS: readonly PluginKind[] = Object.freeze(['sensor', 'job', 'service']);

/** Everything a template needs. Templates are pure functions of it. */
export interface TemplateContext extends PluginName {
  readonly kind: PluginKind;
  readonly versions: Readonly<Record<string, string>>;
}

/** A single-quoted TypeScript string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
