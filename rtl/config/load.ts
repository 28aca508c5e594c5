// From a `--config` argument to a checked configuration object: a preset name, or a JSON file naming a preset and
// the parameters it changes:
//   { "preset": "gap8", "set": { "cluster.tcdm.banks": 32, "icache.refillLatency": "20" } }
//   { "preset": "gap8", "icache": { "refillLatency": 20 } }            (nested overrides, same meaning)
// Errors name the file, the line and column of the field at fault, and the field.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { type ClusterSystemConfig, type Gap8Config, type SystemConfig, gap8, preset, presets } from './index.ts';
import { ParamError, type ParamValue, cloneTree, setParamInPlace, validateConfig } from './params.ts';

/** Any configuration a preset gives: the single-core systems and the cluster systems. */
export type AnyConfig = SystemConfig | ClusterSystemConfig | Gap8Config;

/** Every preset by name: index.ts's single-core presets and the GAP-8 cluster. */
export const configPresets: Readonly<Record<string, () => AnyConfig>> = {
  ...Object.fromEntries(Object.keys(presets).map((n) => [n, () => cloneTree(preset(n))])),
  gap8: () => cloneTree(gap8()),
};

export function presetNames(): string[] {
  return Object.keys(configPresets);
}

/** True for a config with a cluster section (`pulpsim run --config gap8`). */
export function isClusterConfig(c: AnyConfig): c is ClusterSystemConfig {
  return 'cluster' in c;
}

/** A bad `--config` argument or configuration file; the message names the file, position and field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ResolvedConfig {
  config: AnyConfig;
  /** The preset the config starts from. */
  preset: string;
  /** The file it was read from, if any. */
  file?: string;
  /** The parameters the file changed, by full path, in order. */
  set: Record<string, ParamValue>;
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** Where `"key"` first appears as a JSON key in the text (for errors); the file itself when not found. */
function keyPosition(file: string, text: string, key: string): string {
  const i = text.indexOf(JSON.stringify(key));
  if (i < 0) return file;
  const { line, col } = lineCol(text, i);
  return `${file}:${line}:${col}`;
}

/** Offset of the first `ch` outside JSON string literals (V8 names an unexpected token without its position). */
function firstOutsideStrings(text: string, ch: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ch) return i;
  }
  return -1;
}

function jsonSyntaxError(file: string, text: string, e: Error): ConfigError {
  // V8 says "... in JSON at position N" (sometimes also "(line L column C)").
  const pos = /position (\d+)/.exec(e.message);
  const token = /^Unexpected token '(.)', /.exec(e.message);
  const offset = pos ? Number(pos[1]) : token ? firstOutsideStrings(text, token[1]!) : -1;
  const where = offset >= 0 ? lineCol(text, offset) : undefined;
  const msg = e.message
    .replace(/^.*?(Unexpected|Expected|Bad|Unterminated)/, '$1')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
  return new ConfigError(`${file}${where ? `:${where.line}:${where.col}` : ''}: JSON syntax error: ${msg}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Flattens nested overrides into dotted names; `where` names the enclosing field for errors. */
function flatten(v: unknown, prefix: string, out: Array<[string, unknown]>): void {
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.push([prefix, v]);
}

const FILE_KEYS = new Set(['preset', 'set', 'description', 'name', '$schema']);

/**
 * Applies overrides given as JSON (flat dotted names or nested objects) to `config` in place; `where(key)` says
 * where an override sits, for errors. Returns the changed parameters by full path.
 */
export function applyOverrides(config: AnyConfig, overrides: Record<string, unknown>, where: (key: string) => string): Record<string, ParamValue> {
  const flat: Array<[string, unknown]> = [];
  flatten(overrides, '', flat);
  const set: Record<string, ParamValue> = {};
  for (const [name, value] of flat) {
    // In the file, a flat override is written as its full name, a nested one as its last part.
    const key = name in overrides ? name : name.split('.').pop()!;
    if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string') {
      const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
      throw new ConfigError(`${where(key)}: '${name}' must be a number, boolean or string, not ${what}`);
    }
    try {
      const path = setParamInPlace(config, name, value);
      set[path] = value;
    } catch (e) {
      if (e instanceof ParamError) throw new ConfigError(`${where(key)}: ${e.message}`);
      throw e;
    }
  }
  return set;
}

/** Parses the text of a configuration file; `file` names it in errors. */
/** JSON.parse with a ConfigError naming `file:line:col` for a syntax error. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw jsonSyntaxError(file, text, e as Error);
  }
}

/** `file:line:col` of the first occurrence of `"key"` in the text (the file alone when absent). */
export function keyLocation(file: string, text: string, key: string): string {
  return keyPosition(file, text, key);
}

export function parseConfigFile(text: string, file: string): ResolvedConfig {
  const doc = parseJsonText(text, file);
  if (!isObj(doc)) throw new ConfigError(`${file}: a configuration file is a JSON object { "preset": ..., "set": { ... } }`);
  const name = doc.preset;
  if (name === undefined) throw new ConfigError(`${file}: missing "preset" (one of ${presetNames().join(', ')})`);
  if (typeof name !== 'string' || !(name in configPresets)) {
    throw new ConfigError(`${keyPosition(file, text, 'preset')}: preset: unknown preset ${JSON.stringify(name)} (known: ${presetNames().join(', ')})`);
  }
  const config = configPresets[name]!();
  if (doc.set !== undefined && !isObj(doc.set)) throw new ConfigError(`${keyPosition(file, text, 'set')}: "set" must be an object of parameter: value`);
  const nested = Object.fromEntries(Object.entries(doc).filter(([k]) => !FILE_KEYS.has(k)));
  const where = (key: string): string => keyPosition(file, text, key);
  const set = { ...applyOverrides(config, nested, where), ...applyOverrides(config, (doc.set ?? {}) as Record<string, unknown>, where) };
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ParamError) throw new ConfigError(`${file}: ${e.message}`);
    throw e;
  }
  return { config, preset: name, file, set };
}

/** `spec` = a preset name or a path to a JSON configuration file (relative to `baseDir`, default the cwd). */
export function resolveConfig(spec: string, baseDir = process.cwd()): ResolvedConfig {
  const factory = configPresets[spec];
  if (factory) return { config: factory(), preset: spec, set: {} };
  const path = resolvePath(baseDir, spec);
  const looksLikeFile = spec.endsWith('.json') || /[\\/]/.test(spec);
  if (!existsSync(path)) {
    throw new ConfigError(
      looksLikeFile
        ? `configuration file '${spec}' not found`
        : `unknown configuration '${spec}': not a preset (${presetNames().join(', ')}) and no such file`,
    );
  }
  if (statSync(path).isDirectory()) throw new ConfigError(`configuration '${spec}' is a directory, not a JSON file`);
  return parseConfigFile(readFileSync(path, 'utf8'), spec);
}
