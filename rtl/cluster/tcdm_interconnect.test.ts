// The interconnect's arbitration against the measured sequences of the fixture README ("Measured facts"), driven
// directly (not through the replay files): masters that keep requesting one bank back-to-back, as cores do.
import { describe, expect, it } from 'vitest';
import { Simulator, type BackendKind } from '../../sim/index.ts';
import { gap8Cluster, validateCluster, type ClusterConfig } from '../config/index.ts';
import { TcdmInterconnect } from './tcdm_interconnect.ts';
import { treeWinner } from './tcdm_interconnect_request_block.ts';

const BANK5 = 0x1000_0000 + 5 * 4; // bank 5, row 0

/** Every master in `masters` requests `addr` in every cycle; returns the served master per cycle. */
function hammer(masters: number[], cycles: number, policy = 0, backend: BackendKind = 'codegen', addr = BANK5, wen = 1): number[] {
  const top = new TcdmInterconnect();
  const sim = new Simulator(top, { backend });
  sim.poke(top.arb_policy, policy);
  for (const m of masters) {
    sim.poke(top.req[m]!, 1);
    sim.poke(top.add[m]!, addr);
    sim.poke(top.wen[m]!, wen);
    sim.poke(top.be[m]!, 0xf);
  }
  const served: number[] = [];
  for (let t = 0; t < cycles; t++) {
    const granted = masters.filter((m) => sim.peek(top.gnt[m]!) === 1);
    expect(granted.length).toBeLessThanOrEqual(1);
    served.push(granted.length === 1 ? granted[0]! : -1);
    sim.step();
  }
  return served;
}

describe('TCDM interconnect arbitration (README measured sequences)', () => {
  it.each([
    [[0, 1], [0, 1, 0, 1]],
    [[0, 1, 2], [0, 1, 2, 2, 0, 1, 2, 2]],
    [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 4, 4, 4, 0, 1, 2, 3, 0, 1]],
    [[0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 4, 5, 0, 1, 2, 3]],
    [[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7]],
    [[1, 2, 5, 6], [1, 1, 2, 2, 5, 5, 6, 6, 1, 1, 2, 2]],
  ])('cores %j on one bank, round robin wrapping at 11: %j', (masters, seq) => {
    expect(hammer(masters, seq.length)).toEqual(seq);
  });

  it('8 cores: cores 0-3 get 2/12 of the bank, cores 4-7 1/12 (50 vs 25 grants in 300 cycles)', () => {
    const s = hammer([0, 1, 2, 3, 4, 5, 6, 7], 300);
    const n = (m: number): number => s.filter((x) => x === m).length;
    expect([0, 1, 2, 3].map(n)).toEqual([50, 50, 50, 50]);
    expect([4, 5, 6, 7].map(n)).toEqual([25, 25, 25, 25]);
  });

  it('CH1 alone is a plain round robin: the DMA ports get 16 17 18 19 repeating', () => {
    expect(hammer([16, 17, 18, 19], 8)).toEqual([16, 17, 18, 19, 16, 17, 18, 19]);
  });

  it.each(['interp', 'codegen'] as const)('CH0 and CH1 alternate strictly, CH0 first (%s)', (backend) => {
    const seq = [0, 16, 1, 17, 2, 18, 3, 19, 4, 16, 5, 17, 6, 18, 7, 19, 0, 16];
    expect(hammer([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19], seq.length, 0, backend)).toEqual(seq);
  });

  it('last-win policy on CH0: core 0 keeps the bank while it requests', () => {
    const s = hammer([0, 1, 2, 3], 260, 1);
    expect(s.every((m) => m === 0)).toBe(true);
  });

  it('test-and-set: each TAS load occupies its bank for two cycles, the set cycle grants nobody', () => {
    const s = hammer([0, 1, 2], 8, 0, 'codegen', BANK5 | (1 << 20), 1);
    expect(s).toEqual([0, -1, 1, -1, 2, -1, 2, -1]);
  });

  it('a store with the TAS bit is a plain store (no set cycle)', () => {
    expect(hammer([0, 1], 4, 0, 'codegen', BANK5 | (1 << 20), 0)).toEqual([0, 1, 0, 1]);
  });

  it('test-and-set reads the old word, then writes all ones under the byte enables; r_valid one cycle after each grant', () => {
    const top = new TcdmInterconnect();
    const sim = new Simulator(top);
    top.banks[5]!.mem.data[3] = 0x1234_5678;
    const addr = 0x1000_0000 + 3 * 64 + 5 * 4;
    sim.poke(top.req[2]!, 1);
    sim.poke(top.add[2]!, addr | (1 << 20));
    sim.poke(top.wen[2]!, 1);
    sim.poke(top.be[2]!, 0b0101);
    expect(sim.peek(top.gnt[2]!)).toBe(1);
    sim.step();
    // Set cycle: the TAS master requesting the same word again is refused.
    expect(sim.peek(top.gnt[2]!)).toBe(0);
    expect(sim.peek(top.r_valid[2]!)).toBe(1);
    expect(sim.peek(top.r_rdata[2]!)).toBe(0x1234_5678);
    expect(sim.peek(top.bank_ts_set[5]!)).toBe(1);
    expect(sim.peek(top.bank_id[5]!)).toBe(2);
    sim.poke(top.add[2]!, addr); // plain load of the same word
    sim.step();
    expect(sim.peek(top.r_valid[2]!)).toBe(0);
    expect(sim.peek(top.gnt[2]!)).toBe(1);
    sim.step();
    expect(sim.peek(top.r_valid[2]!)).toBe(1);
    expect(sim.peek(top.r_rdata[2]!)).toBe(0x12ff_56ff);
  });

  it('tree winner is argmin(r XOR counter) over the requesters', () => {
    // By hand: requesters {1,2,5,6}, counter 4 -> keys 5,6,1,2 -> leaf 5 wins; counter 0 -> leaf 1.
    const mask = (1 << 1) | (1 << 2) | (1 << 5) | (1 << 6);
    expect(treeWinner(mask, 16, 4)).toBe(5);
    expect(treeWinner(mask, 16, 0)).toBe(1);
    expect(treeWinner(0, 16, 3)).toBe(-1);
  });
});

describe('cluster configuration', () => {
  it('the interconnect follows the configured bank count and rows (8 banks: bank = add[4:2])', () => {
    const cfg: ClusterConfig = structuredClone(gap8Cluster);
    cfg.tcdm.banks = 8;
    const top = new TcdmInterconnect(cfg);
    const sim = new Simulator(top);
    expect(top.banks.length).toBe(8);
    top.banks[7]!.mem.data[2] = 0xabc;
    sim.poke(top.req[0]!, 1);
    sim.poke(top.add[0]!, 2 * 32 + 7 * 4);
    sim.poke(top.wen[0]!, 1);
    sim.step();
    expect(sim.peek(top.r_rdata[0]!)).toBe(0xabc);
  });

  it('refuses bad parameters, naming the field', () => {
    const bad = structuredClone(gap8Cluster);
    bad.tcdm.banks = 12;
    expect(() => validateCluster(bad)).toThrow(/cluster\.tcdm\.banks/);
    const bad2 = structuredClone(gap8Cluster);
    bad2.tcdm.testSetBit = 10;
    expect(() => validateCluster(bad2)).toThrow(/cluster\.tcdm\.testSetBit/);
  });
});
