// Keyset pages of lists sorted by (name, id) — barbers, services, clients: the cursor is the last
// row's (name, id), opaque to clients.
import { ValidationFailed } from './errors.js';

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface After {
  readonly name: string;
  readonly id: string;
}

export function encodeCursor(after: After): string {
  return Buffer.from(JSON.stringify([after.name, after.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): After | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof name === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { name, id };
  } catch {
    // answered below
  }
  throw ValidationFailed('the cursor is not one this API returned', {
    errors: [{ field: '/querystring/cursor', message: 'is not a valid cursor' }],
  });
}

/** Rows fetched with limit + 1 → the page and the cursor of the next one (null on the last page). */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => After) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
