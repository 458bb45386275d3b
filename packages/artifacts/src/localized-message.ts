import { isObject, optStr, own, pyStr, pyTrim } from './py-coerce.js';
import type { SignalLike } from './strategy-signal.js';

function pick(container: unknown, locale: string | null): string | null {
  if (locale === null || !isObject(container)) return null;
  return optStr(own(container, locale));
}

/**
 * Artifact-supplied display text for `locale` (spec §14.1): exact locale, then the artifact's default
 * locale, then (notification only) the legacy `notification.localized_messages` block.
 */
export function extractLocalizedMessage(
  signal: SignalLike,
  section: 'notification' | 'log',
  locale: unknown,
): string | null {
  if (locale === null || locale === undefined) return null;
  const wanted = pyTrim(pyStr(locale));
  if (wanted === '') return null;
  const payload = signal.payload;
  if (!isObject(payload)) return null;

  const messages = own(payload, 'localized_messages');
  if (isObject(messages)) {
    const sectionMessages = own(messages, section);
    if (isObject(sectionMessages)) {
      const hit =
        pick(sectionMessages, wanted) ?? pick(sectionMessages, optStr(own(messages, 'default_locale')));
      if (hit !== null) return hit;
    }
  }
  if (section !== 'notification') return null;
  const legacy = own(payload, 'notification');
  if (!isObject(legacy)) return null;
  const legacyMessages = own(legacy, 'localized_messages');
  if (!isObject(legacyMessages)) return null;
  return pick(legacyMessages, wanted) ?? pick(legacyMessages, optStr(own(legacy, 'default_locale')));
}
