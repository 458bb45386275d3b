/** The checks `checkPluginContract` runs, by name. A problem names the check that found it. */
export type ContractCheck =
  /** `parsePluginManifest` accepts the plugin (a factory's instance). */
  | 'manifest'
  /** `parsePluginConfig` accepts the given config. */
  | 'config'
  /** The host loads it: no import, manifest, config or `setup` load error. */
  | 'load'
  /** The first reading that is not `WARMUP` is on bar `warmup - 1`, no later. */
  | 'warmup'
  /** Every reading is valid: no `ERROR`, `TIMEOUT` or `QUARANTINED` reading. */
  | 'readings'
  /** Every scheduled-job run succeeds. */
  | 'jobs'
  /** Every console-panel stat evaluates to JSON. */
  | 'panel'
  /** Two fresh hosts over the same bars give the same readings and job results. */
  | 'determinism'
  /** After `host.reset()` a replay gives what a fresh host gives. */
  | 'reset'
  /** Readings over a prefix of the bars equal the first readings of the full run. */
  | 'look-ahead'
  /** A factory returns a new instance per call, and two instances running side by side do not interfere. */
  | 'factory';

export interface ContractProblem {
  readonly check: ContractCheck;
  /** One line naming the data set, the bar and the values involved. */
  readonly message: string;
}

export interface ContractReport {
  /** True when no check found a problem. */
  readonly ok: boolean;
  /** The plugin id, when the manifest got that far. */
  readonly plugin: string | undefined;
  readonly problems: readonly ContractProblem[];
  /** The checks that ran (some need a valid manifest, an `onBar` or a factory). */
  readonly checked: readonly ContractCheck[];
}
