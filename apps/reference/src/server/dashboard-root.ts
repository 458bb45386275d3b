import { fileURLToPath } from 'node:url';

/**
 * The dashboard's static folder. It lives at the package root (`apps/reference/dashboard/`), outside
 * `src/`, so `tsc` never compiles it; this file sits two levels below the root both as
 * `src/server/*.ts` (tests, tsx) and as `dist/server/*.js` (built), so one relative URL serves both.
 */
export function dashboardRoot(): string {
  return fileURLToPath(new URL('../../dashboard/', import.meta.url));
}
