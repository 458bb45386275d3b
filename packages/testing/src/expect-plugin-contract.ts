import { type CheckPluginContractOptions, checkPluginContract } from './check-plugin-contract.js';
import type { ContractProblem, ContractReport } from './contract-report.js';
import { TestingError } from './errors.js';
import type { PluginInput } from './plugin-input.js';

/**
 * Thrown by {@link expectPluginContract}. Shaped like an assertion error (`actual`, `expected`,
 * `operator`) so vitest, jest and node:test show the problems as a diff against none, without
 * `@keel/testing` depending on any of them.
 */
export class PluginContractError extends TestingError {
  readonly problems: readonly ContractProblem[];
  readonly report: ContractReport;
  readonly actual: readonly ContractProblem[];
  readonly expected: readonly ContractProblem[] = [];
  readonly operator = 'expectPluginContract';
  readonly showDiff = true;

  constructor(report: ContractReport) {
    const n = report.problems.length;
    // Several lines on purpose: a test failure should list every problem, not the first.
    const lines = report.problems.map((p) => `  - [${p.check}] ${p.message}`);
    super(
      'TESTING_CONTRACT_VIOLATED',
      `plugin ${JSON.stringify(report.plugin ?? '(unknown)')} breaks the Keel plugin contract (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { field: 'plugin', value: report.plugin, hint: 'see PLUGIN_CONTRACT.md for each check' },
    );
    this.report = report;
    this.problems = report.problems;
    this.actual = report.problems;
  }
}

/**
 * Asserts that a plugin honours the contract: resolves with the report when it does, and rejects
 * with a {@link PluginContractError} listing every problem when it does not.
 *
 * ```ts
 * it('honours the contract', () => expectPluginContract(myPlugin));
 * ```
 */
export async function expectPluginContract(
  plugin: PluginInput,
  options: CheckPluginContractOptions = {},
): Promise<ContractReport> {
  const report = await checkPluginContract(plugin, options);
  if (!report.ok) throw new PluginContractError(report);
  return report;
}
