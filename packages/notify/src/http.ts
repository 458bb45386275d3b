/**
 * Converts an HTTP `Retry-After` value into milliseconds from `now`: delta-seconds (`"120"`, also
 * fractional `"1.5"` as some gateways send) or an HTTP-date (a past date gives 0). Numbers are taken as
 * seconds (Telegram's `parameters.retry_after`). Anything else is `undefined`.
 */
export function parseRetryAfter(
  value: string | number | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.ceil(value * 1000) : undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Require a letter so bare numbers like "-5" are not read as dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
