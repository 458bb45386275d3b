import { z } from 'zod';
import type { LoadedConfig } from './config.js';
import { ConfigError } from './config.js';
import { createServer, DEFAULT_SPEED } from './server/create-server.js';

const ServeArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  speed: z.coerce.number().min(0).max(10_000_000).default(DEFAULT_SPEED),
});
export type ServeArgs = z.input<typeof ServeArgsSchema>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `keel serve`: starts the server, prints its URL and keeps running until SIGINT/SIGTERM, then
 * closes the server (WebSockets, replay) and disposes the host before resolving.
 */
export async function runServe(
  loaded: LoadedConfig,
  args: ServeArgs,
  out: (line: string) => void,
): Promise<void> {
  const parsed = ServeArgsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'args');
    throw new ConfigError('CONFIG_INVALID', `--${field}: ${issue?.message ?? 'invalid'}`, { field });
  }
  const { port, host, speed } = parsed.data;
  const loopback = LOOPBACK.has(host);
  const server = await createServer({ loaded, speed, ...(loopback ? {} : { allowedHosts: ['*'] }) });
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
  if (!loopback)
    out('warning: the server has no authentication; anyone who can reach this address can use it');

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
