// Writes keel.config.schema.json from the zod schema (`pnpm --filter @keel/reference schema`).
// src/config-json-schema.test.ts fails when the committed file and the schema drift apart.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/config-json-schema.ts';

const file = fileURLToPath(new URL('../keel.config.schema.json', import.meta.url));
await writeFile(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
// The repo's formatter owns JSON layout; the test compares parsed JSON, so layout never matters.
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', file], { stdio: 'inherit' });
console.log(`wrote ${file}`);
