// `pulpsim run --dump ADDR:BYTES` (cluster configurations): its parsing, apart from run_cluster.ts so that the
// command registers it without loading the cluster's model (testbench/cli/main.ts loads a command's module only).
import { type Command, InvalidArgumentError, Option } from 'commander';

/** Parses `ADDR:BYTES` (address hex or decimal, BYTES a positive multiple of 4). */
export function parseDump(v: string, prev: { addr: number; bytes: number }[] = []): { addr: number; bytes: number }[] {
  const m = /^\s*(0x[0-9a-fA-F]+|\d+)\s*:\s*(\d+)\s*$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--dump '${v}' must be ADDR:BYTES, e.g. 0x1000f800:16`);
  const addr = Number(m[1]);
  const bytes = Number(m[2]);
  if (addr % 4 !== 0 || addr > 0xffffffff) throw new InvalidArgumentError(`--dump '${v}': ADDR must be a word-aligned 32-bit address`);
  if (bytes < 4 || bytes % 4 !== 0 || bytes > 1 << 20) throw new InvalidArgumentError(`--dump '${v}': BYTES must be a multiple of 4 from 4 to 1048576`);
  return [...prev, { addr, bytes }];
}

/** `--dump ADDR:BYTES` of `pulpsim run` (repeatable). */
export function addDumpOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--dump <ADDR:BYTES>', 'cluster: print memory words (TCDM or L2) after the run (repeatable)').argParser((v: string, p?: { addr: number; bytes: number }[]) => parseDump(v, p)),
  );
}
