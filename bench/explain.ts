// The EXPLAIN check: every named (prepared) statement in src/modules/**/*.sql.ts is planned on the large
// data set with EXPLAIN (ANALYZE, BUFFERS); the report names the indexes each uses, and a sequential
// scan of a large table fails the run. Statements are found in the source, so new queries are checked
// as soon as they land. Parameter values come from one real row, chosen by the column each $n is
// compared with; a statement whose parameters cannot all be guessed is planned generically (the plan
// PostgreSQL would cache for a prepared statement) without ANALYZE, and says so.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** Tables with more rows than this must never be read by a sequential scan on a hot path. */
const LARGE_TABLE_ROWS = 10_000;

export interface Statement {
  name: string;
  text: string;
  /** Where it was found: a source file, or "captured" from the service's traffic. */
  file: string;
  /** Real parameter values (text format) when captured; otherwise they are guessed. */
  values?: (string | null)[] | undefined;
}

export interface ExplainResult {
  name: string;
  file: string;
  method: 'analyze' | 'generic plan' | 'error';
  ms: number | undefined;
  indexes: string[];
  seqScans: string[];
  /** Sequential scans of tables with more than LARGE_TABLE_ROWS rows. */
  largeSeqScans: string[];
  error?: string;
}

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sqlFiles(full);
    return name.endsWith('.sql.ts') ? [full] : [];
  });
}

export function findStatements(root: string): Statement[] {
  const found: Statement[] = [];
  const pattern = /name:\s*'([^']+)',\s*text:\s*(`[^`]*`|'[^']*'|"[^"]*")/g;
  for (const file of sqlFiles(root)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(pattern)) {
      const text = match[2]!.slice(1, -1);
      // A statement assembled from interpolations cannot be prepared from the source text alone.
      if (text.includes('${')) continue;
      found.push({ name: match[1]!, text, file: path.relative(path.dirname(path.dirname(root)), file) });
    }
  }
  return found;
}

type Sample = Record<string, string>;

async function sampleRow(client: pg.Client): Promise<Sample> {
  const { rows } = await client.query<Sample>(
    `SELECT a.location_id, a.barber_id, a.service_id, a.client_id, a.id AS appointment_id,
            to_char(a.start_time, 'YYYY-MM-DD') AS date, a.start_time::text AS start_time,
            (a.start_time + interval '7 days')::text AS end_time,
            m.user_id, s.id AS session_id, u.email,
            p.id AS payment_id, p.stripe_payment_intent_id
     FROM appointments a
     JOIN memberships m ON m.location_id = a.location_id AND m.role = 'owner'
     JOIN users u ON u.id = m.user_id JOIN sessions s ON s.user_id = u.id
     LEFT JOIN payments p ON p.location_id = a.location_id AND p.appointment_id = a.id
     WHERE a.status <> 'cancelled' AND a.start_time > now()
     ORDER BY a.start_time LIMIT 1`,
  );
  return rows[0] ?? {};
}

const ID_OF_TABLE: Record<string, string> = {
  users: 'user_id',
  sessions: 'session_id',
  appointments: 'appointment_id',
  locations: 'location_id',
  barbers: 'barber_id',
  services: 'service_id',
  clients: 'client_id',
  payments: 'payment_id',
};

/** The sample value for $n, from the column it is compared with (`alias.column op $n`). */
function guessValue(text: string, n: number, type: string, sample: Sample): string | undefined {
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/\b(?:from|join|update|into)\s+([a-z_]+)(?:\s+(?:as\s+)?([a-z_]+))?/gi)) {
    aliases.set((m[2] ?? m[1]!).toLowerCase(), m[1]!.toLowerCase());
    aliases.set(m[1]!.toLowerCase(), m[1]!.toLowerCase());
  }
  const p = `\\$${n}(?!\\d)`;
  const before = new RegExp(
    `(?:([a-z_]+)\\.)?([a-z_]+)\\)?\\s*(=|<=|>=|<|>)\\s*(?:any\\()?(?:lower\\()?${p}`,
    'i',
  );
  const after = new RegExp(`${p}\\)?\\s*(=|<=|>=|<|>)\\s*(?:([a-z_]+)\\.)?([a-z_]+)`, 'i');
  let column: string | undefined;
  let table: string | undefined;
  let op: string | undefined;
  const b = before.exec(text);
  if (b) [column, table, op] = [b[2]!.toLowerCase(), aliases.get((b[1] ?? '').toLowerCase()), b[3]];
  else {
    const a = after.exec(text);
    if (a) [column, table, op] = [a[3]!.toLowerCase(), aliases.get((a[2] ?? '').toLowerCase()), a[1]];
  }
  if (column === 'id') column = table ? ID_OF_TABLE[table] : undefined;
  if (column && column in sample && !['start_time', 'end_time'].includes(column)) return sample[column];
  if (type.startsWith('timestamp'))
    return op === '<' || op === '<=' ? sample['end_time'] : sample['start_time'];
  if (type === 'date') return sample['date'];
  if (['integer', 'bigint', 'smallint'].includes(type)) return '50';
  if (type === 'text' && column === 'email') return sample['email'];
  return undefined;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

