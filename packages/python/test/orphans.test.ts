import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAnyPython, FIXTURES, isAlive } from './support/python.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  // Polls a property that holds eventually; the deadline is generous, no gap is asserted.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('no orphaned Python processes', () => {
  it('when the host process is killed with SIGKILL, its plugin processes go too', async () => {
    const python = findAnyPython() as string;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@keel/source',
        path.join(FIXTURES, 'host-child.ts'),
        python,
        FIXTURES,
      ],
      {
        cwd: packageDir,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const pids = await new Promise<number[]>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const nl = text.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(text.slice(0, nl)) as number[]);
        });
        child.once('exit', (code) => reject(new Error(`host child exited early (${code})`)));
      });
      expect(pids).toHaveLength(2);
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      child.kill('SIGKILL');
      expect(await until(() => pids.every((pid) => !isAlive(pid)), 30_000)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('an app that never calls dispose() still exits, and takes its plugin processes along', async () => {
    const python = findAnyPython() as string;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@keel/source',
        path.join(FIXTURES, 'host-no-dispose.ts'),
        python,
        FIXTURES,
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    const pids = JSON.parse(text.trim()) as number[];
    expect(pids).toHaveLength(1);
    expect(await until(() => pids.every((pid) => !isAlive(pid)), 30_000)).toBe(true);
  }, 120_000);
});
