// Worker threads of a command run from the CLI's bundle (bin/cli_bundle.mjs) start from that bundle too: their
// entries are built with it, as chunks sharing its code. Booting tsx and transpiling the worker's sources instead
// takes a thread ~0.4 s (measured: paper_worker.ts ready after 0.40-0.49 s through tsx, 0.08-0.12 s bundled).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where bin/pulpsim.mjs records the directory URL of the bundle it runs (unset under tsx, vitest). */
const BUNDLE = Symbol.for('pulpsim.bundle');

/**
 * The bundled entry `name` (`sweep_worker`, `paper_worker`: bin/cli_bundle.mjs's entry points) when this process
 * runs from the bundle and the entry is still there (a build unused for a while is removed, and a long command may
 * start a worker late), else undefined: the caller boots the sources through tsx.
 */
export function bundledEntry(name: 'sweep_worker' | 'paper_worker'): URL | undefined {
  const dir = (globalThis as { [BUNDLE]?: string })[BUNDLE];
  if (dir === undefined) return undefined;
  const url = new URL(`${name}.js`, dir);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}
