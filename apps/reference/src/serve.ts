import { KeelError } from '@keel/contract';
import { z } from 'zod';
import { isLoopbackAddress } from './bind-address.js';
import type { LoadedConfig } from './config.js';
import { ConfigError } from './config.js';
import { AccessTokenSchema } from './server/access-token.js';
import { createServer, DEFAULT_SPEED, LogLevelSchema } from './server/create-server.js';

const ServeArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  speed: z.coerce.number().min(0).max(10_000_000).default(DEFAULT_SPEED),
  token: z.string().optional(),
  logLevel: LogLevelSchema.optional(),
});
export type ServeArgs = z.input<typeof ServeArgsSchema>;

/** Why `keel serve` will not start (exit code 1). */
export class ServeError extends KeelError<'SERVE_TOKEN_REQUIRED' | 'SERVE_TOKEN_INVALID'> {}

/**
 * The token in force: `--token`, else `KEEL_TOKEN`, else the config's `server.token`. The message
 * of a malformed token names where it came from and the rule, never the value.
 */
export function resolveToken(
  loaded: LoadedConfig,
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const candidates: Array<[string, string | undefined]> = [
    ['--token', flag],
    ['KEEL_TOKEN', env.KEEL_TOKEN],
    ['server.token', loaded.config.server.token],
  ];
  for (const [where, value] of candidates) {
    if (value === undefined || value === '') continue;
    const parsed = AccessTokenSchema.safeParse(value);
    if (!parsed.success) {
      throw new ServeError(
        'SERVE_TOKEN_INVALID',
        `${where}: the token ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
        {
          field: where,
          hint: "generate one with: node -e \"console.log(require('crypto').randomBytes(24).toString('base64url'))\"",
        },
      );
    }
    return parsed.data;
  }
  return undefined;
}

/**
 * `keel serve`: starts the server, prints its URL and keeps running until SIGINT/SIGTERM, then
 * closes the server (WebSockets, replay) and disposes the host before resolving.
 */
export async function runServe(
  loaded: LoadedConfig,
  args: ServeArgs,
  out: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const parsed = ServeArgsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'args');
    throw new ConfigError('CONFIG_INVALID', `--${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const { port, host, speed } = parsed.data;
  const token = resolveToken(loaded, parsed.data.token, env);
  const loopback = isLoopbackAddress(host);
  if (!loopback && token === undefined) {
    throw new ServeError(
      'SERVE_TOKEN_REQUIRED',
      `--host ${host}: a non-loopback address needs an API token; refusing to start`,
      {
        field: 'host',
        hint: 'set KEEL_TOKEN (or --token, or server.token in the config) to 16+ random characters, or bind 127.0.0.1',
      },
    );
  }
  const allowedHosts = loaded.config.server.allowedHosts;
  const server = await createServer({
    loaded,
    speed,
    bindHost: host,
    ...(parsed.data.logLevel === undefined ? {} : { logLevel: parsed.data.logLevel }),
    ...(token === undefined ? {} : { token }),
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
  });
  const plugins = server.keel.host.plugins();
  out(`Plugins: ${plugins.map((p) => `${p.id}@${p.version} (${p.layer})`).join(', ') || 'none'}`);
  for (const e of server.keel.host.loadErrors) out(`  load error [${e.phase}] ${e.plugin}: ${e.message}`);
  let address: string;
  try {
    address = await server.listen({ port, host });
  } catch (error) {
    await server.close();
    throw error;
  }
  out(
    `Keel dashboard: ${address}/  (replay at ${speed === 0 ? 'full speed' : `${speed} bars/s`}; Ctrl+C to stop)`,
  );
  out(
    token === undefined
      ? 'API: no token (loopback only); browser writes need same-origin proof'
      : 'API: token required (Authorization: Bearer, or open the dashboard at /#token=<token>)',
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      out(`\n${signal}: closing the server`);
      server.close().then(resolve, (error: unknown) => {
        console.error(error);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out('Server closed, host disposed.');
}
