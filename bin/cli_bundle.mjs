// The CLI as one cached esbuild bundle (with a chunk per command module), so a command does not transpile and
// resolve the repository's TypeScript file by file through tsx's loader (`pulpsim --help` ~0.4 s through tsx,
// ~0.17 s from the bundle). The bundle is built on first use and again whenever anything it was built from
// changed: it is keyed on Node's and esbuild's versions, the checkout's location and the path, modification time
// and size of every source file esbuild read (from its metafile) plus the files that configure the compilation.
// It lives in node_modules/.cache/pulpsim/, never in the repository; being inside the checkout, the bundle finds
// the npm packages it leaves external (`--packages=external`) as the sources do.
//
// A build goes to a directory of its own and is renamed into place, then the pointer file (cli.json) is written
// under a temporary name and renamed over the old one: concurrent first runs each build and one pointer wins,
// every one of them runs a complete bundle.
//
// The bundle must behave as the sources do under tsx:
// - `import.meta.url`, `.dirname` and `.filename` keep naming each source file (files find their neighbours,
//   sim/specialize.ts compiles its copies of rtl/ from them and links them to the bundle's sim/);
// - the worker threads' entries are entry points of the same build (testbench/cli/bundled.ts);
// - esbuild's options are tsx's (target this Node, keepNames, whitespace-minified), so V8 sees the same code;
// - a source map per chunk, with source maps enabled as tsx enables them: stacks name the .ts files and lines.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'testbench/cli/main.ts');
/** Not bundled, but they change what the bundle is: this file (esbuild's options), tsconfig.json (class fields),
 *  package.json (module type). */
const CONFIG_FILES = [fileURLToPath(import.meta.url), join(ROOT, 'tsconfig.json'), join(ROOT, 'package.json')];
const POINTER = 'cli.json';
const FORMAT = 1;
/** Builds other than the current one are removed once unused for this long (each command dates the build it runs
 *  anew; a process that started on one has long loaded its chunks: the command modules are imported while the
 *  command line is parsed). */
const STALE_MS = 10 * 60_000;

export const CACHE = join(ROOT, 'node_modules', '.cache', 'pulpsim');

/** What a build depends on besides its inputs. */
function buildKey() {
  const esbuildPkg = createRequire(import.meta.url).resolve('esbuild/package.json');
  const esbuild = JSON.parse(readFileSync(esbuildPkg, 'utf8')).version;
  return { format: FORMAT, node: process.version, esbuild, root: ROOT };
}

function stamp(path) {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? null : [s.mtimeMs, s.size];
}

/**
 * The file URL of the bundle's entry (exporting `main`), built now if the cached one is missing or out of date.
 * `log` receives what happened (reused, or why it was built). Throws if the bundle cannot be built.
 */
export async function cliBundle(log = () => {}) {
  const key = buildKey();
  let { dir, why } = current(key);
  if (why === undefined) {
    log(`reusing ${join(CACHE, dir)}`);
    touch(join(CACHE, dir));
  } else {
    log(`building: ${why}`);
    dir = await build(key, log);
  }
  return pathToFileURL(join(CACHE, dir, 'main.js')).href;
}

/** Whether the bundle at `url` (cliBundle's answer) is still the current one: the one of the sources as they are. */
export function isCurrent(url) {
  return current(buildKey()).dir === basename(dirname(fileURLToPath(url)));
}

/** Drops the pointer to the bundle at `url` (cliBundle's answer), which failed to load: the next command builds
 *  it anew. */
export function forget(url) {
  const dir = basename(dirname(fileURLToPath(url)));
  let p;
  try {
    p = JSON.parse(readFileSync(join(CACHE, POINTER), 'utf8'));
  } catch {
    return;
  }
  if (p.dir === dir) rmSync(join(CACHE, POINTER), { force: true });
}

/** Dates a build as used now (removeStale), if it can. */
function touch(path) {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // a cache that cannot be written still serves
  }
}

