/**
 * §19.7 length limit: the effective limit is `max(80, n)` (capped at `max` where the provider has a
 * hard ceiling), so a misconfigured tiny limit cannot make every alert unreadable.
 */
export function effectiveLimit(configured: number, max = Number.POSITIVE_INFINITY): number {
  return Math.min(max, Math.max(80, Math.floor(configured)));
}

/**
 * Keeps text within `limit` code points: longer text keeps its first `limit − 3` code points,
 * right-trimmed, plus `...` (§19.7). Counting code points means a surrogate pair is never cut. Every
 * channel shortens alerts this one way, so the same alert reads the same on every channel.
 */
export function truncateText(text: string, limit: number): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= limit) return text;
  return `${codePoints
    .slice(0, Math.max(0, limit - 3))
    .join('')
    .trimEnd()}...`;
}
