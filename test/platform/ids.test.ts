// Hot-path row ids are time-ordered, so new rows land at the right edge of the indexes that hold them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRowId } from '../../src/platform/db/ids.js';

test('row ids are version-7 UUIDs, each sorting after the one made before it', () => {
  const ids = Array.from({ length: 1000 }, () => newRowId());
  for (const id of ids)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});
