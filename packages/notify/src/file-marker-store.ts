import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { cleanKey } from './clean-key.js';
import { NotifyConfigError } from './errors.js';
import { expandHome } from './home-path.js';
import { markerDocument } from './marker-json.js';
import {
  isMarkerFresh,
  type MarkerStore,
  MarkerStoreBaseOptionsSchema,
  markerSchemaVersionFor,
} from './marker-store.js';
import { parseOptions } from './parse-options.js';

/**
 * A bucket client (Google Cloud Storage, or S3/Azure through an adapter). Only these three calls are
 * needed; `read` is used for TTL checks and may be omitted when no TTL is configured.
 */
export interface BucketClient {
  exists(bucket: string, object: string): Promise<boolean>;
  write(bucket: string, object: string, contents: string, contentType: string): Promise<void>;
  read?(bucket: string, object: string): Promise<string | undefined>;
}

/** A parsed bucket prefix `gs://bucket/prefix`. */
export interface MarkerBucketUri {
  readonly scheme: 'gs' | 's3' | 'az';
  readonly bucket: string;
  /** Object prefix without leading/trailing `/` (may be empty). */
  readonly prefix: string;
}

const SCHEME_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;

/** True when `value` has a `scheme://` form (so it names a bucket, not a local directory). */
export function isMarkerBucketUri(value: string): boolean {
  return SCHEME_URI.test(value.trim());
}

/**
 * Parses `gs://bucket/prefix` (also `s3://`, `az://`). Any other scheme, or no bucket name, is a
 * `NotifyConfigError` with code `BAD_MARKER_URI` (§19.4).
 */
export function parseMarkerBucketUri(uri: string): MarkerBucketUri {
  const match = SCHEME_URI.exec(uri.trim());
  const scheme = match?.[1]?.toLowerCase();
  if (match === undefined || match === null || (scheme !== 'gs' && scheme !== 's3' && scheme !== 'az')) {
    throw new NotifyConfigError(
      'BAD_MARKER_URI',
      `marker bucket must be gs://, s3:// or az://; got ${JSON.stringify(uri)}`,
      {
        field: 'bucket',
        value: uri,
      },
    );
  }
  const rest = match[2] ?? '';
  const slash = rest.indexOf('/');
  const bucket = (slash < 0 ? rest : rest.slice(0, slash)).trim();
  if (bucket === '') {
    throw new NotifyConfigError(
      'BAD_MARKER_URI',
      `marker bucket URI has no bucket name: ${JSON.stringify(uri)}`,
      {
        field: 'bucket',
        value: uri,
      },
    );
  }
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  return { scheme, bucket, prefix };
}

/** Relative marker path `<store namespace>/<cleanKey(alertKey)>.json` (§19.4). */
export function markerObjectPath(namespace: string, alertKey: string): string {
  return `${cleanKey(namespace)}/${cleanKey(alertKey)}.json`;
}

/**
 * Options of {@link createFileMarkerStore}. Env-friendly names: `KEEL_ALERT_MARKER_DIR` → `path`,
 * `KEEL_ALERT_MARKER_BUCKET` → `bucket`, `KEEL_ALERT_MARKER_TTL_MS` → `ttlMs`.
 */
export const FileMarkerStoreOptionsSchema = MarkerStoreBaseOptionsSchema.extend({
  /** Local root directory (`~` expanded), or a bucket prefix `gs://bucket/prefix`. */
  path: z.string().trim().min(1).optional(),
  /** Bucket prefix (`gs://…`); when set, markers are written only there. */
  bucket: z.string().trim().min(1).optional(),
  /** Client for the bucket; required when a bucket is configured. */
  client: z
    .custom<BucketClient>(
      (v) => typeof v === 'object' && v !== null && typeof (v as BucketClient).exists === 'function',
    )
    .optional(),
}).refine((o) => o.path !== undefined || o.bucket !== undefined, {
  message: 'either path or bucket is required',
  path: ['path'],
});
export type FileMarkerStoreOptions = z.input<typeof FileMarkerStoreOptionsSchema>;

