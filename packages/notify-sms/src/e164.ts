/**
 * Normalises a phone number to E.164 (§19.7): `+digits` is kept (separators dropped), 10 digits are
 * taken as North American and get `+1`, 11 digits starting with `1` get `+`. Anything else is not a
 * number we can address safely → `undefined`.
 */
export function normalizeE164(input: string): string | undefined {
  const trimmed = input.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return undefined;
}

/** Normalises a recipient list, dropping duplicates (after normalisation) and keeping first-seen order. */
export function normalizeRecipients(inputs: readonly string[]): {
  readonly numbers: readonly string[];
  readonly invalid: readonly string[];
} {
  const numbers: string[] = [];
  const invalid: string[] = [];
  for (const raw of inputs) {
    const n = normalizeE164(raw);
    if (n === undefined) invalid.push(raw);
    else if (!numbers.includes(n)) numbers.push(n);
  }
  return { numbers, invalid };
}
