// `pulpsim replay --module <block> <scenario.json>`: replays an RTL timing scenario open-loop through the
// block's signal-level model and compares every expected signal in every cycle.
// Exit codes: 0 every signal matched in every cycle, 1 a mismatch (the first is named), 2 usage error (unknown
// module or option), 3 bad scenario file or model error.
import { Command, Option } from 'commander';
import { adapterNames, getAdapter, UnknownModuleError } from '../replay/adapter.ts';
import { registerBuiltinAdapters } from '../replay/adapters/index.ts';
import { replayFile, type Mismatch, type ReplayReport } from '../replay/replay.ts';
import type { BackendKind } from '../../sim/index.ts';

export interface ReplayCliOptions {
  module: string;
  json: boolean;
  backend: BackendKind;
  internal: boolean;
}

export interface ReplayCliOutput {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
  report: ReplayReport | null;
}

const show = (v: number | string): string => (typeof v === 'number' ? `0x${v.toString(16)} (${v})` : `0x${v}`);

export function describeMismatch(m: Mismatch): string {
  return `cycle ${m.cycle}: ${m.signal}[${m.port}] expected ${show(m.expected)}, got ${show(m.got)}`;
}

/** Runs one replay and formats it; throws on a bad scenario file or a model error. */
export function runReplayCli(file: string, o: ReplayCliOptions): ReplayCliOutput {
  registerBuiltinAdapters();
  try {
    getAdapter(o.module);
  } catch (e) {
    if (e instanceof UnknownModuleError) return { code: 2, stdout: '', stderr: `pulpsim replay: ${e.message}\n`, report: null };
    throw e;
  }
  const r = replayFile(o.module, file, { backend: o.backend, internal: o.internal });
  const pass = r.mismatches === 0;
  let stdout: string;
  let stderr = '';
  if (o.json) {
    stdout = JSON.stringify({ cycles: r.cycles, checked: r.checked, mismatches: r.mismatches, first: r.first }) + '\n';
  } else {
    stdout = `${file}: ${o.module} ${pass ? 'MATCH' : 'MISMATCH'}: ${r.cycles} cycles, ${r.checked} signal-cycles checked, ${r.mismatches} mismatch(es)\n`;
  }
  if (!pass) {
    const per = Object.entries(r.bySignal)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    stderr += `pulpsim replay: ${file}: first mismatch at ${describeMismatch(r.first!)}\n`;
    if (!o.json) {
      stderr += `  by signal: ${per}\n`;
      for (const m of r.list.slice(1, 10)) stderr += `  ${describeMismatch(m)}\n`;
    }
  }
  return { code: pass ? 0 : 1, stdout, stderr, report: r };
}

/** Adds the `replay` subcommand to the `pulpsim` program. */
export function registerReplay(program: Command): void {
  registerBuiltinAdapters();
  program
    .command('replay')
    .description('replay an RTL timing scenario through a block model and compare every signal in every cycle')
    .argument('<scenario>', 'scenario JSON file (testbench/fixtures/timing/cluster/<block>/*.json)')
    .requiredOption('--module <name>', `block to replay (${adapterNames().join(', ')})`)
    .option('--json', 'print { cycles, checked, mismatches, first } as one JSON object', false)
    .addOption(new Option('--backend <kind>', 'simulation back-end').choices(['interp', 'codegen']).default('codegen'))
    .option('--no-internal', 'do not compare the internal registers the file records')
    .action((file: string, opts: ReplayCliOptions) => {
      const out = runReplayCli(file, opts);
      process.stdout.write(out.stdout);
      if (out.stderr) process.stderr.write(out.stderr);
      if (out.code !== 0) process.exit(out.code);
    });
}
