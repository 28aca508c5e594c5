// The 8-core programs measured on the pulp_cluster RTL (testbench/fixtures/timing/cluster/system/) run on the
// functional cluster ISS: each must end with core 0's store of 1 to tohost (its own checks passed) and leave the
// values expected.json records. Cycle counts are not functional and are not compared; the number of measured
// regions each core stored (12-byte records at 0x1000_F000 + 0x100·k) is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { ClusterIss } from './cluster_iss.ts';

const DIR = 'testbench/fixtures/timing/cluster/system';

interface Entry {
  elf: string;
  tohost: number;
  results: { region_cycles: number[][]; values: Record<string, number> };
}

const programs = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { programs: Record<string, Entry> }).programs;

function runElf(file: string): ClusterIss {
  const path = join(DIR, file);
  const c = new ClusterIss(undefined, { maxInstructions: 2_000_000 });
  c.load(readElf(readFileSync(path), path));
  return c;
}

describe('cluster/system programs on the cluster ISS', () => {
  const byElf = new Map<string, Entry>();
  for (const e of Object.values(programs)) byElf.set(e.elf, e);

  it('covers the five programs of the fixture', () => {
    expect([...byElf.keys()].sort()).toEqual(['contention8.elf', 'l2_data8.elf', 'matmul8.elf', 'psum8.elf', 'tas_lock8.elf']);
  });

  for (const [file, e] of byElf) {
    it(`${file}: tohost ${e.tohost} and the recorded values`, () => {
      const c = runElf(file);
      const r = c.run();
      expect(r.exit).toBe('tohost');
      expect(r.core).toBe(0);
      expect(r.tohost, r.message).toBe(e.tohost);
      for (const [addr, v] of Object.entries(e.results.values)) expect(c.memory.readWord(Number(addr)), addr).toBe(v);
      for (let k = 0; k < 8; k++) {
        // A region record's first word is a cycle delta (> 0); the word after the last record is still 0.
        const n = e.results.region_cycles[k]!.length;
        for (let i = 0; i < n; i++) expect(c.memory.readWord(0x1000_f000 + 0x100 * k + 12 * i), `core ${k} region ${i}`).toBeGreaterThan(0);
        expect(c.memory.readWord(0x1000_f000 + 0x100 * k + 12 * n), `core ${k} after its regions`).toBe(0);
      }
      // Core 0 enables the I$ during start-up (cl.inc BOOT).
      expect(c.memory.icacheCtrl.enabled).toBe(true);
    });
  }

  it('psum8: every core stored the sum of its slice of a[i] = 7i + 3', () => {
    const c = runElf('psum8.elf');
    c.run();
    for (let k = 0; k < 8; k++) {
      // sum over i = 128k .. 128k+127 of 7i + 3 = 7 * (128 * 128k + 127 * 128 / 2) + 3 * 128
      const expected = 7 * (128 * 128 * k + (127 * 128) / 2) + 3 * 128;
      expect(c.memory.readWord(0x1000_e000 + 4 * k)).toBe(expected);
    }
  });

  it('tas_lock8: the lock word is free and the counter is 8 x 16', () => {
    const c = runElf('tas_lock8.elf');
    c.run();
    expect(c.memory.readWord(0x1000_e200)).toBe(128);
    expect(c.memory.readWord(0x1000_e100)).toBe(0);
  });

  it('the cores read their own id from mhartid: every core ends asleep in FINISH but core 0', () => {
    const c = runElf('psum8.elf');
    const r = c.run();
    const rep = c.report();
    expect(rep[0]!.state).toBe('awake');
    for (let k = 1; k < 8; k++) expect(rep[k]!.state, `core ${k}`).toBe('asleep');
    // All cores ran the same fill and sum loops: 128 + 128 loop bodies of two instructions each at least.
    for (let k = 0; k < 8; k++) expect(r.steps[k]!).toBeGreaterThan(4 * 128);
  });
});
