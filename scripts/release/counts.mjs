// Counts the rehearsal reports, parsed from the tools' own output (never assumed).

/** `name@version` lines changesets prints after "packages published successfully". */
export function publishedByChangesets(output) {
  const start = output.indexOf('packages published successfully');
  if (start === -1) return [];
  const names = [];
  for (const line of output.slice(start).split('\n').slice(1)) {
    const m = /^\s*(?:🦋\s+)?((?:@[\w.-]+\/)?[\w.-]+)@(\d+\.\d+\.\d+\S*)\s*$/u.exec(line);
    if (m === null) {
      if (names.length > 0) break;
      continue;
    }
    names.push({ name: m[1], version: m[2] });
  }
  return names;
}

/** Passed and failed test counts from vitest's summary line (`Tests  4 passed (4)`). */
export function vitestCounts(output) {
  const line = output.split('\n').find((l) => /^\s*Tests\s+/.test(l));
  if (line === undefined) return undefined;
  const passed = /(\d+) passed/.exec(line);
  const failed = /(\d+) failed/.exec(line);
  return { passed: passed ? Number(passed[1]) : 0, failed: failed ? Number(failed[1]) : 0 };
}

/** The consumer script's JSON result line (`{"replayed":…}`). */
export function consumerResult(output) {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"replayed"'));
  return line === undefined ? undefined : JSON.parse(line);
}
