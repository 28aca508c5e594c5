// The shared I$ in closed loop with the refill memory and scripted cores, against the README's rules and timing
// (testbench/fixtures/timing/cluster/icache/README.md, "Resulting timing"), the refill memory against the RTL
// harness's recorded AXI stimulus, and the configuration/what-if switches. Expected values are the README's
// formulas and a line-content function written here, not the model's output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Module, Simulator, type BackendKind, type Input } from '../../sim/index.ts';
import { icacheConfig } from '../config/index.ts';
import { loadJson, parseChangeListScenario } from '../../testbench/replay/scenario.ts';
import { Icache, type IcacheOptions } from './icache.ts';
import { ICACHE_CTRL_BASE } from './icache_ctrl_unit.ts';
import { icacheGeometry } from './icache_geometry.ts';
import { intcWinner, intcWinnerN } from './icache_intc.ts';
import { lfsrStep } from './icache_private_ctrl.ts';
import { IcacheRefillMem } from './icache_refill_mem.ts';

/** The vectors' memory content: word(X) = X ^ 0x5EED0000. */
const word = (a: number): number => (a ^ 0x5eed0000) >>> 0;
const lineOf = (a: number): number[] => [0, 4, 8, 12].map((o) => word(((a & ~0xf) + o) >>> 0));

/** The cache with its refill memory; fetch and control ports at the top. */
class System extends Module {
  readonly ic: Icache;
  readonly mem: IcacheRefillMem;
  readonly ports: number;
  readonly req: Input[];
  readonly addr: Input[];
  readonly ctl_req = this.input(1);
  readonly ctl_add = this.input(32);
  readonly ctl_wen = this.input(1);
  readonly ctl_wdata = this.input(32);
  constructor(latency: number, maxOutstanding: number, opts: IcacheOptions = {}) {
    super();
    this.ports = opts.ports ?? 8;
    this.req = Array.from({ length: this.ports }, () => this.input(1));
    this.addr = Array.from({ length: this.ports }, () => this.input(32));
    this.ic = new Icache(opts);
    this.mem = new IcacheRefillMem({ latency, maxOutstanding, word });
    const { ic, mem } = this;
    for (let k = 0; k < this.ports; k++) {
      this.connect(ic.fetch_req[k]!, this.req[k]!);
      this.connect(ic.fetch_addr[k]!, this.addr[k]!);
    }
    this.connect(ic.ctl_req, this.ctl_req);
    this.connect(ic.ctl_add, this.ctl_add);
    this.connect(ic.ctl_wen, this.ctl_wen);
    this.connect(ic.ctl_wdata, this.ctl_wdata);
    this.connect(mem.ar_valid, ic.ar_valid);
    this.connect(mem.ar_addr, ic.ar_addr);
    this.connect(mem.ar_id, ic.ar_id);
    this.connect(ic.ar_ready, mem.ar_ready);
    this.connect(ic.r_valid, mem.r_valid);
    this.connect(ic.r_id, mem.r_id);
    this.connect(ic.r_data[0]!, mem.r_data[0]!);
    this.connect(ic.r_data[1]!, mem.r_data[1]!);
    this.connect(ic.r_last, mem.r_last);
    this.connect(ic.r_resp, mem.r_resp);
    this.connect(mem.r_ready, ic.r_ready);
  }
}

interface Fetch {
  core: number;
  addr: number;
  gnt: number;
  rvalid: number;
  data: number[];
}

/** Scripted agents as the README describes them: one outstanding fetch per core, req+addr held until gnt, the next
 *  fetch requested in the cycle r_valid arrives (or `gap` cycles later); control writes held until ctl_gnt. */
class Bench {
  readonly sys: System;
  readonly sim: Simulator;
  readonly fetches: Fetch[] = [];
  ctlResponses: number[] = [];
  private queues: { addr: number; gap: number }[][];
  private waiting: (Fetch | null)[];
  private nextAt: number[];
  private ctlOps: { off: number; data: number; at: number }[] = [];
  private ctlBusy = false;

