import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_VERSIONS } from './versions.js';

const json = async (file: string) =>
  JSON.parse(await readFile(new URL(file, import.meta.url), 'utf8')) as {
    version: string;
    devDependencies: Record<string, string>;
  };
const caret = (range: string) => `^${range.replace(/^[~^]/, '')}`;

describe('TEMPLATE_VERSIONS', () => {
  it('are ^ ranges of the versions in this repository', async () => {
    const root = await json('../../../package.json');
    expect(TEMPLATE_VERSIONS).toEqual({
      '@keel/contract': caret((await json('../../contract/package.json')).version),
      '@keel/host': caret((await json('../../host/package.json')).version),
      '@keel/testing': caret((await json('../../testing/package.json')).version),
      typescript: caret(root.devDependencies.typescript!),
      vitest: caret(root.devDependencies.vitest!),
      zod: caret((await json('../../testing/package.json')).devDependencies.zod!),
    });
  });
});
