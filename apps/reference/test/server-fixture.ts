import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppConfigSchema, type LoadedConfig, loadConfig } from '../src/config.js';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The app's default config with everything that writes moved into `dir`: cache, alert markers,
 * and alerts on the `file` channel (JSON Lines at `env.KEEL_ALERT_FILE`) instead of the console.
 */
export async function testConfig(
  dir: string,
  sessions: number,
): Promise<{ loaded: LoadedConfig; env: Record<string, string | undefined> }> {
  const loaded = await loadConfig(path.join(appDir, 'keel.config.json'));
  const config = AppConfigSchema.parse({
    ...loaded.config,
    data: { ...loaded.config.data, sessions },
    cache: { path: path.join(dir, 'cache.sqlite') },
    notify: {
      ...loaded.config.notify,
      channels: 'file',
      markers: { path: path.join(dir, 'markers.sqlite') },
    },
  });
  return {
    loaded: { ...loaded, config },
    env: { KEEL_ALERT_FILE: path.join(dir, 'alerts.jsonl') },
  };
}