  constructor(latency: number, opts: IcacheOptions = {}, backend: BackendKind = 'codegen', maxOutstanding = 16) {
    this.sys = new System(latency, maxOutstanding, opts);
    this.sim = new Simulator(this.sys, { backend });
    const P = this.sys.ports;
    this.queues = Array.from({ length: P }, () => []);
    this.waiting = Array<Fetch | null>(P).fill(null);
    this.nextAt = Array<number>(P).fill(0);
  }
  fetch(core: number, addr: number, gap = 0): this {
    this.queues[core]!.push({ addr, gap });
    return this;
  }
  startAt(core: number, cycle: number): this {
    this.nextAt[core] = cycle;
    return this;
  }
  write(off: number, data: number, at = 0): this {
    this.ctlOps.push({ off, data, at });
    return this;
  }
  get t(): number {
    return this.sim.cycle;
  }
  run(cycles: number): this {
    const { sim, sys } = this;
    const ic = sys.ic;
    for (let n = 0; n < cycles; n++) {
      const t = sim.cycle;
      // A response frees the core, which requests its next fetch in that same cycle (or `gap` cycles later).
      const P = sys.ports;
      for (let k = 0; k < P; k++) {
        const w = this.waiting[k];
        if (w !== null && w !== undefined && sim.peek(ic.fetch_rvalid[k]!)) {
          w.rvalid = t;
          w.data = ic.fetch_rdata[k]!.map((s) => sim.peek(s));
          this.waiting[k] = null;
          const q = this.queues[k]!;
          this.nextAt[k] = q.length > 0 ? t + q[0]!.gap : t;
        }
      }
      const reqNow: boolean[] = [];
      for (let k = 0; k < P; k++) {
        const q = this.queues[k]!;
        const want = this.waiting[k] === null && q.length > 0 && t >= this.nextAt[k]!;
        sim.poke(sys.req[k]!, want ? 1 : 0);
        if (want) sim.poke(sys.addr[k]!, q[0]!.addr);
        reqNow.push(want);
      }
      const op = this.ctlOps[0];
      const ctlReq = !this.ctlBusy && op !== undefined && t >= op.at;
      sim.poke(sys.ctl_req, ctlReq ? 1 : 0);
      if (ctlReq) {
        sim.poke(sys.ctl_add, ICACHE_CTRL_BASE + op.off);
        sim.poke(sys.ctl_wen, 0);
        sim.poke(sys.ctl_wdata, op.data);
      }
      for (let k = 0; k < P; k++) {
        if (reqNow[k] && sim.peek(ic.fetch_gnt[k]!)) {
          const f: Fetch = { core: k, addr: this.queues[k]!.shift()!.addr, gnt: t, rvalid: -1, data: [] };
          this.fetches.push(f);
          this.waiting[k] = f;
        }
      }
      if (ctlReq && sim.peek(ic.ctl_gnt)) this.ctlBusy = true;
      if (sim.peek(ic.ctl_r_valid)) {
        this.ctlResponses.push(t);
        this.ctlBusy = false;
        this.ctlOps.shift();
      }
      sim.step();
    }
    return this;
  }
}

