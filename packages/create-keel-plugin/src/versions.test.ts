import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { keelTemplateVersions, TEMPLATE_VERSIONS } from './versions.js';

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

describe('keelTemplateVersions', () => {
  const linked = (name: string) =>
    ({ '@keel/contract': '1.2.0', '@keel/host': '1.0.3', '@keel/testing': '0.1.4' })[name]!;

  it('keeps the ranges a published manifest carries (publishing rewrote workspace:^)', () => {
    const published = {
      '@keel/contract': '^1.1.0',
      '@keel/host': '^1.0.1',
      '@keel/testing': '^0.1.1',
      zod: '^4.1.0',
    };
    expect(keelTemplateVersions(published, linked)).toEqual({
      '@keel/contract': '^1.1.0',
      '@keel/host': '^1.0.1',
      '@keel/testing': '^0.1.1',
    });
  });

  it('reads workspace: ranges as the linked version, the way publishing writes them', () => {
    const workspace = {
      '@keel/contract': 'workspace:^',
      '@keel/host': 'workspace:~',
      '@keel/testing': 'workspace:*',
    };
    expect(keelTemplateVersions(workspace, linked)).toEqual({
      '@keel/contract': '^1.2.0',
      '@keel/host': '~1.0.3',
      '@keel/testing': '0.1.4',
    });
    expect(
      keelTemplateVersions({ ...workspace, '@keel/host': 'workspace:^1.0.0' }, linked)['@keel/host'],
    ).toBe('^1.0.0');
  });

  it('names a missing package', () => {
    expect(() => keelTemplateVersions({ '@keel/contract': '^1.0.0' }, linked)).toThrow(
      "create-keel-plugin's package.json lacks devDependency @keel/host",
    );
  });
});
