// Creates a directory and its missing parents. Node 20's mkdirSync({ recursive: true }) can spin
// forever on some unwritable trees (observed under /proc), so each level is created explicitly.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (st !== undefined) {
      if (!st.isDirectory()) throw new Error(`'${d}' is not a directory`);
      break;
    }
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
