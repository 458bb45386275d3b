import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateKeelPluginError } from './errors.js';
import { parsePluginName } from './plugin-name.js';
import { gitignoreTemplate } from './templates/gitignore.js';
import { packageJsonTemplate } from './templates/package-json.js';
import { pluginSourceTemplate } from './templates/plugin-source.js';
import { pluginTestTemplate } from './templates/plugin-test.js';
import { readmeTemplate } from './templates/readme.js';
import { PLUGIN_KINDS, type PluginKind, type TemplateContext } from './templates/template-context.js';
import { tsconfigBuildJsonTemplate, tsconfigJsonTemplate } from './templates/tsconfig-json.js';
import { TEMPLATE_VERSIONS } from './versions.js';

export interface ScaffoldOptions {
  /** npm package name, scoped or not; the plugin id is derived from it. */
  readonly name: string;
  /** Default `sensor`. */
  readonly kind?: PluginKind;
  /** Target directory (created if missing). */
  readonly dir: string;
  /** Write into a non-empty directory, replacing files of the same name. */
  readonly force?: boolean;
}

export interface ScaffoldResult {
  /** Absolute path of the new package. */
  readonly dir: string;
  readonly packageName: string;
  readonly id: string;
  readonly kind: PluginKind;
  /** Written files, relative to `dir`, in writing order. */
  readonly files: readonly string[];
}

const TEMPLATES: ReadonlyArray<readonly [file: string, render: (ctx: TemplateContext) => string]> = [
  ['package.json', packageJsonTemplate],
  ['tsconfig.json', tsconfigJsonTemplate],
  ['tsconfig.build.json', tsconfigBuildJsonTemplate],
  ['src/index.ts', pluginSourceTemplate],
  ['src/index.test.ts', pluginTestTemplate],
  ['README.md', readmeTemplate],
  ['.gitignore', gitignoreTemplate],
];

/** Writes a complete plugin package: manifest, sources, tests, tsconfig, README and .gitignore. */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const name = parsePluginName(options.name);
  const kind = options.kind ?? 'sensor';
  if (!PLUGIN_KINDS.includes(kind)) {
    throw new CreateKeelPluginError(
      'CREATE_INVALID_KIND',
      `kind ${JSON.stringify(kind)} is not one of ${PLUGIN_KINDS.join(', ')}`,
      {
        field: 'kind',
        value: kind,
      },
    );
  }
  const dir = path.resolve(options.dir);
  await ensureWritable(dir, options.force ?? false);
  const ctx: TemplateContext = { ...name, kind, versions: TEMPLATE_VERSIONS };
  // Render everything before writing anything, so a template error leaves no half-written package.
  const rendered = TEMPLATES.map(([file, render]) => [file, render(ctx)] as const);
  for (const [file, text] of rendered) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  return { dir, packageName: name.packageName, id: name.id, kind, files: rendered.map(([file]) => file) };
}

async function ensureWritable(dir: string, force: boolean): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return;
  if (!info.isDirectory()) {
    throw new CreateKeelPluginError('CREATE_TARGET_NOT_EMPTY', `${dir} exists and is not a directory`, {
      field: 'dir',
      value: dir,
    });
  }
  // A fresh `git init` is as good as empty.
  const entries = (await readdir(dir)).filter((entry) => entry !== '.git');
  if (entries.length > 0 && !force) {
    throw new CreateKeelPluginError(
      'CREATE_TARGET_NOT_EMPTY',
      `${dir} is not empty (${entries.length} entries)`,
      {
        field: 'dir',
        value: dir,
        hint: 'choose another --dir, or pass --force to write into it (files of the same name are replaced)',
      },
    );
  }
}
