/**
 * Versions the generated package depends on, as `^` ranges. Kept here rather than read at run time
 * because `npm create` runs outside this repository; a test compares them with the workspace so a
 * release cannot ship stale ranges.
 */
export const TEMPLATE_VERSIONS = Object.freeze({
  '@keel/contract': '^1.0.0',
  '@keel/host': '^0.1.0',
  '@keel/testing': '^0.1.0',
  typescript: '^6.0.3',
  vitest: '^4.1.12',
  zod: '^4.1.0',
});

export type TemplatePackage = keyof typeof TEMPLATE_VERSIONS;
