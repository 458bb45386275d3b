import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStore, CacheStoreOptions } from './cache-store.js';
import { createManualClock } from './manual-clock.js';
import { createMemoryCacheStore } from './memory-cache.js';
import { createSqliteCacheStore } from './sqlite-cache.js';

const dirs: string[] = [];
const stores: CacheStore[] = [];

function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keel-cache-'));
  dirs.push(dir);
  return path.join(dir, 'cache.sqlite');
}

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const backends: Array<[string, (options: CacheStoreOptions) => CacheStore]> = [
  ['sqlite', (options) => createSqliteCacheStore({ path: tempFile(), ...options })],
  ['memory', (options) => createMemoryCacheStore(options)],
];

describe.each(backends)('%s cache store', (_name, create) => {
  const open = (options: CacheStoreOptions = {}) => {
    const store = create(options);
    stores.push(store);
    return store;
  };

  it('gets, puts, deletes and clears JSON values', async () => {
    const cache = open().forPlugin('p');
    expect(await cache.get('ns', 'k')).toBeUndefined();
    await cache.put('ns', 'k', { levels: [1, 2.5], name: 'x', ok: true, none: null });
    expect(await cache.get('ns', 'k')).toEqual({ levels: [1, 2.5], name: 'x', ok: true, none: null });
    await cache.put('ns', 'k', 'replaced');
    expect(await cache.get('ns', 'k')).toBe('replaced');
    expect(await cache.delete('ns', 'k')).toBe(true);
    expect(await cache.delete('ns', 'k')).toBe(false);
    await cache.put('a', '1', 1);
    await cache.put('b', '1', 2);
    await cache.clear('a');
    expect(await cache.get('a', '1')).toBeUndefined();
    expect(await cache.get('b', '1')).toBe(2);
    await cache.clear();
    expect(await cache.get('b', '1')).toBeUndefined();
  });

  it('keeps plugins apart: same ns and key, different plugins', async () => {
    const store = open();
    await store.forPlugin('a').put('ns', 'k', 'from a');
    await store.forPlugin('b').put('ns', 'k', 'from b');
    await store.forPlugin('b').clear();
    expect(await store.forPlugin('a').get('ns', 'k')).toBe('from a');
    expect(await store.forPlugin('b').get('ns', 'k')).toBeUndefined();
  });

  it('returns a fresh copy each time, so callers cannot mutate the cached value', async () => {
    const cache = open().forPlugin('p');
    const value = { list: [1] };
    await cache.put('ns', 'k', value);
    value.list.push(2);
    const got = (await cache.get('ns', 'k')) as { list: number[] };
    got.list.push(3);
    expect(await cache.get('ns', 'k')).toEqual({ list: [1] });
  });

  it('does not return entries past their TTL', async () => {
    const clock = createManualClock(1_000_000);
    const cache = open({ clock }).forPlugin('p');
    await cache.put('ns', 'short', 1, { ttlMs: 1_000 });
    await cache.put('ns', 'forever', 2);
    clock.advance(999);
    expect(await cache.get('ns', 'short')).toBe(1);
    clock.advance(1);
    expect(await cache.get('ns', 'short')).toBeUndefined();
    expect(await cache.get('ns', 'forever')).toBe(2);
  });

  it('evicts the least recently written entries beyond the cap per plugin', async () => {
    const clock = createManualClock(0);
    const store = open({ clock, maxEntriesPerNamespace: 3 });
    const cache = store.forPlugin('p');
    await cache.put('ns', 'a', 1);
    await cache.put('other', 'b', 2);
    await cache.put('ns', 'c', 3);
    await cache.put('ns', 'a', 11); // rewrite: now the newest
    await cache.put('ns', 'd', 4); // evicts b, the oldest write
    expect(await cache.get('other', 'b')).toBeUndefined();
    expect(await cache.get('ns', 'a')).toBe(11);
    expect(store.size('p')).toBe(3);
    await store.forPlugin('q').put('ns', 'x', 0);
    expect(store.size('p')).toBe(3);
    expect(store.stats().evictions).toBe(1);
  });

  it('drops expired entries before evicting live ones', async () => {
    const clock = createManualClock(0);
    const store = open({ clock, maxEntriesPerNamespace: 3 });
    const cache = store.forPlugin('p');
    await cache.put('ns', 'a', 1);
    await cache.put('ns', 'b', 2, { ttlMs: 10 });
    await cache.put('ns', 'c', 3);
    clock.advance(10);
    await cache.put('ns', 'd', 4);
    expect(await cache.get('ns', 'a')).toBe(1);
    expect(await cache.get('ns', 'c')).toBe(3);
    expect(await cache.get('ns', 'd')).toBe(4);
    expect(store.stats().evictions).toBe(0);
  });

  it('rejects non-JSON values, bad keys and bad TTLs with codes naming the path', async () => {
    const cache = open().forPlugin('p');
    await expect(cache.put('ns', 'k', { at: new Date(0) } as never)).rejects.toMatchObject({
      code: 'CACHE_NOT_JSON_SAFE',
      message: 'cache ns/k: value.at is a Date',
    });
    await expect(cache.put('ns', 'k', Number.POSITIVE_INFINITY)).rejects.toMatchObject({
      code: 'CACHE_NOT_JSON_SAFE',
    });
    await expect(cache.get('', 'k')).rejects.toMatchObject({ code: 'CACHE_INVALID_KEY', field: 'ns' });
    await expect(cache.put('ns', 'k', 1, { ttlMs: 0 })).rejects.toMatchObject({
      code: 'CACHE_INVALID_OPTION',
      field: 'ttlMs',
    });
  });

  it('rejects use after close with CACHE_CLOSED', async () => {
    const store = open();
    const cache = store.forPlugin('p');
    store.close();
    await expect(cache.get('ns', 'k')).rejects.toMatchObject({ code: 'CACHE_CLOSED' });
  });
});

describe('createSqliteCacheStore', () => {
  it('survives a restart: put, close, reopen the same file, get — with TTL still applied', async () => {
    const file = tempFile();
    const clock = createManualClock(Date.UTC(2024, 0, 2));
    const first = createSqliteCacheStore({ path: file, clock });
    await first.forPlugin('p').put('state', 'last', { bar: 42 });
    await first.forPlugin('p').put('state', 'ttl', 'soon gone', { ttlMs: 60_000 });
    first.close();

    const second = createSqliteCacheStore({ path: file, clock });
    stores.push(second);
    const cache = second.forPlugin('p');
    expect(await cache.get('state', 'last')).toEqual({ bar: 42 });
    expect(await cache.get('state', 'ttl')).toBe('soon gone');
    clock.advance(60_000);
    expect(await cache.get('state', 'ttl')).toBeUndefined();
    // Write order continues across the restart, so eviction still removes the oldest.
    await cache.put('state', 'new', 1);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT key FROM keel_cache ORDER BY seq').all() as Array<{ key: string }>;
    db.close();
    expect(rows.map((r) => r.key)).toEqual(['last', 'new']);
  });

  it('opens the file in WAL mode', () => {
    const file = tempFile();
    const store = createSqliteCacheStore({ path: file });
    stores.push(store);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
