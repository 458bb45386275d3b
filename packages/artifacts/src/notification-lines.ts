import { CatalogLookup, type Translator } from './i18n/catalog.js';
import { extractLocalizedMessage } from './localized-message.js';
import { pyTruthy } from './py-coerce.js';
import type { SignalLike } from './strategy-signal.js';

export interface NotificationLineOptions {
  /** Artifact texts are used only when a locale is given; it also picks the catalog (`zh*` → zh-CN). */
  locale?: string | null;
  translator?: Translator;
}

/** The template line of one signal (spec §14.2). */
export function templateLine(signal: SignalLike, lookup: CatalogLookup): string {
  return lookup.must('strategy_plugin_line', {
    plugin: lookup.label('name', signal.plugin),
    mode: lookup.label('mode', signal.effectiveMode),
    route: lookup.label('route', pyTruthy(signal.canonicalRoute) ? signal.canonicalRoute : 'unknown_route'),
    action: lookup.label(
      'action',
      pyTruthy(signal.suggestedAction) ? signal.suggestedAction : 'unknown_action',
    ),
  });
}

/**
 * One notification line per signal, input order, no escalation filtering (spec §14): the artifact's
 * own text for the locale when there is one, else Keel's template line.
 */
export function buildNotificationLines(
  signals: readonly SignalLike[],
  opts: NotificationLineOptions = {},
): string[] {
  const lookup = new CatalogLookup(opts.locale, opts.translator);
  return signals.map(
    (signal) => extractLocalizedMessage(signal, 'notification', opts.locale) ?? templateLine(signal, lookup),
  );
}
