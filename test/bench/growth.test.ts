// The growth verdict: the median of alternating rounds' p50 ratios, so one round that the shared
// machine slowed down for one data set does not decide it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Row } from '../../bench/report.js';
import { growthMarkdown, growthRatio, sizeLabel } from '../../bench/report-sections.js';

function row(p50: number | undefined): Row {
  return {
    scenario: 'POST /appointments',
    rps: 1000,
    p50,
    p95: undefined,
    p99: undefined,
    errors: 0,
    non2xx: 0,
    ratio: undefined,
    target: '—',
    verdict: 'n/a',
    problems: [],
    notes: [],
  };
}

test('growth is the median of the rounds’ ratios; a round without both sizes does not count', () => {
  const growth = {
    scenario: 'POST /appointments',
    rounds: [
      { small: row(50), large: row(55) }, // 1.10
      { small: row(30), large: row(90) }, // 3.00: the machine slowed down during this 1 M run
      { small: row(40), large: row(42) }, // 1.05
      { small: row(40), large: row(undefined) },
    ],
  };
  assert.equal(growthRatio(growth), 1.1);
  assert.equal(growthRatio({ ...growth, rounds: growth.rounds.slice(0, 2) }), 2.05);
  assert.equal(growthRatio({ ...growth, rounds: [] }), undefined);
  const table = growthMarkdown([growth], sizeLabel(10_000), sizeLabel(1_000_000));
  assert.match(table, /\| p50 10 k \| p50 1 M \|/);
  assert.match(table, /\| \*\*POST \/appointments\*\* \| median \| \| \| \*\*1\.10\*\* \|.*\| pass \|/);
});

test('size labels', () => {
  assert.equal(sizeLabel(10_000), '10 k');
  assert.equal(sizeLabel(1_000_000), '1 M');
  assert.equal(sizeLabel(2_500_000), '2.5 M');
  assert.equal(sizeLabel(50_000), '50 k');
  assert.equal(sizeLabel(999), '999');
});
