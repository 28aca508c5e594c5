import { describe, expect, it } from 'vitest';
import { gap8WithLatency } from './config.ts';
import { applySets, parseDump, runClusterCli } from './run_cluster.ts';

const ELF = 'testbench/fixtures/timing/cluster/system/psum8.elf';

describe('pulpsim run --config gap8', () => {
  it('prints the README total_cycles, tohost, per-core region deltas and dumped words as JSON', () => {
    const out = runClusterCli(ELF, { config: 'gap8', l2Latency: 20, maxCycles: 5000, json: true, dump: parseDump('0x1000f800:4') });
    expect(out.code).toBe(0);
    const j = JSON.parse(out.stdout) as { cycles: number; tohost: number; cores: { regionCycles: number[] }[]; dump: Record<string, number> };
    // expected.json psum8@L20: total 1766, core 0 regions [456, 99], the checked sum 3669504 = sum of 7i+3, i < 1024.
    expect(j.cycles).toBe(1766);
    expect(j.tohost).toBe(1);
    expect(j.cores).toHaveLength(8);
    expect(j.cores[0]!.regionCycles).toEqual([456, 99]);
    let sum = 0;
    for (let i = 0; i < 1024; i++) sum += 7 * i + 3;
    expect(j.dump['0x1000f800']).toBe(sum);
  }, 60_000);

  it('fails (exit code 1) at the cycle limit', () => {
    const out = runClusterCli(ELF, { config: 'gap8', maxCycles: 300, json: false });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/cycle limit of 300/);
  }, 60_000);

  it('checks --dump and --set', () => {
    expect(() => parseDump('0x1000f801:4')).toThrow(/word-aligned/);
    expect(() => parseDump('12')).toThrow(/ADDR:BYTES/);
    expect(applySets(gap8WithLatency(5), ['l2.latency=33']).l2.latency).toBe(33);
    expect(() => applySets(gap8WithLatency(5), ['l2.speed=3'])).toThrow(/unknown key 'l2.speed'/);
    expect(() => applySets(gap8WithLatency(5), ['l2.latency=0'])).toThrow(/l2.latency: must be an integer/);
  });
});
