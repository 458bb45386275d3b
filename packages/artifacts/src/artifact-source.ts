import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ArtifactContractError } from './errors.js';
import { redactReference } from './reference-redaction.js';

/** The subset of `@google-cloud/storage`'s `Storage` Keel uses, so `() => new Storage()` works. */
export interface GcsClientLike {
  bucket(name: string): {
    file(name: string): {
      download(): Promise<[Uint8Array]>;
      getMetadata?(): Promise<[{ size?: string | number }]>;
    };
  };
}

/** How artifacts are read. */
export interface SourceOptions {
  /** Required for `gs://` references. */
  gcsClientFactory?: () => GcsClientLike;
  /** http(s) transport, default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Default 5 MiB. */
  maxBytes?: number;
  /** Per artifact read, default 10 s. */
  timeoutMs?: number;
  /** Caller cancellation: an abort rejects with the signal's reason. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_BYTES = 5_242_880;
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 5;

export type ResolvedSource =
  | { kind: 'local'; path: string; sourceUri: null; localPath: string; display: string }
  | {
      kind: 'http';
      url: string;
      authorization: string | null;
      sourceUri: string;
      localPath: null;
      display: string;
    }
  | { kind: 'gs'; uri: string; sourceUri: string; localPath: null; display: string };

function badReference(reference: string, detail: string, cause?: unknown): ArtifactContractError {
  const shown = redactReference(reference);
  return new ArtifactContractError(
    'BAD_REFERENCE',
    `reference ${detail}; got ${ArtifactContractError.show(shown)}`,
    {
      field: 'reference',
      value: shown,
      source: 'reference',
      reference: shown,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

/** Python's `PurePosixPath` normalisation: `//` runs and `.` segments collapse, `..` stays. */
export function normalizePosixPath(p: string): string {
  if (p === '') return '.';
  // POSIX leaves the meaning of exactly two leading slashes to the implementation; pathlib keeps them.
  const root = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? '//' : '/') : '';
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  const joined = root + parts.join('/');
  return joined === '' ? '.' : joined;
}

function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return homedir() + p.slice(1);
  return p;
}

/** Decides how a (trimmed, non-empty) reference is read (spec §8.2). */
export function resolveReference(reference: string): ResolvedSource {
  if (reference.startsWith('gs://')) {
    return { kind: 'gs', uri: reference, sourceUri: reference, localPath: null, display: reference };
  }
  if (/^https?:\/\//i.test(reference)) {
    let url: URL;
    try {
      url = new URL(reference);
    } catch (error) {
      throw badReference(reference, 'is not a valid http(s) URL', error);
    }
    if (url.hostname === '') throw badReference(reference, 'has no host');
    // fetch refuses URLs with credentials; user-info becomes Basic auth and never leaves this object.
    let authorization: string | null = null;
    if (url.username !== '' || url.password !== '') {
      const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      authorization = `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    const redacted = redactReference(reference);
    return {
      kind: 'http',
      url: url.href,
      authorization,
      sourceUri: redacted,
      localPath: null,
      display: redacted,
    };
  }
  if (reference.startsWith('file:')) {
    let path: string;
    try {
      path = fileURLToPath(reference);
    } catch (error) {
      throw badReference(reference, 'is not a valid file: URL', error);
    }
    return { kind: 'local', path, sourceUri: null, localPath: path, display: path };
  }
  const path = normalizePosixPath(expandHome(reference));
  return { kind: 'local', path, sourceUri: null, localPath: path, display: path };
}

function tooLarge(display: string, size: number | null, maxBytes: number): ArtifactContractError {
  const what = size === null ? `more than ${maxBytes} bytes` : `${size} bytes`;
  return new ArtifactContractError(
    'TOO_LARGE',
    `artifact ${JSON.stringify(display)} is ${what}; limit ${maxBytes}`,
    {
      field: 'reference',
      value: display,
      source: 'reference',
      reference: display,
    },
  );
}

function readFailed(display: string, detail: string, cause?: unknown): ArtifactContractError {
  return new ArtifactContractError(
    'READ_FAILED',
    `artifact ${JSON.stringify(display)} could not be read: ${detail}`,
    {
      field: 'reference',
      value: display,
      source: 'reference',
      reference: display,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function notFound(display: string, detail: string, cause?: unknown): ArtifactContractError {
  return new ArtifactContractError('NOT_FOUND', `artifact ${JSON.stringify(display)} not found (${detail})`, {
    field: 'reference',
    value: display,
    source: 'reference',
    reference: display,
    ...(cause === undefined ? {} : { cause }),
  });
}

const MISSING_ERRNO = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

async function readLocal(
  source: { path: string; display: string },
  maxBytes: number,
  abort: AbortSignal,
): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(source.path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (MISSING_ERRNO.has(code)) throw notFound(source.display, code, error);
    throw readFailed(source.display, code, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw readFailed(source.display, 'EISDIR');
    if (!stat.isFile()) throw readFailed(source.display, 'not a regular file');
    if (stat.size > maxBytes) throw tooLarge(source.display, stat.size, maxBytes);
    // The file may grow between stat and read, so the limit is enforced while reading too.
    const chunks: Buffer[] = [];
    let total = 0;
    let chunkSize = Math.min(maxBytes + 1, stat.size + 1);
    while (total <= maxBytes) {
      if (abort.aborted) throw abort.reason;
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
      if (bytesRead === 0) return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      chunkSize = 65_536;
    }
    throw tooLarge(source.display, null, maxBytes);
  } catch (error) {
    if (error instanceof ArtifactContractError || error === abort.reason) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw readFailed(source.display, code, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readBody(response: Response, maxBytes: number, display: string): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(display, Number(declared), maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(display, null, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

async function readHttp(
  source: { url: string; authorization: string | null; display: string },
  maxBytes: number,
  abort: AbortSignal,
  fetchImpl: typeof globalThis.fetch,
): Promise<Uint8Array> {
  let url = source.url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'GET',
        headers:
          source.authorization === null || hop > 0
            ? { accept: 'application/json' }
            : { accept: 'application/json', authorization: source.authorization },
        redirect: 'manual',
        signal: abort,
      });
    } catch (error) {
      if (abort.aborted) throw abort.reason;
      throw readFailed(source.display, `network error (${(error as Error).name})`, error);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw readFailed(source.display, `more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url).href;
      continue;
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel().catch(() => undefined);
      throw notFound(source.display, `HTTP ${response.status}`);
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      throw readFailed(source.display, `HTTP ${response.status}`);
    }
    try {
      return await readBody(response, maxBytes, source.display);
    } catch (error) {
      if (error instanceof ArtifactContractError) throw error;
      if (abort.aborted) throw abort.reason;
      throw readFailed(source.display, `body read failed (${(error as Error).name})`, error);
    }
  }
}

