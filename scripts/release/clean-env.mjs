/**
 * The environment of a fresh shell: without what `pnpm run` / `npm run` / the test runner add
 * (`npm_config_*`, `npm_package_*`, `npm_lifecycle_*`, `NODE_PATH`, pnpm's own variables), so a
 * child npm sees only the registry and cache the rehearsal gives it.
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (
      lower.startsWith('npm_') ||
      lower.startsWith('pnpm_') ||
      key === 'NODE_PATH' ||
      key === 'NODE_OPTIONS' ||
      key === 'INIT_CWD'
    ) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}
