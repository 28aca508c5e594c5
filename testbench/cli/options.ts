// The options every simulation command shares — which configuration (`--config`, `--set`, `--cores`), how long
// (`--max-cycles`), what to write (`--vcd` with `--scope`, `--from`, `--to`; `--json`) — and their resolution into
// a checked configuration and run options. Usage errors surface before any simulation, with exit code 2.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type Elf, readElf } from '../../kernels/toolchain/elf.ts';
import { programCores } from '../../kernels/runtime/program_cores.ts';
import { type Gap8Config, type PortTiming, gap8 } from '../../rtl/config/index.ts';
import { type AnyConfig, ConfigError, type ResolvedConfig, isClusterConfig, presetNames, resolveConfig } from '../../rtl/config/load.ts';
import { ParamError, getParam, parseAssignment, setParamInPlace, validateConfig } from '../../rtl/config/params.ts';
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
  maxCycles?: number;
  maxInstructions?: number;
  json: boolean;
  /** Shorthands (`addTimingShorthands`): `--imem/--dmem G,R` and `--l2-latency L`. */
  imem?: PortTiming;
  dmem?: PortTiming;
  l2Latency?: number;
}

export interface RunOptions {
  maxCycles: number;
  /** The instruction limit of the commands that count instructions (`--max-instructions`). */
  maxInstructions?: number;
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
  maxInstructions?: number;
  /** What ends a run early: a cycle count (`--max-cycles`, the default) or an instruction count (`--max-instructions`). */
  limit?: 'cycles' | 'instructions';
  /** `--cores` (default true: the command can run a cluster). */
  cores?: boolean;
  /** `--vcd --scope --from --to` (default true: the command can write waves). */
  waves?: boolean;
  /** The configuration it accepts, checked after `--config` is resolved (default any). */
  system?: 'single-core' | 'cluster';
  /** The command's name as the refusal of a wrong system names it, and where to go instead. */
  otherCommand?: string;
}

const DEFAULT_MAX_CYCLES = 10_000_000;
const DEFAULT_MAX_INSTRUCTIONS = 10_000_000;

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
  cmd
    .addOption(
      new Option('--config <preset|file.json>', `configuration: a preset (${presetNames().join(', ')}) or a JSON file`).default(
        defaults.config ?? 'ri5cy',
      ),
    )
    .addOption(new Option('--set <key=value>', 'change one parameter, e.g. dmem.grantDelay=2 (repeatable; `pulpsim sweep params` lists them)').argParser(collect).default([]));
  if (defaults.cores ?? true) cmd.addOption(new Option('--cores <n>', 'cores of a cluster configuration (also its hardware barriers)').argParser(parsePositiveInt));
  if (defaults.waves ?? true) {
    cmd
      .addOption(new Option('--vcd <file>', 'write the waves to a VCD file'))
      .addOption(new Option('--scope <prefix>', 'dump only signals under this hierarchy prefix (repeatable; with --vcd)').argParser(collect))
      .addOption(new Option('--from <cycle>', 'first cycle to dump (with --vcd)').argParser(parseCycle))
      .addOption(new Option('--to <cycle>', 'last cycle to dump (with --vcd)').argParser(parseCycle));
  }
  if (defaults.limit === 'instructions') {
    cmd.addOption(
      new Option('--max-instructions <n>', 'stop after this many instructions').argParser(parsePositiveInt).default(defaults.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS),
    );
  } else {
    cmd.addOption(maxCyclesOption(defaults.maxCycles));
  }
  cmd.addOption(jsonOption());
  if (defaults.system) systemOf.set(cmd, { system: defaults.system, other: defaults.otherCommand });
  return cmd;
}

/** `--max-cycles <n>`, for a command that takes no other common option. */
export function maxCyclesOption(def = DEFAULT_MAX_CYCLES): Option {
  return new Option('--max-cycles <n>', 'stop after this many cycles').argParser(parsePositiveInt).default(def);
}

/** `--json`, for a command that takes no other common option. */
export function jsonOption(): Option {
  return new Option('--json', 'print the result as one JSON object on stdout').default(false);
}

const systemOf = new WeakMap<Command, { system: 'single-core' | 'cluster'; other?: string }>();

/** Parses a `G,R` port timing (G >= 0 grant delay, R >= 1 response delay; the ranges of params.ts). */
export function parsePortTiming(v: string, what: string): PortTiming {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`${what} '${v}' must be G,R (grant delay, response delay), e.g. 0,1`);
  const g = Number(m[1]);
  const r = Number(m[2]);
  if (g > 200) throw new InvalidArgumentError(`${what} '${v}': grant delay G must be 0..200`);
  if (r < 1 || r > 16) throw new InvalidArgumentError(`${what} '${v}': response delay R must be 1..16`);
  return { grantDelay: g, responseDelay: r };
}

/**
 * The documented shorthands of `--set`: `--imem G,R` / `--dmem G,R` (single-core port timing, = `--set
 * imem.grantDelay=G --set imem.responseDelay=R`) and `--l2-latency L` (cluster, = `--set l2.latency=L`). They
 * apply after `--cores` and before every `--set`, so an explicit `--set` wins.
 */
