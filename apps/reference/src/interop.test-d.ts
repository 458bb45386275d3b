import type { AlertMessage as ArtifactAlert } from '@keel/artifacts';
import type { AlertMessage as NotifyAlert } from '@keel/notify';
import { describe, expectTypeOf, it } from 'vitest';

describe('package interop', () => {
  it('alert messages built by @keel/artifacts are accepted by @keel/notify', () => {
    expectTypeOf<ArtifactAlert>().toExtend<NotifyAlert>();
    expectTypeOf<ArtifactAlert[]>().toExtend<readonly NotifyAlert[]>();
  });
});
