import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliSource = path.join(appDir, 'src', 'cli.ts');
// Resolved here, not by the child: the child may run in a temp folder that has no tsx.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface KeelRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `keel` CLI (the TypeScript source through tsx, with the workspace's source
 * condition) in a child process, so exit codes, stdout and stderr are the ones a user sees.
 */
export function runKeel(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<KeelRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@keel/source', '--import', tsxLoader, cliSource, ...args],
      {
        cwd: options.cwd ?? appDir,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
