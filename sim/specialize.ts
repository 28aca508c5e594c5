// Fresh copies of a module class's code. V8 optimises a process closure best while its function literal has
// produced only one closure: `this`, the signals and their slots are then constants of the optimised code; and
// every instance of a class shares the type feedback of its property accesses. A design built a second time in
// one process (a second Testbench, the next job of a sweep worker) therefore runs its shared code slower than the
// first (measured: the single-core system's second instance 1.6x slower). A copy is the class's source file and
// everything it imports, bundled once per process (thread) by esbuild and evaluated once per copy; sim/ is not
// copied (copies extend this Module and use this elaborator's signal classes), nor are npm packages. Each source
// file is evaluated as its own function (a small CommonJS loader per copy), so stack frames of copied code name
// the file they come from.
//
// Use a copy per design instance (per simulator), not per replicated block inside one design: the blocks of one
// design all run every cycle, and each copy's optimised code is its own machine code. Measured on the 8-core
// cluster (steady state, CPU seconds): one copy shared by the 8 core regions 43k cycles/s as without copies, a
// copy per 2 regions 33k, per region 23k (the cores' hot code no longer fits the processor's caches).
//
// Every evaluation gets a distinct source text (a copy number in a comment): V8 caches the compilation of a
// `new Function` source from its second use on, and copies sharing the cached functions share their feedback and
// closures again, which made every copy from the third on as slow as shared code. That cache keeps each copy's text
// alive (heap +~0.5 MB per copy of the single-core system); compiling with it off (`--no-compilation-cache` set
// around the evaluation) kept the heap flat but made the copies' code slower (third 8-core testbench of a process,
// steady state 78-86k against 84-91k cycles/CPU-s), so it stays on.
//
// Errors thrown in copied code name the real files (`file:///…/if_stage.ts`, the same URL for every copy); each
// file also carries a source map, which Node applies to the line numbers when source maps are enabled (tsx enables
// them; vitest formats stacks itself, so there the lines are those of the compiled JavaScript).
//
// PULPSIM_COPIES=0 turns copying off (every call returns the class itself): same design, same values.
import type { Metafile } from 'esbuild';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sim from './index.ts';
import type { Module } from './module.ts';

/** A concrete Module subclass. */
export type ModuleClass<M extends Module = Module> = new (...args: never[]) => M;

/** One source file compiled to a CommonJS body. */
interface Unit {
  readonly code: string;
  /** Source map (absolute source URL, lines shifted for the `new Function` header), base64. */
  readonly map: string;
}

interface Compiled {
  readonly file: string;
  readonly exportName: string;
  /** By absolute path: every copied file. */
  readonly units: ReadonlyMap<string, Unit>;
  copies: number;
}

const SIM_DIR = dirname(fileURLToPath(import.meta.url));
const SIM_INDEX = resolve(SIM_DIR, 'index.ts');
/** Where the per-file compilation puts its (never written) outputs; absolute inputs keep their path below it. */
const OUT_ROOT = '/__pulpsim_copy__';
/** The lines `new Function` puts before the body (`function anonymous(<params>\n) {\n`). */
const HEADER_LINES = 2;

const compiled = new Map<string, Compiled>();
const nodeRequire = createRequire(import.meta.url);
/** esbuild, loaded by the first compilation: every simulation command imports this file, few make copies, and
 *  loading esbuild's API costs ~9 ms. */
const esbuild = (): typeof import('esbuild') => nodeRequire('esbuild') as typeof import('esbuild');
let totalCopies = 0;
let compileMs = 0;

/** Copying is on unless the environment says PULPSIM_COPIES=0. */
export function copiesEnabled(): boolean {
  return process.env.PULPSIM_COPIES !== '0';
}

/** Work done so far in this process (thread): classes compiled, their total compile time, copies evaluated. */
export function copyStats(): { classes: number; compileMs: number; copies: number } {
  return { classes: compiled.size, compileMs, copies: totalCopies };
}

/** The engine's own files (not its tests' fixtures in subfolders): shared, never copied. */
function simFiles(): string[] {
  return readdirSync(SIM_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => resolve(SIM_DIR, f));
}

function toPath(moduleUrl: string): string {
  if (moduleUrl.startsWith('file:')) return fileURLToPath(moduleUrl);
  if (isAbsolute(moduleUrl)) return moduleUrl;
  throw new TypeError(`freshCopy: module location must be a file URL (import.meta.url) or an absolute path, got '${moduleUrl}'`);
}

/** The files `file` imports, transitively, without sim/ and packages (esbuild's bundler resolves them). */
function sourceFiles(cwd: string, file: string, exportName: string): string[] {
  const r = esbuild().buildSync({
    absWorkingDir: cwd,
    entryPoints: [file],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    packages: 'external',
    external: simFiles(),
    outfile: `${OUT_ROOT}/bundle.js`,
    logLevel: 'silent',
    metafile: true,
  });
  const meta: Metafile = r.metafile;
  const files: string[] = [];
  for (const [input, info] of Object.entries(meta.inputs)) {
    const abs = resolve(cwd, input);
    files.push(abs);
    for (const imp of info.imports) {
      if (imp.external !== true || !(imp.path.startsWith('.') || isAbsolute(imp.path))) continue;
      // The copies receive sim/index.ts's exports; another sim/ file would be a second, unshared instance.
      // (esbuild writes a bundle's external paths relative to the output file.)
      if (resolve(OUT_ROOT, imp.path) !== SIM_INDEX && resolve(dirname(abs), imp.path) !== SIM_INDEX) {
        throw new Error(`${input} imports '${imp.path}'; code outside sim/ must import sim/ through sim/index.ts`);
      }
    }
  }
  if (!files.includes(file)) throw new Error(`esbuild did not see '${file}' (exportName ${exportName})`);
  return files;
}

