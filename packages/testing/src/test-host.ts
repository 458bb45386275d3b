import { createHost, createLogger, createManualClock, type Host, type HostOptions } from '@keel/host';

/** Where the test host's live clock starts: 2024-01-02T14:30Z, the first generated bar. */
export const TEST_CLOCK_START = Date.UTC(2024, 0, 2, 14, 30);

/**
 * A host for tests: an in-memory cache (no `.keel/cache.sqlite` left behind), a silent logger and
 * a manual live clock, so nothing depends on the machine's time or disk. Any option overrides these.
 */
export function createTestHost(options: HostOptions = {}): Host {
  const { services, ...rest } = options;
  return createHost({
    cache: { memory: true },
    clock: createManualClock(TEST_CLOCK_START),
    ...rest,
    services: { logger: createLogger({ level: 'silent' }), ...services },
  });
}
