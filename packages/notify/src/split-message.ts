/** Cost of one code point against a provider limit; additive over the text. */
export type CodePointWeight = (codePoint: string) => number;

const unitWeight: CodePointWeight = () => 1;

/**
 * Splits text into parts whose total weight is at most `limit`, preferring to cut after a newline,
 * then after whitespace, in the second half of a part; otherwise cuts hard. Parts concatenate back
 * to the original text and never split a code point (so never a surrogate pair). Empty text → `[]`.
 * Channels whose provider caps one message (SMS segments, Telegram's 4096) send long alerts as
 * several parts; `weight` expresses a provider's own count, e.g. Telegram's length after HTML escaping.
 */
export function splitMessage(text: string, limit: number, weight: CodePointWeight = unitWeight): string[] {
  if (!Number.isFinite(limit) || limit < 1)
    throw new RangeError(`splitMessage: limit must be >= 1 (got ${limit})`);
  const codePoints = Array.from(text);
  const parts: string[] = [];
  let start = 0;
  while (start < codePoints.length) {
    let used = 0;
    let end = start;
    let lastNewline = -1;
    let lastSpace = -1;
    while (end < codePoints.length) {
      const cp = codePoints[end] as string;
      const w = weight(cp);
      if (w > limit)
        throw new RangeError(`splitMessage: one code point weighs ${w}, above the limit ${limit}`);
      if (used + w > limit) break;
      used += w;
      if (cp === '\n') lastNewline = end;
      else if (/\s/u.test(cp)) lastSpace = end;
      end += 1;
    }
    if (end < codePoints.length) {
      // A soft break only when it keeps at least half the part, so parts do not get tiny.
      const half = start + Math.ceil((end - start) / 2);
      if (lastNewline >= half - 1) end = lastNewline + 1;
      else if (lastSpace >= half - 1) end = lastSpace + 1;
    }
    parts.push(codePoints.slice(start, end).join(''));
    start = end;
  }
  return parts;
}
