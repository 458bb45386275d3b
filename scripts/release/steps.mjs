import { spawn } from 'node:child_process';

/** Seconds since `start`, one decimal. */
export const seconds = (start) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

/** A failure that names the phase it happened in. */
export class RehearsalError extends Error {
  constructor(phase, message) {
    super(message);
    this.phase = phase;
  }
}

/**
 * Runs one command, collecting its output; prints a line every 20 s so a slow install is visibly
 * alive, and the output's tail when it fails. `verbose` streams the output instead.
 */
export function runStep(log, label, command, args, { cwd, env, timeoutMs = 300_000, verbose = false }) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const heartbeat = setInterval(() => log(`  … ${label} still running (${seconds(start)})`), 20_000);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      output += `\n[killed after ${timeoutMs / 1000} s]`;
    }, timeoutMs);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      reject(new Error(`${label}: could not start ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      clearTimeout(timer);
      if (code === 0) {
        log(`  ${label} (${seconds(start)})`);
        resolve(output);
        return;
      }
      const tail = output.trim().split('\n').slice(-40).join('\n');
      reject(new Error(`${label} exited with ${code ?? signal}:\n${tail}`));
    });
  });
}
