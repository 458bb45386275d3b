// `npm start` in the repo (through `pnpm --filter @keel/reference start`): `keel run` on the
// built-in config (arguments pass through), then what to try next.
import { runCli } from '../dist/cli-main.js';

const code = await runCli(['run', ...process.argv.slice(2)]);
if (code === 0) {
  console.log('\nnext: npx keel --help');
  console.log('next: npm run dashboard');
}
process.exitCode = code;
