// What the bench runs: by default a snapshot of the committed HEAD (git archive into a temp dir, built
// there with `npm run build`), because the shared working tree holds other engineers' unfinished edits
// that may not even compile; `--working-tree` snapshots the working tree as it is now; in CI (a
// checkout of one commit) the tree is built in place. The snapshot's own
// compiled migrate() creates the schema, so data set and server always agree on the migrations.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { projectRoot } from '../src/platform/paths.js';

export interface ServiceBuild {
  /** Project root of what runs (snapshot or working tree). */
  root: string;
  entry: string;
  /** The commit benchmarked, with "+ working tree" when unfinished edits are included. */
  revision: string;
  migrate(url: string, log: Logger): Promise<unknown>;
}

function npmBuild(root: string, log: (line: string) => void): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  // tsc emits even on a type error; only a missing entry point stops the bench.
  if (result.status !== 0)
    log(`warning: npm run build exited ${result.status}: ${(result.stdout + result.stderr).slice(0, 600)}`);
}

function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export async function buildService(
  wantWorkingTree: boolean,
  log: (line: string) => void,
): Promise<ServiceBuild> {
  const commit = headCommit() ?? 'unknown';
  // CI checks out one commit into a tree of its own: building in place is the same thing, without git.
  const inCi = process.env['CI'] === 'true' || commit === 'unknown';
  const workingTree = wantWorkingTree && !inCi;
  let root = projectRoot;
  if (inCi) {
    npmBuild(root, log);
  } else {
    // The working tree is copied too (tracked and untracked files, .gitignore respected): another
    // engineer's rebuild of dist/ or a half-saved file must not change the service in mid-run.
    root = path.join(
      os.tmpdir(),
      workingTree ? `bookedbarber-bench-wt-${Date.now()}` : `bookedbarber-bench-${commit}`,
    );
    if (workingTree || !existsSync(path.join(root, 'dist', 'src', 'main.js'))) {
      mkdirSync(root, { recursive: true });
      const copy = workingTree
        ? `git -C "${projectRoot}" ls-files -z -co --exclude-standard | (cd "${projectRoot}" && tar -c --null -T -) | tar -x -C "${root}"`
        : `git -C "${projectRoot}" archive HEAD | tar -x -C "${root}"`;
      execFileSync('sh', ['-c', copy]);
      if (!existsSync(path.join(root, 'node_modules')))
        symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'));
      npmBuild(root, log);
      // A HEAD snapshot is reused by later runs of the same commit; a working-tree copy is not.
      const snapshot = root;
      if (workingTree) process.once('exit', () => rmSync(snapshot, { recursive: true, force: true }));
    }
  }
  const entry = path.join(root, 'dist', 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`npm run build produced no ${entry}`);
  const compiled = (await import(
    pathToFileURL(path.join(root, 'dist', 'src', 'platform', 'db', 'migrate.js')).href
  )) as {
    migrate: ServiceBuild['migrate'];
  };
  log(
    `service: ${workingTree ? `working tree (HEAD ${commit} + unfinished edits)` : `commit ${commit}`} built in ${root}`,
  );
  return {
    root,
    entry,
    revision: workingTree ? `${commit}+working-tree` : commit,
    migrate: compiled.migrate,
  };
}
