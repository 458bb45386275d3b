import { homedir } from 'node:os';
import path from 'node:path';

/** Expands a leading `~` or `~/` to the home directory and makes the path absolute. */
export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(homedir(), p.slice(2));
  return path.resolve(p);
}
