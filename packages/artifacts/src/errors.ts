import { KeelError } from '@keel/contract';

/** Stable codes of every rejection (spec §5). */
export type ArtifactErrorCode =
  | 'BAD_JSON'
  | 'MOUNT_SHAPE'
  | 'MOUNT_ITEM_NOT_OBJECT'
  | 'MOUNT_SETS_MODE'
  | 'REQUIRED_FIELD'
  | 'DUPLICATE_MOUNT'
  | 'UNSUPPORTED_MODE'
  | 'UNSUPPORTED_STRATEGY'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'UNSUPPORTED_NOTIFICATION_TARGET'
  | 'BAD_TARGET_TYPE'
  | 'TARGET_MISMATCH'
  | 'STRATEGY_MISMATCH'
  | 'NOTIFICATION_TARGET_MISMATCH'
  | 'PLUGIN_MISMATCH'
  | 'MODE_MISMATCH'
  | 'SCHEMA_VERSION_MISMATCH'
  | 'BAD_EXECUTION_CONTROLS'
  | 'NOT_AN_OBJECT'
  | 'NOT_FOUND'
  | 'BAD_REFERENCE'
  | 'GCS_CLIENT_MISSING'
  | 'TOO_LARGE'
  | 'TIMEOUT'
  | 'READ_FAILED'
  | 'DEFINITION_INVALID'
  | 'DUPLICATE_DEFINITION';

/** Every code, in the order of the spec's table. */
export const ARTIFACT_ERROR_CODES: readonly ArtifactErrorCode[] = Object.freeze([
  'BAD_JSON',
  'MOUNT_SHAPE',
  'MOUNT_ITEM_NOT_OBJECT',
  'MOUNT_SETS_MODE',
  'REQUIRED_FIELD',
  'DUPLICATE_MOUNT',
  'UNSUPPORTED_MODE',
  'UNSUPPORTED_STRATEGY',
  'UNSUPPORTED_SCHEMA_VERSION',
  'UNSUPPORTED_NOTIFICATION_TARGET',
  'BAD_TARGET_TYPE',
  'TARGET_MISMATCH',
  'STRATEGY_MISMATCH',
  'NOTIFICATION_TARGET_MISMATCH',
  'PLUGIN_MISMATCH',
  'MODE_MISMATCH',
  'SCHEMA_VERSION_MISMATCH',
  'BAD_EXECUTION_CONTROLS',
  'NOT_AN_OBJECT',
  'NOT_FOUND',
  'BAD_REFERENCE',
  'GCS_CLIENT_MISSING',
  'TOO_LARGE',
  'TIMEOUT',
  'READ_FAILED',
  'DEFINITION_INVALID',
  'DUPLICATE_DEFINITION',
]);

export type ArtifactErrorSource = 'mount' | 'notification_target' | 'artifact' | 'definition' | 'reference';

export interface ArtifactContractErrorOptions {
  field?: string;
  value?: unknown;
  source?: ArtifactErrorSource;
  supported?: readonly string[] | null;
  expected?: string;
  reference?: string;
  mountIndex?: number;
  hint?: string;
  cause?: unknown;
}

const MAX_SHOWN_CODE_POINTS = 200;

/**
 * Every rejection of the artifact contract. `code` is stable; the message is one line naming the field
 * and showing the rejected value as JSON. Values passed here must never carry secrets.
 */
export class ArtifactContractError extends KeelError<ArtifactErrorCode> {
  readonly source: ArtifactErrorSource | undefined;
  readonly supported: readonly string[] | null | undefined;
  readonly expected: string | undefined;
  readonly reference: string | undefined;
  readonly mountIndex: number | undefined;

  constructor(code: ArtifactErrorCode, message: string, options: ArtifactContractErrorOptions = {}) {
    super(code, message.replace(/[\r\n]+/g, ' '), {
      ...(options.field === undefined ? {} : { field: options.field }),
      ...('value' in options ? { value: options.value } : {}),
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'ArtifactContractError';
    this.source = options.source;
    this.supported =
      options.supported === undefined || options.supported === null
        ? options.supported
        : Object.freeze([...options.supported]);
    this.expected = options.expected;
    this.reference = options.reference;
    this.mountIndex = options.mountIndex;
  }

  /** JSON rendering of a rejected value for messages: `undefined` as `null`, cut at 200 code points. */
  static show(value: unknown): string {
    let text: string;
    try {
      text =
        typeof value === 'bigint'
          ? value.toString()
          : (JSON.stringify(value === undefined ? null : value) ?? String(value));
    } catch {
      text = Array.isArray(value) ? '[array]' : '[unserialisable]';
    }
    let n = 0;
    let i = 0;
    for (const ch of text) {
      if (n === MAX_SHOWN_CODE_POINTS) return `${text.slice(0, i)}…`;
      n++;
      i += ch.length;
    }
    return text;
  }

  /** A copy with loader context added (same class and code, so callers still switch on `code`). */
  withContext(context: { reference?: string; mountIndex?: number; prefix?: string }): ArtifactContractError {
    const copy = new ArtifactContractError(this.code, `${context.prefix ?? ''}${this.message}`, {
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.value === undefined ? {} : { value: this.value }),
      ...(this.source === undefined ? {} : { source: this.source }),
      ...(this.supported === undefined ? {} : { supported: this.supported }),
      ...(this.expected === undefined ? {} : { expected: this.expected }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.cause === undefined ? {} : { cause: this.cause }),
      ...((context.reference ?? this.reference) === undefined
        ? {}
        : { reference: (context.reference ?? this.reference) as string }),
      ...((context.mountIndex ?? this.mountIndex) === undefined
        ? {}
        : { mountIndex: (context.mountIndex ?? this.mountIndex) as number }),
    });
    return copy;
  }
}

/** True for an `ArtifactContractError`, also across duplicated copies of the package. */
export function isArtifactContractError(value: unknown): value is ArtifactContractError {
  if (value instanceof ArtifactContractError) return true;
  return (
    value instanceof Error &&
    value.name === 'ArtifactContractError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (ARTIFACT_ERROR_CODES as readonly string[]).includes((value as unknown as { code: string }).code)
  );
}
