import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { gap8WithLatency } from './config.ts';
import { parseDump } from './dump_option.ts';
import { runClusterCli } from './run_cluster.ts';

const ELF = 'testbench/fixtures/timing/cluster/system/psum8.elf';

// The README numbers through `--config gap8 --set l2.latency=20` are checked end to end in testbench/cli/cli_options.test.ts.
describe('pulpsim run --config gap8', () => {
  it('fails (exit code 1) at the cycle limit, with the per-core counters in the JSON', () => {
    const out = runClusterCli(readElf(readFileSync(ELF), ELF), { config: gap8WithLatency(5), configName: 'gap8', maxCycles: 300, json: true });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/cycle limit of 300/);
    const j = JSON.parse(out.stdout) as { cycles: number; exit: string; cores: { core: number; pccr: number[] }[] };
    expect(j.exit).toBe('limit');
    expect(j.cycles).toBe(300);
    expect(j.cores.map((c) => c.core)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 60_000);

  it('checks --dump', () => {
    expect(parseDump('0x1000f800:8', parseDump('16:4'))).toEqual([{ addr: 16, bytes: 4 }, { addr: 0x1000f800, bytes: 8 }]);
    expect(() => parseDump('0x1000f801:4')).toThrow(/word-aligned/);
    expect(() => parseDump('12')).toThrow(/ADDR:BYTES/);
    expect(() => parseDump('0x1000:6')).toThrow(/multiple of 4/);
  });
});
