#!/usr/bin/env node
// The `keel` command. Everything but setting the exit code lives in cli-main.ts.
import { runCli } from './cli-main.js';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