/**
 * The QuantPlatformKit-compatible marker layout (§19.4): one JSON file per alert at
 * `<root>/<store namespace>/<cleanKey(alertKey)>.json`, written atomically (temp file, fsync, rename,
 * directory fsync), so a `kill -9` mid-dispatch never leaves a torn marker. Keel and QuantPlatformKit
 * platforms pointing at the same root share de-duplication.
 */
export function createFileMarkerStore(options: FileMarkerStoreOptions): MarkerStore {
  const opts = parseOptions(FileMarkerStoreOptionsSchema, options, 'fileMarkerStore');
  const now = opts.now ?? Date.now;
  let localRoot: string | undefined;
  let bucketUri: string | undefined = opts.bucket;
  if (opts.path !== undefined) {
    if (isMarkerBucketUri(opts.path)) {
      if (bucketUri !== undefined) {
        throw new NotifyConfigError(
          'BAD_MARKER_URI',
          'fileMarkerStore: path and bucket are both bucket URIs',
          {
            field: 'fileMarkerStore.path',
          },
        );
      }
      bucketUri = opts.path;
    } else {
      localRoot = expandHome(opts.path);
    }
  }
  const bucket = bucketUri === undefined ? undefined : parseMarkerBucketUri(bucketUri);
  if (bucket !== undefined && opts.client === undefined) {
    throw new NotifyConfigError(
      'MISSING_BUCKET_CLIENT',
      `fileMarkerStore: a client is required for ${bucket.scheme}:// markers`,
      {
        field: 'fileMarkerStore.client',
      },
    );
  }
  const client = opts.client;
  const objectName = (rel: string): string => (bucket?.prefix ? `${bucket.prefix}/${rel}` : rel);

  const freshFromText = (text: string | undefined, fallbackMs: number, ttlMs: number): boolean => {
    let recorded = fallbackMs;
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as { recorded_at?: unknown };
        const at = typeof parsed.recorded_at === 'string' ? Date.parse(parsed.recorded_at) : Number.NaN;
        if (Number.isFinite(at)) recorded = at;
      } catch {
        // A marker another writer produced may not be ours to parse; its file time still counts.
      }
    }
    return isMarkerFresh(recorded, now(), ttlMs);
  };

  const hasLocal = async (rel: string, ttlMs: number | undefined): Promise<boolean> => {
    if (localRoot === undefined) return false;
    const file = path.join(localRoot, rel);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    if (ttlMs === undefined) return true;
    const text = await readFile(file, 'utf8').catch(() => undefined);
    return freshFromText(text, mtimeMs, ttlMs);
  };

  const hasBucket = async (rel: string, ttlMs: number | undefined): Promise<boolean> => {
    if (bucket === undefined || client === undefined) return false;
    const name = objectName(rel);
    if (!(await client.exists(bucket.bucket, name))) return false;
    if (ttlMs === undefined || client.read === undefined) return true;
    return freshFromText(await client.read(bucket.bucket, name), Number.NaN, ttlMs);
  };

  return {
    async has(namespace, key, check) {
      const rel = markerObjectPath(namespace, key);
      const ttlMs = check?.ttlMs ?? opts.ttlMs;
      let bucketError: unknown;
      try {
        if (await hasBucket(rel, ttlMs)) return true;
      } catch (error) {
        // §19.4 checks the bucket, then the local directory: an unreachable bucket must not hide a
        // local marker. With no local marker the error still surfaces (the caller warns and sends).
        bucketError = error;
      }
      if (await hasLocal(rel, ttlMs)) return true;
      if (bucketError !== undefined) throw bucketError;
      return false;
    },
    async record(namespace, key, metadata, recordOptions) {
      const rel = markerObjectPath(namespace, key);
      const doc = markerDocument(
        key,
        metadata,
        now(),
        recordOptions?.schemaVersion ?? markerSchemaVersionFor(namespace),
      );
      if (bucket !== undefined && client !== undefined) {
        await client.write(bucket.bucket, objectName(rel), doc, 'application/json');
        return;
      }
      await writeFileAtomic(path.join(localRoot as string, rel), doc);
    },
    async close() {},
  };
}
