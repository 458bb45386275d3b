#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isKeelError } from '@keel/contract';
import { loadConfig } from './config.js';
import { runReplay } from './run-replay.js';
import { runSignals } from './run-signals.js';
import { runServe } from './serve.js';

const USAGE = `keel — the Keel reference app

Usage: keel <command> [--config keel.config.json]

Commands:
  run       replay the configured bars through the plugins, then load the strategy artifacts and publish alerts
  replay    only the bar replay (sensors, scheduled jobs, services)
  signals   only the strategy artifacts: report fields, notification lines, alerts
  serve     HTTP + WebSocket server and browser dashboard: replays the bars live, runs the signals once
              --port 8080   --host 127.0.0.1   --speed 500 (bars per second; 0 = as fast as possible)
  help      this text

The default config (apps/reference/keel.config.json) uses embedded sample data and prints alerts to the console.
Channel credentials come from the environment (KEEL_TELEGRAM_BOT_TOKEN, KEEL_SMTP_HOST, ...).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      speed: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'run';
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!['run', 'replay', 'signals', 'serve'].includes(command)) {
    console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  const file =
    values.config ?? path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'keel.config.json');
  const loaded = await loadConfig(file);
  const out = (line: string) => console.log(line);
  console.log(`Keel reference app · config ${path.relative(process.cwd(), loaded.file) || loaded.file}`);
  if (command === 'serve') {
    await runServe(
      loaded,
      {
        ...(values.port === undefined ? {} : { port: values.port }),
        ...(values.host === undefined ? {} : { host: values.host }),
        ...(values.speed === undefined ? {} : { speed: values.speed }),
      },
      out,
    );
    return 0;
  }
  if (command === 'run' || command === 'replay') await runReplay(loaded, out);
  if (command === 'run' || command === 'signals') await runSignals(loaded, out);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isKeelError(error)) {
      console.error(`error ${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  },
);
