// What a command run from the CLI's bundle (bin/cli_bundle.mjs) does beyond running its code:
// - its worker threads start from the bundle too: their entries are built with it, as chunks sharing its code.
//   Booting tsx and transpiling the worker's sources instead takes a thread ~0.4 s (measured: paper_worker.ts
//   ready after 0.40-0.49 s through tsx, 0.08-0.12 s bundled);
// - learned accesses (sim/learn_store.ts) are kept beside the bundle: a build is one exact version of the code, so
//   what its processes learned holds for every later process of the same build. A fresh `pulpsim run` of the gap8
//   matmul8 fixture then skips learning and the collections that follow it (~0.2 s of ~1.15).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import type { LearnStore } from '../../sim/learn_store.ts';

/** What bin/pulpsim.mjs records of the bundle it runs (unset under tsx, vitest, and in worker threads). */
interface Bundle {
  /** The URL of the build's directory. */
  dir: string;
  /** Whether the build is still the one of the sources as they are now. */
  isCurrent(): boolean;
  /** PULPSIM_BUNDLE=debug's output. */
  debug(msg: string): void;
}
const BUNDLE = Symbol.for('pulpsim.bundle');

function bundle(): Bundle | undefined {
  return (globalThis as { [BUNDLE]?: Bundle })[BUNDLE];
}

/**
 * The bundled entry `name` (`sweep_worker`, `paper_worker`: bin/cli_bundle.mjs's entry points) when this process
 * runs from the bundle and the entry is still there (a build unused for a while is removed, and a long command may
 * start a worker late), else undefined: the caller boots the sources through tsx.
 */
export function bundledEntry(name: 'sweep_worker' | 'paper_worker'): URL | undefined {
  const b = bundle();
  if (b === undefined) return undefined;
  const url = new URL(`${name}.js`, b.dir);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * The learn store of the bundle this process runs from (files in its `learned/` folder, one per learn key), or
 * undefined. Reading and saving need the build to be current still: a source edited since may already be in a
 * fresh copy's code (sim/specialize.ts compiles copies from the files as they are). The `keep` most recently saved entries are
 * kept (an entry of the 8-core cluster is ~100 kB; a build lives until a source changes).
 */
export function bundleLearnStore(keep = 256): LearnStore | undefined {
  const b = bundle();
  if (b === undefined) return undefined;
  const dir = join(fileURLToPath(b.dir), 'learned');
  const file = (key: string): string => join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
  return {
    get(key) {
      try {
        // A source edited since the build may already be in a fresh copy's code (compiled from the files as they are
        // when a command first copies a class, possibly long after it started): read sets learned on the build's
        // code would then be applied to other code.
        if (!b.isCurrent()) return undefined;
        const e = JSON.parse(readFileSync(file(key), 'utf8')) as { key?: unknown; text?: unknown };
        if (e.key !== key || typeof e.text !== 'string') return undefined;
        b.debug(`learned accesses from ${file(key)}`);
        return e.text;
      } catch {
        return undefined;
      }
    },
    set(key, text) {
      try {
        if (!b.isCurrent()) return;
        mkdirSync(dir, { recursive: true });
        const tmp = `${file(key)}.${process.pid}-${threadId}.tmp`;
        writeFileSync(tmp, JSON.stringify({ key, text }));
        renameSync(tmp, file(key));
        b.debug(`learned accesses saved to ${file(key)}`);
        const entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
        if (entries.length > keep) {
          const byAge = entries.map((f) => ({ f, t: statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((x, y) => x.t - y.t);
          for (const { f } of byAge.slice(0, entries.length - keep)) rmSync(join(dir, f), { force: true });
        }
      } catch {
        // a store that cannot write keeps nothing
      }
    },
  };
}
