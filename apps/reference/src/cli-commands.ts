import type { CommandSpec, OptionSpec } from './cli-args.js';

const CONFIG: OptionSpec = {
  name: 'config',
  short: 'c',
  type: 'string',
  value: 'file',
  description: 'config file',
  default: './keel.config.json if present, else the built-in config (state in ./.keel)',
};
const DATA: OptionSpec = {
  name: 'data',
  type: 'string',
  value: 'file.csv',
  description:
    'replay this CSV (date,open,high,low,close[,volume]) instead of the configured data; `sample` = embedded bars',
  default: "the config's data.source",
};
const SYMBOL: OptionSpec = {
  name: 'symbol',
  type: 'string',
  value: 'name',
  description: 'symbol stamped on the bars',
  default: "the --data file name up to the first _ . or - (SPY_5m.csv → SPY), else the config's data.symbol",
};
const JSON_OUT: OptionSpec = {
  name: 'json',
  type: 'boolean',
  description: 'print one JSON document on stdout instead of text (progress and errors stay on stderr)',
  default: 'off',
};
const ALLOW_LOAD_ERRORS: OptionSpec = {
  name: 'allow-load-errors',
  type: 'boolean',
  description: 'go on with the plugins that loaded when some entries fail',
  default: 'off: a load error exits 1 before the replay',
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'replay the bars through the plugins, then load the strategy artifacts and publish alerts',
    options: [CONFIG, DATA, SYMBOL, JSON_OUT, ALLOW_LOAD_ERRORS],
    example: 'keel run --data ./SPY_5m.csv --symbol SPY',
  },
  {
    name: 'replay',
    summary: 'only the bar replay: sensors, scheduled jobs, services, plugin panels',
    options: [CONFIG, DATA, SYMBOL, JSON_OUT, ALLOW_LOAD_ERRORS],
    example: 'keel replay --data ./SPY_5m.csv --json > replay.json',
  },
  {
    name: 'signals',
    summary: 'only the strategy artifacts: report fields, notification lines, de-duplicated alerts',
    options: [CONFIG, JSON_OUT],
    example: 'keel signals --config ./keel.config.json',
  },
  {
    name: 'serve',
    summary: 'HTTP + WebSocket server and browser dashboard: replays the bars live, runs the signals once',
    options: [
      CONFIG,
      DATA,
      SYMBOL,
      {
        name: 'port',
        short: 'p',
        type: 'string',
        value: 'n',
        description: 'port to listen on (0 = any free port)',
        default: '8080',
      },
      {
        name: 'host',
        type: 'string',
        value: 'address',
        description:
          'address to bind; a non-loopback address needs a token (the server refuses to start without one)',
        default: '127.0.0.1',
      },
      {
        name: 'token',
        type: 'string',
        value: 'secret',
        description:
          'API token (16+ of A-Z a-z 0-9 . _ ~ -) for every API route, /metrics and /ws; prefer KEEL_TOKEN (a flag shows in ps)',
        default: 'KEEL_TOKEN, else the config’s server.token, else none (loopback only)',
      },
      {
        name: 'log-level',
        type: 'string',
        value: 'level',
        description:
          'structured JSON logs (one object per line) on stderr: silent, fatal, error, warn, info, debug, trace',
        default: 'off',
      },
      {
        name: 'speed',
        type: 'string',
        value: 'bars/s',
        description: 'replay speed in bars per second (0 = as fast as the host goes)',
        default: '500',
      },
    ],
    example: 'keel serve --port 8080 --speed 0',
  },
];

export const HELP_FOOTER = `Without --config, keel uses ./keel.config.json, else its built-in config (embedded sample bars,
the example plugins, the bundled sample artifacts, alerts to the console; state in ./.keel).
Channel credentials come from the environment (KEEL_TELEGRAM_BOT_TOKEN, KEEL_SMTP_HOST, ...).
Exit codes: 0 done, 1 a config, data, plugin or run error, 2 a usage mistake.`;
