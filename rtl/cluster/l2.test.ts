// The L2 model and the cluster's AXI path against the system README's rules: beats of a read accepted in cycle a at
// a+L, a+L+1 (in order, after the previous burst), B at w+L, byte strobes, 16 queued reads at most; the path's
// offsets (I$ AR +4, R +4; per2axi AR/AW +5, W +6, response +5) and its refusal handling.
import { describe, expect, it } from 'vitest';
import { Module, Simulator } from '../../sim/index.ts';
import { ClusterAxi } from './axi_bus.ts';
import { L2Memory } from './l2.ts';

const BASE = 0x1c00_0000;

/** The L2 alone as the simulated top, so its inputs are poked directly. */
function l2Only(L: number): { l2: L2Memory } {
  return { l2: new L2Memory({ base: BASE, sizeBytes: 4096, latency: L }) };
}

describe('L2 memory model', () => {
  it('read bursts: beats at a+L and a+L+1, in order, the next burst after the previous one; data {word(A+4), word(A)}', () => {
    const L = 5;
    const { l2 } = l2Only(L);
    const sim = new Simulator(l2);
    for (let i = 0; i < 1024; i++) l2.mem.data[i] = (0xabc00000 + i) >>> 0;
    sim.poke(l2.r_ready, 1);
    sim.poke(l2.b_ready, 1);
    sim.poke(l2.ar_len, 1);
    sim.poke(l2.ar_size, 3);
    const beats: number[][] = [];
    for (let c = 0; c < 30; c++) {
      const issue = c === 2 || c === 3;
      sim.poke(l2.ar_valid, issue ? 1 : 0);
      sim.poke(l2.ar_addr, BASE + (c === 2 ? 0x40 : 0x80));
      sim.poke(l2.ar_id, c);
      if (sim.peek(l2.r_valid)) beats.push([c, sim.peek(l2.r_id), sim.peek(l2.r_last), sim.peek(l2.r_data[0]!), sim.peek(l2.r_data[1]!)]);
      sim.step();
    }
    // AR in 2: beats 7, 8; AR in 3: due 8 but the channel is busy, so 9, 10.
    expect(beats.map((b) => b[0])).toEqual([7, 8, 9, 10]);
    expect(beats.map((b) => b[1])).toEqual([2, 2, 3, 3]);
    expect(beats.map((b) => b[2])).toEqual([0, 1, 0, 1]);
    expect(beats[0]!.slice(3)).toEqual([0xabc00010, 0xabc00011]);
    expect(beats[1]!.slice(3)).toEqual([0xabc00012, 0xabc00013]);
  });

  it('writes: strobes applied, B at w+L; at most 16 reads queued; outside the window reads 0', () => {
    const L = 7;
    const { l2 } = l2Only(L);
    const sim = new Simulator(l2);
    l2.mem.data[3] = 0x11223344;
    sim.poke(l2.r_ready, 0);
    sim.poke(l2.b_ready, 1);
    let b = -1;
    for (let c = 0; c < 40; c++) {
      sim.poke(l2.aw_valid, c === 1 ? 1 : 0);
      sim.poke(l2.aw_addr, BASE + 8);
      sim.poke(l2.aw_size, 2);
      sim.poke(l2.w_valid, c === 2 ? 1 : 0);
      sim.poke(l2.w_last, 1);
      sim.poke(l2.w_data[0]!, 0);
      sim.poke(l2.w_data[1]!, 0xaabbccdd);
      sim.poke(l2.w_strb, 0b0101_0000);
      sim.poke(l2.ar_valid, c >= 3 && c < 23 ? 1 : 0);
      sim.poke(l2.ar_addr, 0x2000_0000);
      sim.poke(l2.ar_len, 0);
      sim.poke(l2.ar_size, 2);
      if (c === 22) expect(sim.peek(l2.ar_ready)).toBe(0); // 16 accepted in 3..18, none read out
      if (sim.peek(l2.b_valid) && b < 0) b = c;
      sim.step();
    }
    expect(b).toBe(2 + L);
    expect(l2.mem.data[3]).toBe(0x11bb33dd);
    sim.poke(l2.r_ready, 1);
    expect(sim.peek(l2.r_valid)).toBe(1);
    expect(sim.peek(l2.r_data[0]!)).toBe(0);
  });
});

