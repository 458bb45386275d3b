// The QuantPlatformKit strip set (§3.1), so keys trim exactly as they do there.
const PY_WHITESPACE =
  '\\t\\n\\x0B\\x0C\\r\\x1C\\x1D\\x1E\\x1F\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const PY_TRIM = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
const NOT_ALLOWED = /[^\p{L}\p{N}\-_.]/gu;
const EDGE = /^[-._]+|[-._]+$/g;

/** Python's `str.strip()` with no arguments (§3.1 `pyTrim`). */
export function pyTrim(text: string): string {
  return text.replace(PY_TRIM, '');
}

/**
 * Marker object path of an alert key (§19.4): `\` → `/`, split on `/`; per segment `pyTrim`, every
 * character other than a letter, digit, `-`, `_` or `.` becomes `-` (no collapsing), leading and trailing
 * `-`, `.`, `_` are stripped, the first 100 code points kept; empty segments dropped; `unknown` if
 * nothing is left. So `..` segments vanish and a key can never leave its namespace directory.
 */
export function cleanKey(key: string): string {
  const segments: string[] = [];
  for (const raw of key.replace(/\\/g, '/').split('/')) {
    const cleaned = pyTrim(raw).replace(NOT_ALLOWED, '-').replace(EDGE, '');
    if (cleaned === '') continue;
    const points = Array.from(cleaned);
    segments.push(points.length > 100 ? points.slice(0, 100).join('') : cleaned);
  }
  return segments.length === 0 ? 'unknown' : segments.join('/');
}
