import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A free loopback port (the OS picks it; it is released at once for verdaccio to take). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * verdaccio's config: our names (`@keel/*`, `create-keel-plugin`) are served only from its own storage
 * and can be published with a token; every other name is proxied from `upstream` without being stored,
 * so the only packages the registry holds are the ones this rehearsal published.
 */
export function verdaccioConfig({ storage, htpasswd, upstream }) {
  const local = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
  return JSON.stringify(
    {
      storage,
      // sha1 and JWT tokens: bcrypt on every authenticated request costs seconds per publish on a busy
      // machine, and this user lives only as long as the run.
      auth: { htpasswd: { file: htpasswd, max_users: 10, algorithm: 'sha1' } },
      uplinks: { upstream: { url: upstream, cache: false, timeout: '60s', max_fails: 5 } },
      packages: {
        '@keel/*': local,
        'create-keel-plugin': local,
        '**': { access: '$all', proxy: 'upstream' },
      },
      security: { api: { legacy: false, jwt: { sign: { expiresIn: '1h' } } } },
      server: { keepAliveTimeout: 60 },
      publish: { allow_offline: true },
      max_body_size: '100mb',
      log: { type: 'stdout', format: 'pretty', level: 'warn' },
    },
    null,
    2,
  );
}

/**
 * Starts verdaccio on 127.0.0.1 with its config and storage in `dir`, waits until it answers, and
 * returns its URL, a `stop()` and its captured log.
 */
export async function startVerdaccio({ root, dir, upstream }) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // JSON is YAML, so the config needs no YAML writer.
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    verdaccioConfig({
      storage: path.join(dir, 'storage'),
      htpasswd: path.join(dir, 'htpasswd'),
      upstream,
    }),
  );
  const bin = path.join(root, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const done = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited)
      throw new Error(`verdaccio exited with ${exited.code ?? exited.signal} before it answered:\n${log}`);
    try {
      const response = await fetch(`${url}-/ping`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    log: () => log,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/** Creates a throwaway user through the npm login API and returns its token. */
export async function addUser(url, name) {
  // A throwaway user on a throwaway loopback registry; random so no two rehearsals share one.
  const password = randomBytes(18).toString('base64url');
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password,
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(
      `could not create the registry user ${name}: HTTP ${response.status} ${JSON.stringify(body.error ?? '')}`,
    );
  }
  return body.token;
}

/** The versions the registry holds for `name` (empty when it does not know the package). */
export async function publishedVersions(url, name) {
  const response = await fetch(`${url}${name.replace('/', '%2f')}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`registry lookup of ${name} failed: HTTP ${response.status}`);
  const body = await response.json();
  return Object.keys(body.versions ?? {});
}
