import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countCsvRows } from './bar-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'keel-count-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('countCsvRows', () => {
  it('property: the header and trailing blank lines are not rows, whatever the line endings', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(50),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.nat(3),
        async (rows, eol, finalEol, blanks) => {
          const lines = [
            'date,open,high,low,close',
            ...Array.from({ length: rows }, (_, i) => `${i},1,1,1,1`),
          ];
          const text = lines.join(eol) + (finalEol ? eol : '') + eol.repeat(finalEol ? blanks : 0);
          const file = path.join(dir, `f${n++}.csv`);
          await writeFile(file, text);
          expect(await countCsvRows(file)).toBe(rows);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a missing file is DATA_NOT_FOUND with a hint', async () => {
    await expect(countCsvRows(path.join(dir, 'none.csv'))).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      hint: expect.stringContaining('--data'),
    });
    await expect(countCsvRows(dir)).rejects.toMatchObject({ code: 'DATA_NOT_FOUND' });
  });
});
