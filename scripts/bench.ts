// `npm run bench`: every benchmark module in scripts/bench/ (each exports `bench`), figures as a table.
// Speed and memory are measured here, never by timed assertions in tests.
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Bench, BenchFigure } from './bench/types.ts';

const dir = new URL('./bench/', import.meta.url);
const only = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'types.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows: (BenchFigure & { module: string })[] = [];
for (const file of modules) {
  process.stderr.write(`bench: ${file} …\n`);
  const { bench } = (await import(new URL(file, dir).href)) as { bench: Bench };
  for (const figure of await bench()) rows.push({ ...figure, module: file.replace(/\.ts$/, '') });
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpus().length} cores, ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
const table = rows.map((r) => [r.name, formatValue(r.value), r.unit, r.detail ?? '']);
const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i]!.length), ['figure', 'value', 'unit', 'detail'][i]!.length));
const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
console.log(line(['figure', 'value', 'unit', 'detail']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));

function formatValue(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}
