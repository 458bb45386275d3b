import { pyStr, pyTrim, pyTruthy } from '../py-coerce.js';
import { enUS } from './en-US.js';
import { zhCN } from './zh-CN.js';

/** Optional override for any catalog key; `null`/`undefined`, the key itself or blank means "no entry". */
export type Translator = (
  key: string,
  params?: Readonly<Record<string, string>>,
) => string | null | undefined;

export type CatalogLocale = 'en-US' | 'zh-CN';

/** Built-in catalogs by locale. */
export const catalogs: Readonly<Record<CatalogLocale, Readonly<Record<string, string>>>> = Object.freeze({
  'en-US': enUS,
  'zh-CN': zhCN,
});

/** `zh-CN` for any locale starting with `zh`, otherwise `en-US` (spec §14.3). */
export function catalogLocale(locale: unknown): CatalogLocale {
  if (locale === null || locale === undefined) return 'en-US';
  return pyTrim(pyStr(locale)).toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** One left-to-right pass; inserted text is not scanned again and unknown placeholders stay. */
export function fillTemplate(template: string, params: Readonly<Record<string, string>>): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (match, name: string) =>
    Object.hasOwn(params, name) ? params[name]! : match,
  );
}

/** The `{name}` placeholders of a template, sorted and de-duplicated. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** Key lookup with translator first, then the built-in catalog (spec §14.3). */
export class CatalogLookup {
  readonly locale: CatalogLocale;
  private readonly table: Readonly<Record<string, string>>;
  private readonly translator: Translator | undefined;

  constructor(locale: unknown, translator?: Translator) {
    this.locale = catalogLocale(locale);
    this.table = catalogs[this.locale];
    this.translator = translator;
  }

  /** The filled template for `key`, or `null` when neither the translator nor the catalog has it. */
  text(key: string, params: Readonly<Record<string, string>> = NO_PARAMS): string | null {
    if (this.translator !== undefined) {
      const found = this.translator(key, params);
      if (found !== null && found !== undefined) {
        const s = typeof found === 'string' ? found : pyStr(found);
        if (s !== key && pyTrim(s) !== '') return fillTemplate(s, params);
      }
    }
    if (!Object.hasOwn(this.table, key)) return null;
    return fillTemplate(this.table[key]!, params);
  }

  /** `text` for a key every built-in catalog holds. */
  must(key: string, params?: Readonly<Record<string, string>>): string {
    return this.text(key, params) ?? key;
  }

  /** The first entry along `keys`, trimmed; `null` when none exists. */
  chain(keys: readonly string[], params?: Readonly<Record<string, string>>): string | null {
    for (const key of keys) {
      const found = this.text(key, params);
      if (found !== null) return pyTrim(found);
    }
    return null;
  }

  /** Display label of a raw code, falling back to the code itself (spec §14.2). */
  label(category: string, raw: unknown): string {
    const v = pyTrim(pyStr(pyTruthy(raw) ? raw : '')) || 'unknown';
    return this.text(`strategy_plugin_${category}_${v}`) ?? v;
  }
}