export function addTimingShorthands(cmd: Command): Command {
  return cmd
    .addOption(new Option('--imem <G,R>', 'single core: instruction port grant and response delay (= --set imem.grantDelay=G --set imem.responseDelay=R)').argParser((v) => parsePortTiming(v, '--imem')))
    .addOption(new Option('--dmem <G,R>', 'single core: data port grant and response delay (= --set dmem.grantDelay=G --set dmem.responseDelay=R)').argParser((v) => parsePortTiming(v, '--dmem')))
    .addOption(
      new Option('--l2-latency <L>', 'cluster: L2 latency in cycles (= --set l2.latency=L)').argParser((v) => {
        if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 10000) throw new InvalidArgumentError(`'${v}' must be an integer 1..10000`);
        return Number(v);
      }),
    );
}

/** A cluster configuration the signal-level cluster can build (the `gap8` preset and files based on it). */
export function isGap8Config(c: AnyConfig): c is Gap8Config {
  return isClusterConfig(c) && 'icache' in c && 'l2' in c;
}

/**
 * Reads and parses the ELF argument before any simulation. A missing file is a usage error (exit 2); a file that
 * is not a valid RISC-V ELF throws the reader's ElfError naming the file and the field (exit 3, as a model error).
 * With the command's configuration: a program built by the cluster runtime given a single-core configuration is a
 * usage error saying how to run it (its image lies in the cluster's L2, which the single-core map lacks).
 */
export function loadElfArg(cmd: Command, path: string, config?: AnyConfig): Elf {
  if (!existsSync(path)) usageError(cmd, `${path}: no such file (expected a RISC-V ELF executable)`);
  if (statSync(path).isDirectory()) usageError(cmd, `${path}: is a directory, not an ELF file`);
  const elf = readElf(readFileSync(path), path);
  const cores = config !== undefined && !isClusterConfig(config) ? programCores(elf) : undefined;
  if (cores !== undefined) {
    const other = systemOf.get(cmd)?.other;
    const coresOption = cores === gap8().cluster.cores ? '' : ` --cores ${cores}`;
    usageError(
      cmd,
      `${path}: a cluster program (built by the cluster runtime for ${cores} cores), and '${cmd.opts<CommonOptionValues>().config}' is a single-core configuration; ` +
        `run it with ${other ? `\`pulpsim ${other}${coresOption}\`` : `--config gap8${coresOption}`}`,
    );
  }
  return elf;
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

/** Throws a UsageError unless `path` is a writable directory or can be created as one (the outputs go there). */
export function checkWritableDir(path: string, option: string): void {
  const abs = resolve(path);
  let dir = abs;
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
  const shorthand = (option: string, name: string, value: number): void => {
    try {
      set[setParamInPlace(config, name, value)] = value;
    } catch (e) {
      if (e instanceof ParamError) throw new UsageError(`${option}: ${e.message}`);
      throw e;
    }
  };
  for (const [option, port] of [['--imem', o.imem], ['--dmem', o.dmem]] as const) {
    if (port === undefined) continue;
    // The cluster's cores reach memory through the I$ and the TCDM interconnect, whose timing comes from those blocks.
    if (isClusterConfig(config)) throw new UsageError(`${option}: '${o.config}' is a cluster configuration; ${option} times the single-core system's ports (use --config ri5cy, cv32e40p or ri5cy_v1)`);
    const which = option.slice(2);
    shorthand(option, `${which}.grantDelay`, port.grantDelay);
    shorthand(option, `${which}.responseDelay`, port.responseDelay);
  }
  if (o.l2Latency !== undefined) {
    if (!isGap8Config(config)) throw new UsageError(`--l2-latency ${o.l2Latency}: '${o.config}' has no L2; --l2-latency applies to a cluster configuration (e.g. --config gap8)`);
    shorthand('--l2-latency', 'l2.latency', o.l2Latency);
  }
  for (const s of o.set ?? []) {
    try {
      const { name, value } = parseAssignment(s);
      const path = setParamInPlace(config, name, value);
      // the value as the parameter's type parsed it (20, not '20'), for the outputs that echo the changes
      set[path] = getParam(config, path);
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
  if (o.maxInstructions !== undefined) run.maxInstructions = o.maxInstructions;
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
  let r: ResolvedOptions;
  try {
    r = resolveCommonOptions(cmd.opts<CommonOptionValues>(), baseDir);
  } catch (e) {
    if (e instanceof UsageError) usageError(cmd, e.message);
    throw e;
  }
  const want = systemOf.get(cmd);
  if (want) {
    const name = cmd.opts<CommonOptionValues>().config;
    const cluster = isClusterConfig(r.config);
    const instead = want.other ? `; use \`pulpsim ${want.other}\`` : '';
    if (want.system === 'single-core' && cluster) usageError(cmd, `--config ${name}: a cluster configuration, and \`pulpsim ${cmd.name()}\` runs one core${instead}`);
    if (want.system === 'cluster' && !cluster) usageError(cmd, `--config ${name}: a single-core configuration, and \`pulpsim ${cmd.name()}\` runs a cluster${instead}`);
  }
  return r;
}
