/** The validated, frozen in-memory form of one artifact (spec §10). */
export interface StrategySignal {
  readonly strategy: string;
  readonly targetType: 'strategy' | 'notification_target';
  readonly notificationTarget: string;
  readonly plugin: string;
  readonly mode: 'shadow';
  readonly configuredMode: 'shadow';
  readonly effectiveMode: 'shadow';
  readonly schemaVersion: string;
  readonly deprecatedPlugin: boolean;
  readonly successorPlugin: string | null;
  readonly supportedSchemaVersions: readonly string[];
  readonly asOf: string;
  readonly canonicalRoute: string | null;
  readonly suggestedAction: string | null;
  readonly wouldTradeIfEnabled: boolean;
  readonly executionControls: Readonly<Record<string, unknown>>;
  readonly sourceUri: string | null;
  readonly localPath: string | null;
  /** Shallow copy of the whole artifact object. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What builders accept: a signal or any object with some of its fields (e.g. rebuilt from a report). */
export type SignalLike = {
  readonly [K in
    | 'strategy'
    | 'targetType'
    | 'notificationTarget'
    | 'plugin'
    | 'effectiveMode'
    | 'asOf'
    | 'canonicalRoute'
    | 'suggestedAction'
    | 'wouldTradeIfEnabled'
    | 'executionControls'
    | 'payload']?: unknown;
};
