#!/usr/bin/env node
// The `keel` bin. Committed rather than built, so a package manager can link it at install time
// (in the monorepo that happens before the first build) and it says what to do when dist/ is missing.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'keel: the reference app is not built yet\n  hint: run `npm start` in the Keel repo (or `pnpm --filter @keel/reference... build`)\n',
  );
  process.exit(1);
}
await import(cli.href);
