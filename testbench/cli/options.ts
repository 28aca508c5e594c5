// The options every simulation command shares — which configuration (`--config`, `--set`, `--cores`), how long
// (`--max-cycles`), what to write (`--vcd` with `--scope`, `--from`, `--to`; `--json`) — and their resolution into
// a checked configuration and run options. Usage errors surface before any simulation, with exit code 2.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type AnyConfig, ConfigError, type ResolvedConfig, isClusterConfig, presetNames, resolveConfig } from '../../rtl/config/load.ts';
import { ParamError, parseAssignment, setParamInPlace, validateConfig } from '../../rtl/config/params.ts';
import type { VcdOptions } from '../../waves/vcd.ts';

/** The raw option values commander collects for `addCommonOptions`. */
export interface CommonOptionValues {
  config: string;
  set: string[];
  cores?: number;
  vcd?: string;
  scope?: string[];
  from?: number;
  to?: number;
  maxCycles: number;
  json: boolean;
}

export interface RunOptions {
  maxCycles: number;
  json: boolean;
  /** Where and what to dump; the path was checked to be writable. */
  vcd?: { path: string; options: VcdOptions };
}

export interface ResolvedOptions {
  config: AnyConfig;
  /** How the config came about: preset, file, and every parameter changed (file, `--cores`, `--set`) by path. */
  source: ResolvedConfig;
  run: RunOptions;
}

/** A bad option value or combination (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommonDefaults {
  config?: string;
  maxCycles?: number;
}

const DEFAULT_MAX_CYCLES = 10_000_000;

export function parsePositiveInt(v: string): number {
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)) || Number(v) < 1) throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  return Number(v);
}

export function parseCycle(v: string): number {
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError(`'${v}' is not a cycle number (an integer >= 0)`);
  return Number(v);
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** Adds the common options to `cmd`; read them back with `commonOptions(cmd)` in its action. */
export function addCommonOptions(cmd: Command, defaults: CommonDefaults = {}): Command {
  return cmd
    .addOption(
      new Option('--config <preset|file.json>', `configuration: a preset (${presetNames().join(', ')}) or a JSON file`).default(
        defaults.config ?? 'ri5cy',
      ),
    )
    .addOption(new Option('--set <key=value>', 'change one parameter, e.g. icache.refillLatency=20 (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--cores <n>', 'cores of a cluster configuration (also its hardware barriers)').argParser(parsePositiveInt))
    .addOption(new Option('--vcd <file>', 'write the waves to a VCD file'))
    .addOption(new Option('--scope <prefix>', 'dump only signals under this hierarchy prefix (repeatable; with --vcd)').argParser(collect))
    .addOption(new Option('--from <cycle>', 'first cycle to dump (with --vcd)').argParser(parseCycle))
    .addOption(new Option('--to <cycle>', 'last cycle to dump (with --vcd)').argParser(parseCycle))
    .addOption(new Option('--max-cycles <n>', 'stop after this many cycles').argParser(parsePositiveInt).default(defaults.maxCycles ?? DEFAULT_MAX_CYCLES))
    .addOption(new Option('--json', 'print the result as JSON').default(false));
}

/**
 * Throws a UsageError unless `path` can be created or overwritten as a file: an existing path must be a writable
 * file, else the nearest existing ancestor must be a writable directory (the VCD writer creates the rest).
 */
export function checkWritableFile(path: string, option = '--vcd'): void {
  const abs = resolve(path);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) throw new UsageError(`${option} ${path}: is a directory`);
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      throw new UsageError(`${option} ${path}: file is not writable`);
    }
    return;
  }
  let dir = dirname(abs);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${option} ${path}: '${dir}' is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${path}: directory '${dir}' is not writable`);
  }
}

/**
 * The configuration and run options the values describe: `--config` (preset or file), then `--cores`, then each
 * `--set` in order, then the whole config checked. Throws a UsageError naming the option at fault.
 */
export function resolveCommonOptions(o: CommonOptionValues, baseDir = process.cwd()): ResolvedOptions {
  let source: ResolvedConfig;
  try {
    source = resolveConfig(o.config, baseDir);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--config ${o.config}: ${e.message}`);
    throw e;
  }
  const config = source.config;
  const set = { ...source.set };
  if (o.cores !== undefined) {
    if (!isClusterConfig(config)) {
      if (o.cores !== 1) throw new UsageError(`--cores ${o.cores}: '${o.config}' is a single-core configuration; use a cluster one (e.g. --config gap8)`);
    } else {
      // pulp_cluster instantiates one hardware barrier per core (NB_BARR = NB_CORES).
      for (const p of ['cluster.cores', 'cluster.eventUnit.barriers']) {
        try {
          setParamInPlace(config, p, o.cores);
        } catch (e) {
          if (e instanceof ParamError) throw new UsageError(`--cores ${o.cores}: ${e.message}`);
          throw e;
        }
        set[p] = o.cores;
      }
    }
  }
  for (const s of o.set ?? []) {
    try {
      const { name, value } = parseAssignment(s);
      set[setParamInPlace(config, name, value)] = value;
    } catch (e) {
      if (e instanceof ParamError) throw new UsageError(`--set ${s}: ${e.message}`);
      throw e;
    }
  }
  try {
    validateConfig(config);
  } catch (e) {
    if (e instanceof ParamError) throw new UsageError(`configuration '${o.config}' with the given --cores/--set: ${e.message}`);
    throw e;
  }
  const run: RunOptions = { maxCycles: o.maxCycles ?? DEFAULT_MAX_CYCLES, json: o.json ?? false };
  if (o.vcd === undefined) {
    for (const [name, v] of [['--scope', o.scope], ['--from', o.from], ['--to', o.to]] as const) {
      if (v !== undefined) throw new UsageError(`${name} applies only with --vcd <file>`);
    }
  } else {
    if (o.from !== undefined && o.to !== undefined && o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}: the dump window is empty`);
    checkWritableFile(resolve(baseDir, o.vcd));
    const options: VcdOptions = {};
    if (o.scope) options.scopes = o.scope;
    if (o.from !== undefined) options.from = o.from;
    if (o.to !== undefined) options.to = o.to;
    run.vcd = { path: resolve(baseDir, o.vcd), options };
  }
  return { config, source: { ...source, config, set }, run };
}

/**
 * Reports a usage error the way commander reports its own (on the command's error output, exit code 2 through
 * `pulpsim`'s handling of `commander.*` errors).
 */
export function usageError(cmd: Command, message: string): never {
  const out = cmd.configureOutput();
  const write = out.writeErr ?? ((s: string) => process.stderr.write(s));
  if (out.outputError) out.outputError(`error: ${message}\n`, write);
  else write(`error: ${message}\n`);
  throw new CommanderError(2, 'commander.usage', message);
}

/** The resolved common options of `cmd` (call in its action); a usage error ends the command with exit code 2. */
export function commonOptions(cmd: Command, baseDir = process.cwd()): ResolvedOptions {
  try {
    return resolveCommonOptions(cmd.opts<CommonOptionValues>(), baseDir);
  } catch (e) {
    if (e instanceof UsageError) usageError(cmd, e.message);
    throw e;
  }
}
