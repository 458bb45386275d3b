import { CsvBarError } from './errors.js';

/** Delimiters a CSV may use: comma, tab (MT5 exports), semicolon (European spreadsheets). */
export type CsvDelimiter = ',' | '\t' | ';';

/** The delimiter of a file, from its first line: the most frequent of `,`, tab and `;` outside quotes. */
export function detectDelimiter(line: string): CsvDelimiter {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';')) counts[ch]++;
  }
  if (counts['\t'] > counts[','] && counts['\t'] >= counts[';']) return '\t';
  if (counts[';'] > counts[',']) return ';';
  return ',';
}

/** Splits one CSV line; supports quoted cells with `""` escapes. */
export function splitCsvLine(line: string, lineNo = 0, delimiter: CsvDelimiter = ','): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
    i++;
  }
  if (quoted) throw new CsvBarError(lineNo, `cell ${cells.length + 1}`, 'unterminated quoted cell');
  cells.push(cell);
  return cells;
}
