import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
// Importing the app loads every module, and with them every error they declare.
import '../../src/app.js';
import { errorCatalogue } from '../../src/platform/http/errors.js';
import { projectRoot } from '../../src/platform/paths.js';

const documented = new Map(
  [
    ...readFileSync(path.join(projectRoot, 'docs', 'errors.md'), 'utf8').matchAll(
      /^\| `([a-z0-9-]+)` \| (\d{3}) \| (.+) \|$/gm,
    ),
  ].map((m) => [m[1]!, { status: Number(m[2]), title: m[3]! }]),
);

test('every declared error code is in docs/errors.md with its status and title', () => {
  for (const spec of errorCatalogue.values()) {
    assert.deepEqual(
      documented.get(spec.code),
      { status: spec.status, title: spec.title },
      `docs/errors.md: ${spec.code}`,
    );
  }
});

test('docs/errors.md lists no code that the code does not declare', () => {
  const undeclared = [...documented.keys()].filter((code) => !errorCatalogue.has(code));
  assert.deepEqual(undeclared, []);
});
