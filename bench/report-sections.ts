// Markdown for the report's secondary sections: growth, query plans, workers 1 vs 2.
import type { ExplainResult } from './explain.js';
import type { Row } from './report.js';

/** One scenario measured on both data sets, within about a minute of each other. */
export interface GrowthRound {
  small: Row;
  large: Row;
}

export interface Growth {
  scenario: string;
  rounds: GrowthRound[];
}

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(2));
const times = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || Number.isNaN(a / b) ? '—' : (a / b).toFixed(2);
const p50Ratio = (r: GrowthRound) =>
  r.large.p50 !== undefined && r.small.p50 !== undefined && r.small.p50 > 0
    ? r.large.p50 / r.small.p50
    : undefined;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Latency growth is judged on p50 (p99 at 64 connections mostly measures queueing): the median of the
 * rounds' ratios, undefined when no round measured both sizes.
 */
export function growthRatio(growth: Growth): number | undefined {
  return median(growth.rounds.map(p50Ratio).filter((r): r is number => r !== undefined));
}

/** "10 k", "1 M": a data set's appointments, as the growth table heads its columns. */
export function sizeLabel(appointments: number): string {
  if (appointments >= 1_000_000) return `${+(appointments / 1_000_000).toFixed(1)} M`;
  if (appointments >= 1000) return `${+(appointments / 1000).toFixed(1)} k`;
  return String(appointments);
}

export function growthMarkdown(growth: readonly Growth[], small: string, large: string): string {
  const lines = [
    `| scenario | round | p50 ${small} | p50 ${large} | p50 × | p99 ${small} | p99 ${large} | req/s ${small} | req/s ${large} | result |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const g of growth) {
    g.rounds.forEach((r, i) => {
      lines.push(
        `| ${g.scenario} | ${i + 1} | ${ms(r.small.p50)} | ${ms(r.large.p50)} | ${ms(p50Ratio(r))} | ${ms(r.small.p99)} | ${ms(r.large.p99)} | ${r.small.rps?.toFixed(0) ?? '—'} | ${r.large.rps?.toFixed(0) ?? '—'} | |`,
      );
    });
    const ratio = growthRatio(g);
    const verdict = ratio === undefined ? 'not available' : ratio <= 1.2 ? 'pass' : 'fail';
    lines.push(`| **${g.scenario}** | median | | | **${ms(ratio)}** | | | | | ${verdict} |`);
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
  // The comparison pass covers the fast scenarios and booking; the main pass, everything.
  for (const row of one) {
    const other = two.find((r) => r.scenario === row.scenario);
    if (!other) continue;
    lines.push(
      `| ${row.scenario} | ${row.rps?.toFixed(0) ?? '—'} | ${other.rps?.toFixed(0) ?? '—'} | ${times(other.rps, row.rps)} | ${ms(row.p99)} | ${ms(other.p99)} |`,
    );
  }
  return lines.join('\n');
}