/** The current bundle's directory (under CACHE), or why there is none. */
function current(key) {
  let p;
  try {
    p = JSON.parse(readFileSync(join(CACHE, POINTER), 'utf8'));
  } catch (e) {
    return { why: e.code === 'ENOENT' ? 'no bundle yet' : `unreadable ${POINTER}: ${e.message}` };
  }
  for (const k of Object.keys(key)) if (p[k] !== key[k]) return { why: `${k} changed (${p[k]} -> ${key[k]})` };
  if (!Array.isArray(p.inputs) || typeof p.dir !== 'string') return { why: `malformed ${POINTER}` };
  for (const [path, was] of p.inputs) {
    const now = stamp(path);
    if (JSON.stringify(now) !== JSON.stringify(was)) return { why: `${path} ${now === null ? 'is gone' : was === null ? 'appeared' : 'changed'}` };
  }
  if (stamp(join(CACHE, p.dir, 'main.js')) === null) return { why: `${p.dir}/main.js is missing` };
  return { dir: p.dir };
}

/** Each source file keeps its own `import.meta` location: a constant prepended to its first line (line numbers,
 *  hence the source map, unchanged), which esbuild's `define` substitutes for `import.meta.url` etc. */
const importMetaPlugin = {
  name: 'pulpsim-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return { contents: text, loader: 'ts' };
      const consts = `const __pulpsim_meta_url = ${JSON.stringify(pathToFileURL(args.path).href)}, __pulpsim_meta_dirname = ${JSON.stringify(dirname(args.path))}, __pulpsim_meta_filename = ${JSON.stringify(args.path)};`;
      return { contents: consts + text, loader: 'ts' };
    });
  },
};

/** Builds the bundle; returns its directory under CACHE. */
async function build(key, log) {
  const tmp = join(CACHE, `tmp-${process.pid}-${Date.now()}`);
  // first, so that a cache that cannot be written costs no build
  mkdirSync(tmp, { recursive: true });
  const { build: esbuild } = await import('esbuild');
  const t0 = Date.now();
  try {
    const r = await esbuild({
      absWorkingDir: ROOT,
      // the CLI, and the worker threads' entries (testbench/cli/bundled.ts)
      entryPoints: { main: ENTRY, sweep_worker: join(ROOT, 'testbench/sweep/worker.ts'), paper_worker: join(ROOT, 'testbench/kernels/paper_worker.ts') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      target: `node${process.versions.node}`,
      keepNames: true,
      minifyWhitespace: true,
      sourcemap: 'linked',
      sourcesContent: false,
      outdir: tmp,
      metafile: true,
      logLevel: 'silent',
      define: {
        'import.meta.url': '__pulpsim_meta_url',
        'import.meta.dirname': '__pulpsim_meta_dirname',
        'import.meta.filename': '__pulpsim_meta_filename',
      },
      plugins: [importMetaPlugin],
    });
    const files = [...Object.keys(r.metafile.inputs).map((f) => resolve(ROOT, f)), ...CONFIG_FILES];
    const inputs = files.map((f) => [f, stamp(f)]);
    const t1 = Date.now();
    // A file written while esbuild read the sources may be in the bundle in its old version under its new stamp:
    // such a bundle serves this run only (from its temporary directory, removed later), and the next run builds
    // again. (The slack covers file times that lag this process's clock; a file dated in the future is not one
    // being written now, and would otherwise never be trusted.)
    const racing = inputs.find(([, s]) => s !== null && s[0] >= t0 - 1000 && s[0] <= t1 + 1000);
    if (racing !== undefined) {
      log(`built ${tmp} in ${Date.now() - t0} ms, not kept: ${racing[0]} changed while it was built`);
      return basename(tmp);
    }
    const dir = `cli-${createHash('sha256').update(JSON.stringify({ key, inputs })).digest('hex').slice(0, 16)}`;
    try {
      renameSync(tmp, join(CACHE, dir));
    } catch (e) {
      // the same build (same sources and stamps), renamed into place by a concurrent run
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      rmSync(tmp, { recursive: true, force: true });
      touch(join(CACHE, dir));
    }
    const ptr = join(CACHE, `${POINTER}.${process.pid}.tmp`);
    writeFileSync(ptr, JSON.stringify({ ...key, dir, inputs }));
    renameSync(ptr, join(CACHE, POINTER));
    log(`built ${join(CACHE, dir)} in ${Date.now() - t0} ms (${files.length} inputs)`);
    removeStale(dir);
    return dir;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function removeStale(keep) {
  const now = Date.now();
  for (const name of readdirSync(CACHE)) {
    if (name === keep || !/^(cli-|tmp-)|\.tmp$/.test(name)) continue;
    const path = join(CACHE, name);
    const s = statSync(path, { throwIfNoEntry: false });
    if (s !== undefined && now - s.mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}
