import { builtinModules } from 'node:module';
import { CreateKeelPluginError } from './errors.js';

/** The contract's plugin id rule (`PLUGIN_ID_PATTERN` in `@keel/contract`). */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9-]{1,63}$/;

// npm's rules for new packages: lower case, URL-safe, optional @scope/, no leading dot or underscore.
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const RESERVED = new Set(['node_modules', 'favicon.ico', ...builtinModules]);
/** Prefixes that say "Keel plugin" in a package name but not in the id: `@acme/keel-plugin-x` → `x`. */
const ID_PREFIXES = ['keel-plugin-', 'plugin-'];

export interface PluginName {
  /** The npm package name, as given. */
  readonly packageName: string;
  /** The package name without its scope: the default directory. */
  readonly baseName: string;
  /** The plugin id derived from the name. */
  readonly id: string;
  /** A display name for the sensor panel, e.g. `Range burst`. */
  readonly displayName: string;
}

/**
 * Checks a package name against npm's rules and derives the plugin id from it. Throws
 * `CREATE_INVALID_NAME` naming the rule that failed.
 */
export function parsePluginName(name: string): PluginName {
  const fail = (message: string, hint?: string): never => {
    throw new CreateKeelPluginError('CREATE_INVALID_NAME', message, {
      field: 'name',
      value: name,
      ...(hint === undefined ? {} : { hint }),
    });
  };
  if (typeof name !== 'string' || name.length === 0)
    fail('a package name is required', 'e.g. keel-plugin-range-burst');
  if (name.length > 214) fail(`package name ${JSON.stringify(name)} is longer than 214 characters`);
  if (name !== name.toLowerCase()) {
    fail(
      `package name ${JSON.stringify(name)} must be lower case`,
      `did you mean ${JSON.stringify(name.toLowerCase())}?`,
    );
  }
  if (!NPM_NAME.test(name)) {
    fail(
      `package name ${JSON.stringify(name)} is not a valid npm name`,
      'use lower-case letters, digits, - . _ ~, an optional @scope/, and no leading . or _',
    );
  }
  const baseName = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  if (RESERVED.has(baseName) && !name.startsWith('@'))
    fail(`package name ${JSON.stringify(name)} is reserved`);
  const prefix = ID_PREFIXES.find((p) => baseName.startsWith(p) && baseName.length > p.length);
  const id = prefix === undefined ? baseName : baseName.slice(prefix.length);
  if (!PLUGIN_ID_PATTERN.test(id)) {
    fail(
      `plugin id ${JSON.stringify(id)} derived from ${JSON.stringify(name)} must match ${PLUGIN_ID_PATTERN.source}`,
      'start with a letter and use lower-case letters, digits and -, 2 to 64 characters',
    );
  }
  const words = id.split('-').filter((w) => w.length > 0);
  const displayName = words.join(' ').replace(/^./, (c) => c.toUpperCase());
  return { packageName: name, baseName, id, displayName };
}