async function explainOne(
  client: pg.Client,
  statement: Statement,
  sample: Sample,
  sizes: Map<string, number>,
) {
  const result: ExplainResult = {
    name: statement.name,
    file: statement.file,
    method: 'analyze',
    ms: undefined,
    indexes: [],
    seqScans: [],
    largeSeqScans: [],
  };
  // Writes are explained inside a transaction that is always rolled back.
  await client.query('BEGIN');
  try {
    await client.query(`PREPARE bench_stmt AS ${statement.text}`);
    const types = await client.query<{ t: string[] }>(
      "SELECT parameter_types::text[] AS t FROM pg_prepared_statements WHERE name = 'bench_stmt'",
    );
    const paramTypes = types.rows[0]?.t ?? [];
    const values = statement.values
      ? statement.values.map((v) => v ?? undefined)
      : paramTypes.map((type, i) => guessValue(statement.text, i + 1, type, sample));
    const complete = statement.values !== undefined || values.every((v) => v !== undefined);
    const literal = (v: string | null | undefined, type: string) =>
      v === undefined || v === null ? `NULL::${type}` : `${pg.Client.prototype.escapeLiteral(v)}::${type}`;
    const args = paramTypes.length ? `(${values.map((v, i) => literal(v, paramTypes[i]!)).join(', ')})` : '';
    let plan: { Plan: PlanNode; 'Execution Time'?: number };
    if (complete) {
      await client.query('SAVEPOINT explain_analyze');
      try {
        const { rows } = await client.query(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE bench_stmt${args}`,
        );
        plan = (rows[0]['QUERY PLAN'] as (typeof plan)[])[0]!;
      } catch {
        // A guessed value broke a constraint (say a duplicate insert): fall back to the generic plan.
        await client.query('ROLLBACK TO SAVEPOINT explain_analyze');
        result.method = 'generic plan';
        plan = await genericPlan(client, paramTypes);
      }
    } else {
      result.method = 'generic plan';
      plan = await genericPlan(client, paramTypes);
    }
    result.ms = plan['Execution Time'];
    walk(plan.Plan, (node) => {
      if (node['Index Name']) result.indexes.push(`${node['Index Name']} (${node['Node Type']})`);
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
        const table = node['Relation Name'];
        result.seqScans.push(table);
        if ((sizes.get(table) ?? 0) > LARGE_TABLE_ROWS) result.largeSeqScans.push(table);
      }
    });
  } catch (error) {
    result.method = 'error';
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await client.query('ROLLBACK');
    // PREPARE is not transactional: the name must be freed explicitly.
    await client.query('DEALLOCATE ALL');
  }
  return result;
}

async function genericPlan(client: pg.Client, types: string[]) {
  await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
  const args = types.length ? `(${types.map((t) => `NULL::${t}`).join(', ')})` : '';
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE bench_stmt${args}`);
  return (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!;
}

const DATA_STATEMENT = /^\s*(select|with|insert|update|delete)\b/i;

/**
 * The statements to check: every one the service sent during the capture (real values), plus the named
 * statements of the source that the bench did not exercise (guessed values).
 */
export function statementsToExplain(
  captured: readonly { name: string; text: string; values: (string | null)[] | undefined }[],
  root: string,
): Statement[] {
  const seen = captured
    .filter((c) => DATA_STATEMENT.test(c.text))
    .map((c) => ({
      name: c.name || `(unnamed) ${c.text.replace(/\s+/g, ' ').trim().slice(0, 50)}…`,
      text: c.text,
      file: 'captured',
      values: c.values,
    }));
  const names = new Set(seen.map((s) => s.name));
  return [...seen, ...findStatements(path.join(root, 'src', 'modules')).filter((s) => !names.has(s.name))];
}

export async function explainHotQueries(
  url: string,
  statements: readonly Statement[],
): Promise<ExplainResult[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'bookedbarber-bench-explain' });
  await client.connect();
  try {
    const sample = await sampleRow(client);
    const sizes = new Map(
      (
        await client.query<{ relname: string; n: number }>(
          "SELECT relname, reltuples::bigint AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
        )
      ).rows.map((r) => [r.relname, Number(r.n)]),
    );
    const results: ExplainResult[] = [];
    for (const statement of statements) results.push(await explainOne(client, statement, sample, sizes));
    return results;
  } finally {
    await client.end();
  }
}