function splitGsUri(uri: string): { bucket: string; object: string } | null {
  const rest = uri.slice('gs://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const object = slash < 0 ? '' : rest.slice(slash + 1);
  return bucket === '' || object === '' ? null : { bucket, object };
}

function gcsStatus(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return code === undefined || code === null ? 'client error' : `code ${String(code)}`;
}

async function readGs(
  source: { uri: string; display: string },
  maxBytes: number,
  opts: SourceOptions,
): Promise<Uint8Array> {
  const factory = opts.gcsClientFactory;
  if (factory === undefined) {
    throw new ArtifactContractError(
      'GCS_CLIENT_MISSING',
      `reading ${JSON.stringify(source.display)} needs a gcsClientFactory option`,
      { field: 'reference', value: source.display, source: 'reference', reference: source.display },
    );
  }
  const parts = splitGsUri(source.uri);
  if (parts === null) throw badReference(source.uri, 'must be gs://<bucket>/<object>');
  try {
    const file = factory().bucket(parts.bucket).file(parts.object);
    if (typeof file.getMetadata === 'function') {
      const [metadata] = await file.getMetadata();
      const size = Number(metadata?.size);
      if (Number.isFinite(size) && size > maxBytes) throw tooLarge(source.display, size, maxBytes);
    }
    const [bytes] = await file.download();
    if (bytes.byteLength > maxBytes) throw tooLarge(source.display, bytes.byteLength, maxBytes);
    return bytes;
  } catch (error) {
    if (error instanceof ArtifactContractError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 404 || code === '404') throw notFound(source.display, 'bucket object missing', error);
    throw readFailed(source.display, gcsStatus(error), error);
  }
}

/**
 * Reads the bytes of one artifact within the size and time limits (spec §8.3). Rejects with an
 * `ArtifactContractError`, or with the caller signal's reason when the caller aborts.
 */
export async function readArtifactBytes(
  source: ResolvedSource,
  opts: SourceOptions = {},
): Promise<Uint8Array> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const caller = opts.signal;
  if (caller?.aborted) throw caller.reason;

  const controller = new AbortController();
  const timeoutError = new ArtifactContractError(
    'TIMEOUT',
    `reading artifact ${JSON.stringify(source.display)} took longer than ${timeoutMs} ms`,
    { field: 'reference', value: source.display, source: 'reference', reference: source.display },
  );
  let rejectRace: (reason: unknown) => void = () => undefined;
  const race = new Promise<never>((_, reject) => {
    rejectRace = reject;
  });
  const timer = setTimeout(() => {
    controller.abort(timeoutError);
    rejectRace(timeoutError);
  }, timeoutMs);
  const onCallerAbort = () => {
    controller.abort(caller?.reason);
    rejectRace(caller?.reason);
  };
  caller?.addEventListener('abort', onCallerAbort, { once: true });

  const work =
    source.kind === 'local'
      ? readLocal(source, maxBytes, controller.signal)
      : source.kind === 'http'
        ? readHttp(source, maxBytes, controller.signal, opts.fetch ?? globalThis.fetch)
        : readGs(source, maxBytes, opts);
  // The losing side of the race must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, race]);
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', onCallerAbort);
  }
}
