import type { JsonValue } from '@keel/contract';

/**
 * The line protocol on fd 3. Host → child: `{t:'req', id, op, ...}` and `{t:'ret', cid, ok, v|err}`
 * (answers to the child's calls). Child → host: `{t:'ready', ok, ...}`, `{t:'res', id, ok, v|err}`
 * and `{t:'call', cid?, op, p}` (bus, cache, RPC registration, bars; no `cid` means one-way).
 */
export type ChildMessage =
  | { t: 'ready'; ok: true; dialect: string }
  | { t: 'ready'; ok: false; code: string; message: string; hint?: string | null; phase?: string }
  | { t: 'res'; id: number; ok: true; v: unknown }
  | { t: 'res'; id: number; ok: false; err: string; restart?: boolean }
  | { t: 'call'; cid?: number; op: string; p: Record<string, unknown> };

/** Stands for a Python object that has no JSON form; the host's reading check names its path. */
export class PythonObject {
  readonly pythonType: string;
  constructor(pythonType: string) {
    this.pythonType = pythonType;
  }
}

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

// NaN and ±Infinity cannot be JSON, so the child sends markers; they become the numbers again here
// so that the host's own reading check reports them (`contract: extras.atr is NaN`).
function revive(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const nf = v.$keel_nf;
    if (typeof nf === 'string' && nf in NON_FINITE) return NON_FINITE[nf];
    const obj = v.$keel_obj;
    if (typeof obj === 'string') return new PythonObject(obj);
  }
  return value;
}

/** Parses one line; the reviver runs only on lines that carry a marker (the hot path never does). */
export function decodeLine(line: string): ChildMessage {
  return (line.includes('"$keel_') ? JSON.parse(line, revive) : JSON.parse(line)) as ChildMessage;
}

export function encodeRequest(id: number, op: string, body: Record<string, unknown>): string {
  // Hand-assembled so the bar path does one JSON.stringify of the body only.
  const rest = JSON.stringify(body);
  return `{"t":"req","id":${id},"op":${JSON.stringify(op)}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}\n`;
}

export function encodeReturn(
  cid: number,
  result: { ok: true; v: JsonValue | undefined } | { ok: false; err: string },
): string {
  return result.ok
    ? `${JSON.stringify({ t: 'ret', cid, ok: true, v: result.v ?? null })}\n`
    : `${JSON.stringify({ t: 'ret', cid, ok: false, err: result.err })}\n`;
}
