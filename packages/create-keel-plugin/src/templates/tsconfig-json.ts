import type { TemplateContext } from './template-context.js';

/** `tsconfig.json`: type-checks sources and tests (no output); the strict flags Keel itself uses. */
export function tsconfigJsonTemplate(_ctx: TemplateContext): string {
  const config = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: [],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      declaration: true,
      sourceMap: true,
      rootDir: 'src',
      outDir: 'dist',
      noEmit: true,
    },
    include: ['src'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `tsconfig.build.json`: emits `dist/` without the tests. */
export function tsconfigBuildJsonTemplate(_ctx: TemplateContext): string {
  const config = {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: false },
    exclude: ['src/**/*.test.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