/** The path and L2, with the masters' side of the path as top-level inputs. */
class PathTop extends Module {
  axi = new ClusterAxi();
  l2: L2Memory;
  ic_ar_valid = this.input(1);
  ic_ar_addr = this.input(32);
  ic_ar_id = this.input(6);
  ic_ar_len = this.input(8);
  ic_ar_size = this.input(3);
  p_req = this.input(1);
  p_add = this.input(32);
  p_wen = this.input(1);
  p_wdata = this.input(32);
  p_be = this.input(4);
  p_core = this.input(4);
  constructor(L: number) {
    super();
    for (const k of ['ic_ar_valid', 'ic_ar_addr', 'ic_ar_id', 'ic_ar_len', 'ic_ar_size', 'p_req', 'p_add', 'p_wen', 'p_wdata', 'p_be', 'p_core'] as const) {
      this.connect(this.axi[k], this[k]);
    }
    this.l2 = new L2Memory({ base: BASE, sizeBytes: 4096, latency: L });
    const { axi, l2 } = this;
    for (const [a, b] of [
      [l2.ar_valid, axi.ar_valid], [l2.ar_addr, axi.ar_addr], [l2.ar_id, axi.ar_id], [l2.ar_len, axi.ar_len], [l2.ar_size, axi.ar_size],
      [axi.ar_ready, l2.ar_ready], [axi.r_valid, l2.r_valid], [axi.r_id, l2.r_id], [axi.r_data[0]!, l2.r_data[0]!], [axi.r_data[1]!, l2.r_data[1]!],
      [axi.r_last, l2.r_last], [l2.r_ready, axi.r_ready], [l2.aw_valid, axi.aw_valid], [l2.aw_addr, axi.aw_addr], [l2.aw_id, axi.aw_id],
      [l2.aw_len, axi.aw_len], [l2.aw_size, axi.aw_size], [axi.aw_ready, l2.aw_ready], [l2.w_valid, axi.w_valid], [l2.w_data[0]!, axi.w_data[0]!],
      [l2.w_data[1]!, axi.w_data[1]!], [l2.w_strb, axi.w_strb], [l2.w_last, axi.w_last], [axi.w_ready, l2.w_ready], [axi.b_valid, l2.b_valid],
      [axi.b_id, l2.b_id], [l2.b_ready, axi.b_ready],
    ] as const) this.connect(a, b);
  }
}

describe('cluster AXI path', () => {
  it('I$ miss and per2axi load/store offsets (system README: g+8 at the port for a g+4 I$ AR, per2axi +5/+6, responses +4/+5)', () => {
    const L = 5;
    const top = new PathTop(L);
    const sim = new Simulator(top);
    const { axi, l2 } = top;
    l2.mem.data[0x10] = 0x01020304;
    l2.mem.data[0x11] = 0x05060708;
    const ar: number[][] = [];
    const icR: number[] = [];
    const pR: number[][] = [];
    let aw = -1;
    let w = -1;
    for (let c = 0; c < 60; c++) {
      sim.poke(top.ic_ar_valid, c === 10 ? 1 : 0);
      sim.poke(top.ic_ar_addr, BASE + 0x100);
      sim.poke(top.ic_ar_id, 3);
      sim.poke(top.ic_ar_len, 1);
      sim.poke(top.ic_ar_size, 3);
      const p = c === 20 || c === 40;
      sim.poke(top.p_req, p ? 1 : 0);
      sim.poke(top.p_add, BASE + 0x44);
      sim.poke(top.p_wen, c === 20 ? 1 : 0);
      sim.poke(top.p_wdata, 0xcafef00d);
      sim.poke(top.p_be, 0xf);
      sim.poke(top.p_core, 6);
      if (sim.peek(l2.ar_valid) && sim.peek(l2.ar_ready)) ar.push([c, sim.peek(l2.ar_id)]);
      if (sim.peek(l2.aw_valid)) aw = c;
      if (sim.peek(l2.w_valid)) w = c;
      if (sim.peek(axi.ic_r_valid)) icR.push(c);
      if (sim.peek(axi.p_r_valid)) pR.push([c, sim.peek(axi.p_r_core), sim.peek(axi.p_r_rdata)]);
      sim.step();
    }
    expect(ar).toEqual([[14, 48 | 3], [25, 32 | 6]]);
    expect(icR).toEqual([14 + L + 4, 14 + L + 5]);
    expect(pR[0]).toEqual([25 + L + 5, 6, 0x05060708]);
    expect(aw).toBe(45);
    expect(w).toBe(46);
    expect(pR[1]![0]).toBe(46 + L + 5);
    expect(l2.mem.data[0x11]).toBe(0xcafef00d);
  });

  it('a per2axi read and an I$ AR in the same cycle alternate (round robin); nothing is lost while L2 refuses ARs', () => {
    const top = new PathTop(30);
    const sim = new Simulator(top);
    const { axi, l2 } = top;
    let icSent = 0;
    let pSent = 0;
    const ids: number[] = [];
    for (let c = 0; c < 200; c++) {
      const icV = icSent < 12 ? 1 : 0;
      const pV = pSent < 12 ? 1 : 0;
      sim.poke(top.ic_ar_valid, icV);
      sim.poke(top.ic_ar_addr, BASE);
      sim.poke(top.ic_ar_id, icSent & 15);
      sim.poke(top.ic_ar_len, 1);
      sim.poke(top.ic_ar_size, 3);
      sim.poke(top.p_req, pV);
      sim.poke(top.p_add, BASE);
      sim.poke(top.p_wen, 1);
      sim.poke(top.p_wdata, 0);
      sim.poke(top.p_be, 0xf);
      sim.poke(top.p_core, pSent & 7);
      if (icV && sim.peek(axi.ic_ar_ready)) icSent++;
      if (pV && sim.peek(axi.p_gnt)) pSent++;
      if (sim.peek(l2.ar_valid) && sim.peek(l2.ar_ready)) ids.push(sim.peek(l2.ar_id));
      sim.step();
    }
    // 24 ARs against 16 queue places and a latency of 30: the path must hold, not drop.
    expect(icSent).toBe(12);
    expect(pSent).toBe(12);
    expect(ids).toHaveLength(24);
    expect(ids.filter((i) => i >>> 4 === 3)).toHaveLength(12);
    // Cycle 0 has no contention (per2axi's request reaches its register a cycle later); from then on the two alternate.
    const kinds = ids.slice(1, 9).map((i) => i >>> 4);
    for (let k = 1; k < kinds.length; k++) expect(kinds[k]).not.toBe(kinds[k - 1]);
  });
});