describe('icache timing (README "Resulting timing")', () => {
  for (const L of [2, 5, 10]) {
    it(`L = ${L}: ENABLE answered at W+4, isolated miss at g+L+8, then a hit at g+1, both with the memory's line`, () => {
      const A = 0x1c00_0120;
      const b = new Bench(L).write(0x00, 1).startAt(0, 70).fetch(0, A).fetch(0, A).run(120);
      expect(b.ctlResponses).toEqual([4]);
      const [miss, hit] = b.fetches;
      expect(miss!.gnt).toBe(70);
      expect(miss!.rvalid).toBe(70 + L + 8);
      expect(miss!.data).toEqual(lineOf(A));
      expect(hit!.gnt).toBe(miss!.rvalid); // requested in the cycle r_valid arrived, granted at once
      expect(hit!.rvalid).toBe(hit!.gnt + 1);
      expect(hit!.data).toEqual(lineOf(A));
    });
  }

  it('bypass (never enabled): nothing cached, every fetch at g+L+5', () => {
    const L = 5;
    const b = new Bench(L).startAt(0, 70).fetch(0, 0x1c00_0000).fetch(0, 0x1c00_0000).fetch(0, 0x1c00_0010).run(120);
    expect(b.fetches.map((f) => f.rvalid - f.gnt)).toEqual([L + 5, L + 5, L + 5]);
    expect(b.fetches.map((f) => f.data)).toEqual([lineOf(0x1c00_0000), lineOf(0x1c00_0000), lineOf(0x1c00_0010)]);
  });

  it('8 cores missing the same line: one AR, all answered in the same cycle', () => {
    const L = 10;
    const b = new Bench(L).write(0x00, 1);
    for (let k = 0; k < 8; k++) b.startAt(k, 70).fetch(k, 0x1c00_0040);
    let ars = 0;
    b.sim.onSettled(() => {
      if (b.sim.peek(b.sys.ic.ar_valid) && b.sim.peek(b.sys.mem.ar_ready)) ars++;
    });
    b.run(100);
    expect(ars).toBe(1);
    expect(b.fetches.map((f) => f.rvalid)).toEqual(Array(8).fill(70 + L + 8));
  });

  it('8 cores missing different lines: round robin, core k answered at g+L+8+2k', () => {
    const L = 2;
    const b = new Bench(L).write(0x00, 1);
    for (let k = 0; k < 8; k++) b.startAt(k, 70).fetch(k, 0x1c00_0000 + 0x1000 * k);
    b.run(110);
    expect(b.fetches.map((f) => [f.core, f.rvalid - f.gnt])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => [k, L + 8 + 2 * k]));
  });

  it('flush of an idle enabled cache: 64-cycle invalidation, answered at W+67, lines refetched afterwards', () => {
    const L = 5;
    const A = 0x1c00_0200;
    const W = 150;
    const b = new Bench(L).write(0x00, 1).write(0x04, 1, W).startAt(0, 70).fetch(0, A).run(W + 80);
    expect(b.ctlResponses).toEqual([4, W + 67]);
    b.fetch(0, A).run(40);
    const again = b.fetches[1]!;
    expect(again.rvalid - again.gnt).toBe(L + 8);
  });

  it('addresses equal in bits 17:4 alias (8-bit reduced tag): a hit returning the other line', () => {
    const A = 0x1c00_0300;
    const B = A + 0x4_0000;
    const b = new Bench(5).write(0x00, 1).startAt(0, 70).fetch(0, A).fetch(0, B).run(100);
    const [, alias] = b.fetches;
    expect(alias!.rvalid - alias!.gnt).toBe(1);
    expect(alias!.data).toEqual(lineOf(A));
  });

  it('any fetch stream: every fetch is answered with its own line (property, no aliasing)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 0, max: 3 })), { maxLength: 12 }), { minLength: 8, maxLength: 8 }),
        (L, programs) => {
          const b = new Bench(L).write(0x00, 1);
          // 96 lines spread over 3 tags of 32 rows: conflicts and evictions, all inside one 256 KB window.
          programs.forEach((p, k) => {
            b.startAt(k, 70);
            for (const [line, gap] of p) b.fetch(k, 0x1c00_0000 + (line % 32) * 16 + Math.floor(line / 32) * 0x1000, gap);
          });
          b.run(70 + 12 * 8 * (L + 30));
          const total = programs.reduce((n, p) => n + p.length, 0);
          expect(b.fetches).toHaveLength(total);
          for (const f of b.fetches) {
            expect(f.rvalid).toBeGreaterThan(f.gnt);
            expect(f.data).toEqual(lineOf(f.addr));
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

// 16 fetch ports (a 16-core cluster): the 8-port rules above with one private controller per core. The expected
// cycles are the measured 8-port rules carried over (derived): hits and merged misses do not depend on the port
// count, and the miss tree, whose counter F advances at every granted miss, presents 16 simultaneous misses in core
// order (winner = F when all request), one every 2 cycles as with 8.
describe('icache with 16 fetch ports', () => {
  const P16 = { ports: 16 };

  it('more or fewer than the GAP-8 or 16 ports are refused, naming the count', () => {
    expect(() => new Icache({ ports: 12 })).toThrow('icache: fetch ports must be a power of two from 8 to 16 (one per core), got 12');
    expect(() => new Icache({ ports: 32 })).toThrow(/got 32/);
  });

  it('16 cores missing the same line: one AR, all answered at g+L+8; then hits at g+1', () => {
    // The tree presents one miss per cycle, so the 16th merges 16 cycles after the first: L = 20 keeps the line's
    // completion after every merge (with a shorter L the last misses meet the completion and retry, as with 8).
    const L = 20;
    const b = new Bench(L, P16).write(0x00, 1);
    for (let k = 0; k < 16; k++) b.startAt(k, 70).fetch(k, 0x1c00_0040).fetch(k, 0x1c00_0040);
    let ars = 0;
    b.sim.onSettled(() => {
      if (b.sim.peek(b.sys.ic.ar_valid) && b.sim.peek(b.sys.mem.ar_ready)) ars++;
    });
    b.run(130);
    expect(ars).toBe(1);
    const first = b.fetches.filter((f) => f.gnt === 70);
    expect(first.map((f) => f.rvalid)).toEqual(Array(16).fill(70 + L + 8));
    const hits = b.fetches.filter((f) => f.gnt > 70);
    expect(hits).toHaveLength(16);
    for (const h of hits) {
      expect(h.rvalid - h.gnt).toBe(1);
      expect(h.data).toEqual(lineOf(0x1c00_0040));
    }
  });

  it('16 cores missing different lines: core k answered at g+L+8+2k with its own line', () => {
    const L = 2;
    const b = new Bench(L, P16).write(0x00, 1);
    for (let k = 0; k < 16; k++) b.startAt(k, 70).fetch(k, 0x1c00_0000 + 0x1000 * k + 0x10 * k);
    b.run(130);
    expect(b.fetches.map((f) => [f.core, f.rvalid - f.gnt])).toEqual(Array.from({ length: 16 }, (_, k) => [k, L + 8 + 2 * k]));
    for (const f of b.fetches) expect(f.data).toEqual(lineOf(f.addr));
  });

  it('bypass (never enabled): cores 8..15 fetch through AXI IDs 8..15 at g+L+5, each with its line', () => {
    const L = 5;
    const b = new Bench(L, P16);
    const ids: number[] = [];
    b.sim.onSettled(() => {
      if (b.sim.peek(b.sys.ic.ar_valid) && b.sim.peek(b.sys.mem.ar_ready)) ids.push(b.sim.peek(b.sys.ic.ar_id));
    });
    for (let k = 8; k < 16; k++) b.startAt(k, 70 + 20 * (k - 8)).fetch(k, 0x1c00_0000 + 0x30 * k);
    b.run(70 + 20 * 8 + 30);
    expect(b.fetches.map((f) => f.core)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(b.fetches.map((f) => f.rvalid - f.gnt)).toEqual(Array(8).fill(L + 5));
    expect(b.fetches.map((f) => f.data)).toEqual(b.fetches.map((f) => lineOf(f.addr)));
    expect(ids).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('any fetch stream on 16 ports: every fetch is answered with its own line (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 0, max: 3 })), { maxLength: 8 }), { minLength: 16, maxLength: 16 }),
        (L, programs) => {
          const b = new Bench(L, P16).write(0x00, 1);
          programs.forEach((p, k) => {
            b.startAt(k, 70);
            for (const [line, gap] of p) b.fetch(k, 0x1c00_0000 + (line % 32) * 16 + Math.floor(line / 32) * 0x1000, gap);
          });
          b.run(70 + 8 * 16 * (L + 30));
          expect(b.fetches).toHaveLength(programs.reduce((n, p) => n + p.length, 0));
          for (const f of b.fetches) {
            expect(f.rvalid).toBeGreaterThan(f.gnt);
            expect(f.data).toEqual(lineOf(f.addr));
          }
        },
      ),
      { numRuns: 8 },
    );
  });
});

describe('icache hazards reproduced (README "Selective flush", "Hazard 1")', () => {
  it('selective flush with the cache enabled: the write is granted, never answered, and nothing is invalidated', () => {
    const A = 0x1c00_0400;
    const b = new Bench(5).write(0x00, 1).write(0x0c, A, 120).startAt(0, 70).fetch(0, A).run(130);
    let gnts = 0;
    b.sim.onSettled(() => (gnts += b.sim.peek(b.sys.ic.ctl_gnt)));
    b.fetch(0, A).run(300);
    expect(b.ctlResponses).toEqual([4]);
    expect(gnts).toBe(0);
    const again = b.fetches[1]!;
    expect(again.rvalid - again.gnt).toBe(1);
  });

  it('a bypass fetch still queued when ENABLE is written is served as a refill with way mask 0 and never answered', () => {
    const A = 0x1c00_0520;
    const writes: number[][] = [];
    const b = new Bench(5).write(0x00, 1, 10).startAt(2, 5).fetch(2, A).startAt(3, 150).fetch(3, A);
    const c = b.sys.ic.central;
    b.sim.onSettled((t) => {
      if (t >= 64 && b.sim.peek(c.tag_we)) writes.push([b.sim.peek(c.tag_row), b.sim.peek(c.tag_ways), b.sim.peek(c.tag_wdata)]);
    });
    b.run(200);
    expect(b.fetches.map((f) => [f.core, f.gnt, f.rvalid])).toEqual([[2, 5, -1], [3, 150, 150 + 5 + 8]]);
    // bank A[6:4] = 2, set A[9:7] = 2 -> row 2 * 8 + 2; {valid, tag A[17:10]}. A bypass fetch carries way mask 0
    // (icache_bank_mp_128 DISABLED_ICACHE: fetch_way_int = '0), so its refill enables no way: nothing is cached and
    // core 3's later fetch misses; its own refill picks the highest invalid way (3).
    const tagA = 0x100 | ((A >>> 10) & 0xff);
    expect(writes).toEqual([[18, 0, tagA], [18, 0b1000, tagA]]);
  });
});

describe('icache refill memory', () => {
  // Closed loop: the stimulus' fetch/control side drives the cache, our memory answers its ARs; the memory's outputs
  // must be what the RTL harness recorded as stimulus, and the cache's outputs what the RTL answered.
  for (const f of ['cold_seq_1core_L10.json', 'diff_code_8cores_L2.json', 'same_loop_8cores_L5.json', 'jumps_8cores_L2.json', 'bypass_disabled_L5.json']) {
    it(`reproduces the recorded AXI R channel of ${f}`, () => {
      const file = `testbench/fixtures/timing/cluster/icache/${f}`;
      const s = parseChangeListScenario(loadJson(file), file);
      const params = s.json.params as { refill_latency: number; mem_max_outstanding: number };
      const sys = new System(params.refill_latency, params.mem_max_outstanding);
      const sim = new Simulator(sys);
      const st = (n: string, p = 0, w = 0, t = 0): number => {
        const tr = s.stimulus.get(n)!;
        return tr.values[p]![t * tr.words + w]!;
      };
      const ex = (n: string, p: number, w: number, t: number): number => {
        const tr = s.expected.get(n)!;
        return tr.values[p]![t * tr.words + w]!;
      };
      let bad = 0;
      for (let t = 0; t < s.cycles; t++) {
        for (let k = 0; k < 8; k++) {
          sim.poke(sys.req[k]!, st('req', k, 0, t));
          sim.poke(sys.addr[k]!, st('addr', k, 0, t));
        }
        sim.poke(sys.ctl_req, st('ctl_req', 0, 0, t));
        sim.poke(sys.ctl_add, st('ctl_add', 0, 0, t));
        sim.poke(sys.ctl_wen, st('ctl_wen', 0, 0, t));
        sim.poke(sys.ctl_wdata, st('ctl_wdata', 0, 0, t));
        const m = sys.mem;
        const got = [m.ar_ready, m.r_valid, m.r_id, m.r_data[0]!, m.r_data[1]!, m.r_last, m.r_resp].map((x) => sim.peek(x));
        const want = [st('ar_ready', 0, 0, t), st('r_valid', 0, 0, t), st('r_id', 0, 0, t), st('r_data', 0, 0, t), st('r_data', 0, 1, t), st('r_last', 0, 0, t), st('r_resp', 0, 0, t)];
        if (got.join() !== want.join()) bad++;
        for (let k = 0; k < 8; k++) {
          if (sim.peek(sys.ic.fetch_rvalid[k]!) !== ex('r_valid', k, 0, t)) bad++;
          if (sim.peek(sys.ic.fetch_rdata[k]![3]!) !== ex('r_rdata', k, 3, t)) bad++;
        }
        sim.step();
      }
      expect(bad).toBe(0);
    });
  }
  it('honours maxOutstanding 1 (one AR at a time)', () => {
    const b = new Bench(5, {}, 'codegen', 1).write(0x00, 1);
    for (let k = 0; k < 4; k++) b.startAt(k, 70).fetch(k, 0x1c00_0000 + 0x100 * k);
    let inFlight = 0;
    let maxInFlight = 0;
    b.sim.onSettled(() => {
      const m = b.sys.mem;
      if (b.sim.peek(m.ar_valid) && b.sim.peek(m.ar_ready)) inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (b.sim.peek(m.r_valid) && b.sim.peek(m.r_last)) inFlight--;
    });
    b.run(150);
    expect(maxInFlight).toBe(1);
    expect(b.fetches.every((f) => f.data.join() === lineOf(f.addr).join())).toBe(true);
  });
});

describe('icache what-ifs and configuration', () => {
  it('ideal: granted at once, answered in the next cycle from the line source, no refill traffic', () => {
    const src = (a: number, w: number): number => (a * 3 + w) >>> 0;
    const b = new Bench(10, { config: { ideal: true }, lineSource: src });
    b.startAt(0, 0).fetch(0, 0x1c00_0000).fetch(0, 0x1c00_0014, 2).startAt(5, 3).fetch(5, 0x1c00_0100);
    let ar = 0;
    b.sim.onSettled(() => (ar |= b.sim.peek(b.sys.ic.ar_valid)));
    b.run(20);
    expect(b.fetches.map((f) => [f.core, f.gnt, f.rvalid])).toEqual([[0, 0, 1], [0, 3, 4], [5, 3, 4]]);
    expect(b.fetches.find((f) => f.addr === 0x1c00_0014)!.data).toEqual([0, 1, 2, 3].map((w) => src(0x1c00_0010, w)));
    expect(ar).toBe(0);
  });
  it('ideal needs a line source', () => {
    expect(() => new Icache({ config: { ideal: true } })).toThrow(/lineSource/);
  });
  it('geometry: 4 KB / 4 ways = 8 sets per bank, 8-bit tag at bit 10; 8 KB / 2 ways = 32 sets, 6-bit tag', () => {
    expect(icacheGeometry(icacheConfig())).toMatchObject({ setsPerBank: 8, setBits: 3, tagBits: 8, tagLsb: 10, rows: 64 });
    expect(icacheGeometry(icacheConfig({ sizeBytes: 8192, ways: 2 }))).toMatchObject({ setsPerBank: 32, setBits: 5, tagBits: 6, tagLsb: 12 });
  });
  it('configuration errors name the field', () => {
    expect(() => icacheConfig({ lineBytes: 32 })).toThrow(/icache\.lineBytes/);
    expect(() => icacheConfig({ ways: 3 })).toThrow(/icache\.ways/);
    expect(() => icacheConfig({ sizeBytes: 1000 })).toThrow(/icache\.sizeBytes/);
    expect(() => icacheConfig({ refillLatency: 0 })).toThrow(/icache\.refillLatency/);
  });
  it('a 6 KB loop misses again in 4 KB but hits on the second pass in 8 KB', () => {
    const pass = (size: number): number[] => {
      const b = new Bench(2, { config: { sizeBytes: size } }).write(0x00, 1).startAt(0, 70);
      for (let r = 0; r < 2; r++) for (let a = 0; a < 6144; a += 16) b.fetch(0, 0x1c00_0000 + a);
      b.run(70 + 384 * 11 + 384 * 11);
      const second = b.fetches.slice(384);
      expect(second).toHaveLength(384);
      return second.map((f) => f.rvalid - f.gnt);
    };
    expect(pass(8192).every((d) => d === 1)).toBe(true);
    expect(pass(4096).filter((d) => d > 1).length).toBeGreaterThan(100);
  });
});

describe('icache building blocks', () => {
  it('LFSR: q := {q[6:0], ~(q7^q3^q2^q1)} from seed 0', () => {
    const seq: number[] = [];
    let q = 0;
    for (let k = 0; k < 5; k++) seq.push((q = lfsrStep(q)));
    expect(seq).toEqual([0b1, 0b11, 0b110, 0b1101, 0b11011]);
  });
  it('miss interconnect: with all 8 requesting the winner is core F; a lone requester always wins', () => {
    for (let f = 0; f < 8; f++) {
      expect(intcWinner(0xff, f)).toBe(f);
      for (let k = 0; k < 8; k++) expect(intcWinner(1 << k, f)).toBe(k);
    }
  });
  it('miss interconnect for 8 and 16 ports: the 8-port tree, core F when all request, a lone requester wins', () => {
    for (let f = 0; f < 8; f++) for (let r = 0; r < 256; r++) expect(intcWinnerN(r, f, 8)).toBe(intcWinner(r, f));
    for (let f = 0; f < 16; f++) {
      expect(intcWinnerN(0xffff, f, 16)).toBe(f);
      for (let k = 0; k < 16; k++) expect(intcWinnerN(1 << k, f, 16)).toBe(k);
    }
    // Top-down reading of the same tree: the root looks at the upper half when the lower half is idle or F's top
    // bit is set and the upper half requests, then recurses into that half with the next lower bit.
    const topDown = (r: number, f: number, lo: number, size: number): number => {
      if (size === 1) return lo;
      const h = size / 2;
      const bit = (f >>> Math.log2(h)) & 1;
      const loReq = (r >>> lo) & ((1 << h) - 1);
      const hiReq = (r >>> (lo + h)) & ((1 << h) - 1);
      return loReq === 0 || (bit === 1 && hiReq !== 0) ? topDown(r, f, lo + h, h) : topDown(r, f, lo, h);
    };
    fc.assert(fc.property(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: 0, max: 15 }), (r, f) => intcWinnerN(r, f, 16) === topDown(r, f, 0, 16)));
  });
});
