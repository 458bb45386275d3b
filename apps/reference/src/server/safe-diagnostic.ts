import { isKeelError } from '@keel/contract';
import { ArtifactPathError } from '../artifact-roots.js';

/** What a diagnostic endpoint may show of a failure: the code, the field, a reason of our own. */
export interface SafeDiagnostic {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** Reasons per artifact-contract code, written here so no loader message (which quotes values) is shown. */
const REASONS: Readonly<Record<string, string>> = {
  BAD_JSON: 'is not valid JSON',
  MOUNT_SHAPE: 'does not have the shape of a mount config',
  MOUNT_ITEM_NOT_OBJECT: 'is not an object',
  MOUNT_SETS_MODE: 'sets a mode, which a mount may not',
  REQUIRED_FIELD: 'is missing',
  DUPLICATE_MOUNT: 'is mounted twice',
  UNSUPPORTED_MODE: 'has an unsupported mode',
  UNSUPPORTED_STRATEGY: 'names an unsupported strategy',
  UNSUPPORTED_SCHEMA_VERSION: 'has an unsupported schema version',
  UNSUPPORTED_NOTIFICATION_TARGET: 'names an unsupported notification target',
  BAD_TARGET_TYPE: 'has the wrong type',
  TARGET_MISMATCH: 'does not match the mount',
  STRATEGY_MISMATCH: 'does not match the mount’s strategy',
  NOTIFICATION_TARGET_MISMATCH: 'does not match the mount’s notification target',
  PLUGIN_MISMATCH: 'does not match the mount’s plugin',
  MODE_MISMATCH: 'does not match the expected mode',
  SCHEMA_VERSION_MISMATCH: 'does not match the expected schema version',
  BAD_EXECUTION_CONTROLS: 'has invalid execution controls',
  NOT_AN_OBJECT: 'is not a JSON object',
  NOT_FOUND: 'was not found',
  BAD_REFERENCE: 'is not a usable reference',
  GCS_CLIENT_MISSING: 'needs a GCS client',
  TOO_LARGE: 'is too large',
  TIMEOUT: 'timed out',
  READ_FAILED: 'cannot be read',
  DEFINITION_INVALID: 'is not a valid definition',
  DUPLICATE_DEFINITION: 'is defined twice',
};

/**
 * The failure as `/api/signals` shows it. Only the app's own path errors keep their message (it
 * names the mount, never the path); everything else is the code, the field and a fixed reason, so
 * neither configuration text (a mount config with a credentialed URL) nor file bytes are echoed.
 */
export function safeDiagnostic(error: unknown, fallback: string): SafeDiagnostic {
  if (error instanceof ArtifactPathError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
    };
  }
  if (!isKeelError(error)) return { code: fallback, message: 'the signals could not be loaded' };
  const field =
    error.field !== undefined && /^[A-Za-z0-9_.[\]-]{1,100}$/.test(error.field) ? error.field : undefined;
  const reason = REASONS[error.code] ?? 'failed';
  return {
    code: error.code,
    message: `${field ?? 'artifacts'}: ${reason}`,
    ...(field === undefined ? {} : { field }),
  };
}