function compile(file: string, exportName: string): Compiled {
  const t0 = performance.now();
  const cwd = process.cwd();
  const units = new Map<string, Unit>();
  try {
    const files = sourceFiles(cwd, file, exportName);
    const r = esbuild().buildSync({
      absWorkingDir: cwd,
      entryPoints: files,
      bundle: false,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      outdir: OUT_ROOT,
      outbase: '/',
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const out = new Map(r.outputFiles.map((o) => [o.path, o.text]));
    for (const f of files) {
      const js = `${OUT_ROOT}${f.replace(/\.[^./]+$/, '')}.js`;
      const code = out.get(js);
      const mapText = out.get(`${js}.map`);
      if (code === undefined || mapText === undefined) throw new Error(`esbuild produced no output for '${f}'`);
      const map = JSON.parse(mapText) as { sources: string[]; mappings: string };
      map.sources = [pathToFileURL(f).href];
      map.mappings = ';'.repeat(HEADER_LINES) + map.mappings;
      // Its sourceMappingURL comment names a file that was never written; the map goes inline instead.
      units.set(f, { code: code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n'), map: Buffer.from(JSON.stringify(map)).toString('base64') });
    }
  } catch (e) {
    throw new Error(`freshCopy of '${exportName}' (${file}): ${(e as Error).message}`);
  }
  compileMs += performance.now() - t0;
  return { file, exportName, units, copies: 0 };
}

/** Evaluates every file of `c` anew (lazily, in `require` order, as CommonJS does) and returns the entry's exports. */
function evaluate(c: Compiled, n: number): Record<string, unknown> {
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const load = (path: string): Record<string, unknown> => {
    const hit = cache.get(path);
    if (hit !== undefined) return hit.exports;
    const unit = c.units.get(path)!;
    const mod = { exports: {} as Record<string, unknown> };
    cache.set(path, mod);
    const req = (spec: string): unknown => {
      if (!spec.startsWith('.') && !isAbsolute(spec)) return nodeRequire(spec);
      const abs = resolve(dirname(path), spec);
      if (abs === SIM_INDEX) return sim;
      if (!c.units.has(abs)) throw new Error(`freshCopy of '${c.exportName}': ${path} requires '${spec}', which is not part of the copy`);
      return load(abs);
    };
    // A distinct text per evaluation (its `copy` line): see the header. The sourceURL is the same for every copy of a
    // file: Node keeps a file's source map by that URL, so each copy replaces the last one's entry instead of adding
    // its own (measured: heap +~1.1 MB per copy of the single-core system with a URL per copy, +~0.5 MB now).
    const src = `"use strict";${unit.code}// copy ${n}\n//# sourceURL=${pathToFileURL(path).href}\n//# sourceMappingURL=data:application/json;base64,${unit.map}\n`;
    const fn = new Function('module', 'exports', 'require', src) as (m: typeof mod, e: Record<string, unknown>, r: (s: string) => unknown) => void;
    fn(mod, mod.exports, req);
    // esbuild's CommonJS exports are getters (ES live bindings), so every use of an imported constant, enum or
    // helper in copied code was a getter call (measured: ~3% of the 8-core cluster's time). Once the file has run,
    // its exports hold their final values (no copied file reassigns an exported binding): later requires get a
    // plain object of the values. A require during the file's own evaluation (an import cycle) gets the getters.
    const snap: Record<string, unknown> = {};
    for (const k of Object.keys(mod.exports)) snap[k] = mod.exports[k];
    if (mod.exports.__esModule === true) Object.defineProperty(snap, '__esModule', { value: true });
    mod.exports = snap;
    return snap;
  };
  return load(c.file);
}

/**
 * A fresh copy of `cls` (a Module subclass exported under its own name by the file at `moduleUrl`): the file and
 * everything it imports but sim/ and npm packages, evaluated anew. Instances of the copy are ordinary Modules of
 * this engine (the elaborator, both back-ends and waves see no difference) and compute exactly what instances of
 * `cls` compute; only their code is their own. Values exported by the copied files (enums, helpers, classes) are
 * the copy's own too: code outside the copy must not test copied objects with `instanceof` against the original
 * classes. The first copy of a class in a process compiles its files (~0.2 s for the cluster, with esbuild's
 * start); each copy costs its evaluation (initialising the copied files' modules) and, later, its own learning
 * and optimisation. Returns `cls` itself when PULPSIM_COPIES=0.
 *
 *   const top = new (freshCopy(Cluster, new URL('../rtl/cluster/cluster.ts', import.meta.url).href))(params);
 */
export function freshCopy<C extends ModuleClass>(cls: C, moduleUrl: string): C {
  if (!copiesEnabled()) return cls;
  const file = toPath(moduleUrl);
  const exportName = cls.name;
  if (!(cls.prototype instanceof sim.Module)) throw new TypeError(`freshCopy: '${exportName}' is not a Module subclass`);
  const key = `${file}#${exportName}`;
  let c = compiled.get(key);
  if (c === undefined) {
    c = compile(file, exportName);
    compiled.set(key, c);
  }
  const n = ++c.copies;
  totalCopies++;
  // Copied code has no file of its own: its stack frames map to the sources only through the source maps.
  if (!process.sourceMapsEnabled) process.setSourceMapsEnabled(true);
  const copy = evaluate(c, n)[exportName];
  if (typeof copy !== 'function' || !(copy.prototype instanceof sim.Module)) {
    throw new TypeError(`freshCopy: '${file}' does not export a Module subclass named '${exportName}'`);
  }
  return copy as C;
}
