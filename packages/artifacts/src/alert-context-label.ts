import { pyStr, pyTrim } from './py-coerce.js';

export interface AlertContextParts {
  platform?: unknown;
  account?: unknown;
  deployment?: unknown;
  service?: unknown;
  strategy?: unknown;
}

function part(v: unknown): string {
  return v === null || v === undefined ? '' : pyTrim(pyStr(v));
}

/**
 * The platform context prefix of alerts (spec §19.6): non-blank `[platform, account || deployment ||
 * service, strategy]` joined with `" / "`, e.g. `ibkr / paper / tqqq`.
 */
export function buildAlertContextLabel(parts: AlertContextParts): string {
  const slot = part(parts.account) || part(parts.deployment) || part(parts.service);
  return [part(parts.platform), slot, part(parts.strategy)].filter((p) => p !== '').join(' / ');
}
