import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Keel packages a generated plugin depends on; their ranges follow the release of this CLI. */
export const KEEL_TEMPLATE_PACKAGES = ['@keel/contract', '@keel/host', '@keel/testing'] as const;

/**
 * Third-party ranges of the generated package. Kept here because they do not move with a Keel
 * release; a test compares them with the workspace's own.
 */
const THIRD_PARTY_VERSIONS = { typescript: '^6.0.3', vitest: '^4.1.12', zod: '^4.1.0' } as const;

/**
 * The ranges of the Keel packages from this package's own `devDependencies`. Publishing rewrites
 * their `workspace:^` to `^<released version>`, so an installed CLI always scaffolds versions that exist
 * on the registry it came from; inside the workspace the linked package's version stands in.
 */
export function keelTemplateVersions(
  devDependencies: Readonly<Record<string, string>>,
  linkedVersion: (name: string) => string,
): Record<(typeof KEEL_TEMPLATE_PACKAGES)[number], string> {
  const ranges = {} as Record<(typeof KEEL_TEMPLATE_PACKAGES)[number], string>;
  for (const name of KEEL_TEMPLATE_PACKAGES) {
    const declared = devDependencies[name];
    if (declared === undefined)
      throw new Error(`create-keel-plugin's package.json lacks devDependency ${name}`);
    const workspace = /^workspace:([~^]?)(.*)$/.exec(declared);
    if (workspace === null) {
      ranges[name] = declared;
      continue;
    }
    const [, prefix = '', rest = ''] = workspace;
    ranges[name] = `${prefix}${rest === '' || rest === '*' ? linkedVersion(name) : rest}`;
  }
  return ranges;
}

function readOwnManifest(): { devDependencies?: Record<string, string> } {
  // `src/versions.ts` and `dist/versions.js` both sit one folder below the package root.
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
}

const require = createRequire(import.meta.url);

/** Versions the generated package depends on, as `^` ranges. */
export const TEMPLATE_VERSIONS = Object.freeze({
  ...keelTemplateVersions(
    readOwnManifest().devDependencies ?? {},
    (name) => (require(`${name}/package.json`) as { version: string }).version,
  ),
  ...THIRD_PARTY_VERSIONS,
});

export type TemplatePackage = keyof typeof TEMPLATE_VERSIONS;
