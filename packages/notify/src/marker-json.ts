/**
 * UTC ISO-8601 with microseconds and `+00:00`, as Python's `datetime.now(timezone.utc).isoformat()`
 * writes it (`2026-05-24T12:00:00.123000+00:00`). Millisecond clocks pad the last three digits.
 */
export function formatRecordedAt(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-05-24T12:00:00.123Z
  return `${iso.slice(0, 23)}000+00:00`;
}

function sortDeep(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return null;
    return value;
  }
  if (seen.has(value)) return null;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortDeep(item, seen)));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return sortDeep((toJSON as () => unknown).call(value), seen);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortDeep(item, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * JSON with keys sorted at every level, two-space indentation and non-ASCII kept raw: byte-compatible
 * with Python's `json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)` for JSON data.
 * Values JSON cannot hold (NaN, functions, cycles) become `null` instead of failing the marker write.
 */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortDeep(value, new Set()), null, 2);
}

/** The marker file content of §19.4. */
export function markerDocument(
  alertKey: string,
  metadata: Readonly<Record<string, unknown>>,
  recordedAtMs: number,
  schemaVersion: string,
): string {
  return sortedJson({
    alert_key: alertKey,
    metadata,
    recorded_at: formatRecordedAt(recordedAtMs),
    schema_version: schemaVersion,
  });
}
