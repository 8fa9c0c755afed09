// The bench's results: rows judged against their targets, printed as a table and written as JSON and
// Markdown under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/platform/paths.js';
import type { LoadResult } from './load.js';
import type { Target } from './scenarios.js';

export type Verdict = 'pass' | 'fail' | 'n/a' | 'not available';

export interface Row {
  scenario: string;
  rps: number | undefined;
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  /** Transport errors plus answers outside the scenario's expected statuses. */
  errors: number;
  /** Answers that were not 2xx (expected 409s of the booking race included). */
  non2xx: number;
  ratio: number | undefined;
  target: string;
  /** Throughput/latency verdict; correctness failures are in `problems`. */
  verdict: Verdict;
  problems: string[];
  notes: string[];
  statuses?: Record<string, number>;
}

export function describeTarget(target: Target): string {
  const parts: string[] = [];
  if (target.ratio !== undefined) parts.push(`≥ ${target.ratio} × ceiling`);
  if (target.rps !== undefined) parts.push(`≥ ${target.rps}/s`);
  if (target.p99 !== undefined) parts.push(`p99 < ${target.p99} ms`);
  return parts.join(', ') || '—';
}

export function judge(
  scenario: string,
  result: LoadResult,
  target: Target,
  expected: readonly number[],
  ceilingRps: number,
  rateForTarget = result.rps,
): Row {
  let unexpected = 0;
  let non2xx = 0;
  for (const [status, count] of Object.entries(result.statuses)) {
    if (!expected.includes(Number(status))) unexpected += count;
    if (!status.startsWith('2')) non2xx += count;
  }
  const ratio = result.rps / ceilingRps;
  let pass = true;
  if (target.ratio !== undefined && ratio < target.ratio) pass = false;
  if (target.rps !== undefined && rateForTarget < target.rps) pass = false;
  if (target.p99 !== undefined && !(result.p99 < target.p99)) pass = false;
  const errors = unexpected + result.transportErrors;
  const hasTarget = Object.keys(target).length > 0;
  return {
    scenario,
    rps: result.rps,
    p50: result.p50,
    p95: result.p95,
    p99: result.p99,
    errors,
    non2xx,
    ratio,
    target: describeTarget(target),
    verdict: hasTarget ? (pass ? 'pass' : 'fail') : 'n/a',
    problems: errors > 0 ? [`${errors} errors (statuses ${JSON.stringify(result.statuses)})`] : [],
    notes: [],
    statuses: result.statuses,
  };
}

export function unavailableRow(scenario: string, target: Target, why: string): Row {
  return {
    scenario,
    rps: undefined,
    p50: undefined,
    p95: undefined,
    p99: undefined,
    errors: 0,
    non2xx: 0,
    ratio: undefined,
    target: describeTarget(target),
    verdict: 'not available',
    problems: [],
    notes: [why],
  };
}

const num = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

const COLUMNS = [
  'scenario',
  'req/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'errors',
  'non-2xx',
  '× ceiling',
  'target',
  'result',
];

function cells(row: Row): string[] {
  const verdict = row.problems.length > 0 ? 'FAIL (correctness)' : row.verdict;
  return [
    row.scenario,
    num(row.rps, 0),
    num(row.p50, 2),
    num(row.p95, 2),
    num(row.p99, 2),
    String(row.errors),
    String(row.non2xx),
    num(row.ratio, 2),
    row.target,
    verdict,
  ];
}

export function textTable(rows: readonly Row[]): string {
  const table = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...rows.map((r) => line(cells(r)))].join('\n');
}

export interface Report {
  name: string;
  startedAt: string;
  command: string;
  machine: Record<string, unknown>;
  sections: { title: string; markdown: string }[];
  data: Record<string, unknown>;
  failures: string[];
  warnings: string[];
}

export function writeReport(report: Report): { json: string; markdown: string } {
  const dir = path.join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${report.name}.json`);
  const markdown = path.join(dir, `${report.name}.md`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    `# Bench: ${report.name}`,
    '',
    `Run \`${report.command}\` at ${report.startedAt} on ${String(report.machine['cpus'])} × ${String(report.machine['cpu'])}, node ${String(report.machine['node'])}, service ${String(report.machine['revision'] ?? '?')}; load average at start ${JSON.stringify(report.machine['loadAverage'] ?? [])} (a shared machine: other engineers' tests run alongside).`,
    '',
    ...report.sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
    '## Verdict',
    '',
    report.failures.length === 0 ? 'No failures.' : report.failures.map((f) => `- FAIL: ${f}`).join('\n'),
    ...(report.warnings.length ? ['', ...report.warnings.map((w) => `- warning: ${w}`)] : []),
    '',
  ].join('\n');
  writeFileSync(markdown, md);
  return { json, markdown };
}
