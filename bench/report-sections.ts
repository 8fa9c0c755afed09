// Markdown for the report's secondary sections: growth, query plans, workers 1 vs 2.
import type { ExplainResult } from './explain.js';
import type { Row } from './report.js';

export interface Growth {
  scenario: string;
  small: Row;
  large: Row | undefined;
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(2));
const times = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || Number.isNaN(a / b) ? '—' : (a / b).toFixed(2);

/** Latency growth is judged on p50 (p99 at 64 connections mostly measures queueing); p99 is shown too. */
export function growthMarkdown(growth: readonly Growth[]): string {
  const lines = [
    '| scenario | p50 10 k | p50 1 M | p50 × | p99 10 k | p99 1 M | p99 × | req/s 10 k | req/s 1 M | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { scenario, small, large } of growth) {
    const ratio = large?.p50 !== undefined && small.p50 !== undefined ? large.p50 / small.p50 : undefined;
    const verdict = ratio === undefined ? 'not available' : ratio <= 1.2 ? 'pass' : 'fail';
    lines.push(
      `| ${scenario} | ${ms(small.p50)} | ${ms(large?.p50)} | ${times(large?.p50, small.p50)} | ${ms(small.p99)} | ${ms(large?.p99)} | ${times(large?.p99, small.p99)} | ${small.rps?.toFixed(0) ?? '—'} | ${large?.rps?.toFixed(0) ?? '—'} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

export function explainMarkdown(plans: readonly ExplainResult[]): string {
  if (plans.length === 0) return 'No named statements found in src/modules/**/*.sql.ts.';
  const lines = [
    '| statement | file | how | ms | indexes | seq scans | result |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of plans) {
    const verdict = p.largeSeqScans.length
      ? `FAIL: seq scan of ${p.largeSeqScans.join(', ')}`
      : p.error
        ? `not explained: ${p.error.replace(/\|/g, '/')}`
        : 'pass';
    lines.push(
      `| ${p.name} | ${p.file} | ${p.method} | ${ms(p.ms)} | ${p.indexes.join('<br>') || '—'} | ${p.seqScans.join(', ') || '—'} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

export function workersMarkdown(
  one: readonly Row[],
  two: readonly Row[],
  ceilingOne: number,
  ceilingTwo: number,
): string {
  const lines = [
    `Ceiling: ${ceilingOne.toFixed(0)} req/s with 1 process, ${ceilingTwo.toFixed(0)} with 2.`,
    '',
    '| scenario | req/s W=1 | req/s W=2 | W=2 / W=1 | p99 W=1 | p99 W=2 |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of one) {
    const other = two.find((r) => r.scenario === row.scenario);
    lines.push(
      `| ${row.scenario} | ${row.rps?.toFixed(0) ?? '—'} | ${other?.rps?.toFixed(0) ?? '—'} | ${times(other?.rps, row.rps)} | ${ms(row.p99)} | ${ms(other?.p99)} |`,
    );
  }
  return lines.join('\n');
}
