// What a hardware barrier costs in a real 8-core program on the cycle-accurate cluster: cores arrive at barrier 0
// at staggered times (programs/barrier_stagger.S) and every core's wake-up is timed from the last arrival.
//
// Expected cycles come from testbench/fixtures/timing/cluster/event_unit/README.md ("Measured HW barrier latency",
// "Sleep read, nothing pending"), which testbench/fixtures/timing/cluster/system/README.md confirms for the whole
// cluster ("a barrier wakes all 8 cores at T+3/T+4"):
// - a p.elw requested in cycle t arrives in T_s, the first cycle from t on with core_busy = 0; its clock is gated
//   from T_s + 1 (RI5CY: busy is still 1 in the request cycle, so T_s = t + 1 when the prefetcher is idle);
// - T = the cycle the last arrival is applied; every sleeping core gets clock_en and gnt in T + 3, r_valid in T + 4;
// - so a last arrival by a p.elw requested in R gives gnt R + 4, r_valid R + 5, and the last core's clock is gated
//   in R + 2 and R + 3 only.
// The arrival times themselves follow from the delay loop and facts/ri5cy-isa-timing.md §1.4 (ALU 1 cycle, branch
// taken 3, not taken 1).
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleFile } from '../../kernels/toolchain/asm/assembler.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { gap8WithLatency } from './config.ts';
import { ClusterTestbench } from './testbench.ts';

const HERE = import.meta.dirname;
const SYSTEM = join(HERE, '../fixtures/timing/cluster/system');
/** HW barrier 0's TRIGGER_WAIT_CLEAR (event_unit README register map: 0x1020_4000 + 0x200 + 0x1C). */
const BAR_WAIT = 0x1020421c;
/** Inputs of barrier_stagger.S: pattern count and the per-pattern, per-core delays. */
const PATN = 0x10001000;
const DELAYS = 0x10001100;
const CORES = 8;
/** Barrier episodes per run: the start-up barrier, then a sync and a measured barrier per pattern. */
const episodesOf = (patterns: number): number => 1 + 2 * patterns;

function buildProgram(): { elf: Uint8Array; measuredElw: number } {
  const { object } = assembleFile(join(HERE, 'programs/barrier_stagger.S'), { flavour: 'xpulpv2', rvc: true, includeDirs: [SYSTEM] });
  const linked = link([object], { textBase: 0x1c000000 });
  const sym = linked.symbols.find((s) => s.name === 'measured_elw');
  if (!sym) throw new Error('barrier_stagger.S: no measured_elw symbol');
  return { elf: linkedElf(linked), measuredElw: sym.value >>> 0 };
}

const program = buildProgram();

/** One core's p.elw on the barrier: request, grant and response cycles, and the first instruction issued after it. */
interface Wait {
  req: number;
  gnt: number;
  rvalid: number;
  /** First cycle after r_valid in which an instruction leaves ID. */
  resume: number;
}

interface Run {
  tohost: number;
  /** waits[k][e]: core k's e-th barrier wait. */
  waits: Wait[][];
  /** Per core and cycle: core_busy and the event unit's clock_en. */
  busy: Uint8Array[];
  clockEn: Uint8Array[];
}

function runPatterns(patterns: number[][]): Run {
  const tb = new ClusterTestbench(gap8WithLatency(5), program.elf);
  tb.writeWord(PATN, patterns.length);
  patterns.forEach((p, i) => p.forEach((d, k) => tb.writeWord(DELAYS + 32 * i + 4 * k, d)));
  const limit = 2000 + patterns.reduce((a, p) => a + 300 + 4 * Math.max(...p), 0);
  const busy = Array.from({ length: CORES }, () => new Uint8Array(limit + 1));
  const clockEn = Array.from({ length: CORES }, () => new Uint8Array(limit + 1));
  const waits: Wait[][] = Array.from({ length: CORES }, () => []);
  const pending: (Wait | null)[] = new Array<Wait | null>(CORES).fill(null);
  const answered: (Wait | null)[] = new Array<Wait | null>(CORES).fill(null);
  const regions = tb.top.regions;
  tb.sim.onSettled((c) => {
    if (c > limit) return;
    for (let k = 0; k < CORES; k++) {
      const r = regions[k]!;
      busy[k]![c] = r.core_busy.v;
      clockEn[k]![c] = r.eu_clock_en.v;
      const d = r.core.data;
      const a = answered[k];
      if (a && a.resume < 0 && c > a.rvalid && r.core.if_stage.instr_valid_id.v && r.core.id_stage.id_valid.v) {
        a.resume = c;
        answered[k] = null;
      }
      let p = pending[k];
      if (p && p.gnt >= 0 && d.rvalid.v) {
        p.rvalid = c;
        answered[k] = p;
        pending[k] = p = null;
      }
      if (!p && d.req.v && !d.we.v && d.addr.v >>> 0 === BAR_WAIT) {
        p = { req: c, gnt: -1, rvalid: -1, resume: -1 };
        pending[k] = p;
        waits[k]!.push(p);
      }
      if (p && p.gnt < 0 && d.req.v && d.gnt.v) p.gnt = c;
    }
  });
  const r = tb.run(limit);
  if (r.exit !== 'tohost') throw new Error(`barrier_stagger: ${r.message}`);
  return { tohost: r.tohost, waits, busy, clockEn };
}

/** T_s of core k's wait: the first cycle from the request on with core_busy = 0. */
function arrival(run: Run, k: number, w: Wait): number {
  for (let c = w.req; c < w.gnt; c++) if (run.busy[k]![c] === 0) return c;
  throw new Error(`core ${k}: core_busy never dropped between its barrier request (${w.req}) and its grant (${w.gnt})`);
}

/**
 * Checks one episode against the README's rule: T = the last arrival; every core granted in T+3 with clock_en
 * rising there, r_valid in T+4, clock gated from its own arrival + 1 to T+2. Returns T.
 */
function checkEpisode(run: Run, e: number, label: string): number {
  const ws = run.waits.map((w) => w[e]!);
  const ts = ws.map((w, k) => arrival(run, k, w));
  const T = Math.max(...ts);
  for (let k = 0; k < CORES; k++) {
    const w = ws[k]!;
    const at = `${label}, core ${k} (request ${w.req}, arrival ${ts[k]}, last arrival T = ${T})`;
    expect(w.gnt, `${at}: gnt`).toBe(T + 3);
    expect(w.rvalid, `${at}: r_valid`).toBe(T + 4);
    for (let c = ts[k]! + 1; c <= T + 2; c++) expect(run.clockEn[k]![c], `${at}: clock_en in cycle ${c}`).toBe(0);
    expect(run.clockEn[k]![T + 3], `${at}: clock_en in T+3`).toBe(1);
    expect(w.resume, `${at}: resumes after r_valid`).toBeGreaterThan(w.rvalid);
  }
  // All cores leave the barrier together (the same wake-up for everyone).
  expect(new Set(ws.map((w) => w.resume)).size, `${label}: resume cycles ${ws.map((w) => w.resume).join(', ')}`).toBe(1);
  return T;
}

/** Cycles from leaving the sync barrier's load to the p.elw request for a delay of d loop iterations (minus a constant). */
const arriveOffset = (d: number): number => (d === 0 ? 0 : 4 * d - 4);

interface Measured {
  /** The last core's p.elw request cycle. */
  R: number;
  /** Cycles from R to the grant / response / first instruction after it. */
  gnt: number;
  rvalid: number;
  resume: number;
}

/** Checks every episode of a run of `patterns`, and the measured barriers against R + 4 / R + 5. */
function checkRun(patterns: number[][]): Measured[] {
  const run = runPatterns(patterns);
  expect(run.tohost).toBe(1);
  for (let k = 0; k < CORES; k++) expect(run.waits[k]!.length, `core ${k}: barrier waits`).toBe(episodesOf(patterns.length));
  checkEpisode(run, 0, 'start-up barrier');
  const out: Measured[] = [];
  patterns.forEach((p, i) => {
    checkEpisode(run, 1 + 2 * i, `pattern ${i} [${p.join(',')}]: sync barrier`);
    const e = 2 + 2 * i;
    const label = `pattern ${i} [${p.join(',')}]: measured barrier`;
    const ws = run.waits.map((w) => w[e]!);
    // The stagger is what the delays ask for: arrival differences from the loop's cycle counts.
    const first = Math.min(...ws.map((w) => w.req));
    const off = p.map(arriveOffset);
    const minOff = Math.min(...off);
    ws.forEach((w, k) => expect(w.req - first, `${label}: core ${k} request relative to the first`).toBe(off[k]! - minOff));
    const R = first + Math.max(...off) - minOff;
    const last = ws.map((w, k) => (w.req === R ? k : -1)).filter((k) => k >= 0);
    // The README's agent: busy still 1 in the request cycle, 0 in the next (the prefetcher is idle here).
    for (const k of last) {
      expect(run.busy[k]![R], `${label}: last core ${k} busy in R`).toBe(1);
      expect(run.busy[k]![R + 1], `${label}: last core ${k} busy in R+1`).toBe(0);
    }
    const T = checkEpisode(run, e, label);
    expect(T).toBe(R + 1);
    for (const k of last) {
      const w = ws[k]!;
      expect(w.gnt).toBe(R + 4);
      expect(w.rvalid).toBe(R + 5);
      // The last arriver's clock is gated for exactly 2 cycles.
      expect([R + 1, R + 2, R + 3, R + 4].map((c) => run.clockEn[k]![c]), `${label}: last core ${k} clock_en R+1..R+4`).toEqual([1, 0, 0, 1]);
    }
    out.push({ R, gnt: ws[0]!.gnt - R, rvalid: ws[0]!.rvalid - R, resume: ws[0]!.resume - R });
  });
  return out;
}

describe('hardware barrier cost in an 8-core program (event unit README: wake-up at T+3 / T+4)', () => {
  it('fixed stagger patterns: every core granted at R+4, answered at R+5 from the last p.elw in R', () => {
    const patterns = [
      [0, 0, 0, 0, 0, 0, 0, 0], // all together
      [0, 1, 2, 3, 4, 5, 6, 7], // ascending: core 7 last, 4 cycles after core 6
      [7, 6, 5, 4, 3, 2, 1, 0], // descending: core 0 last
      [10, 0, 0, 0, 0, 0, 0, 0], // one late core
      [0, 0, 0, 0, 0, 0, 0, 60], // one very late core
      [3, 9, 1, 0, 20, 5, 5, 2], // mixed
      [2, 12, 0, 12, 5, 1, 7, 3], // two cores tie for last
      [30, 31, 30, 31, 30, 31, 30, 31], // a bunch, the last four 4 cycles behind
    ];
    const m = checkRun(patterns);
    expect(m.map((x) => [x.gnt, x.rvalid])).toEqual(patterns.map(() => [4, 5]));
    // The wake-up ends the same way whatever the stagger: the first instruction after it leaves ID at a fixed offset.
    expect(new Set(m.map((x) => x.resume)).size).toBe(1);
  }, 60_000);

  it('random stagger patterns (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: CORES, maxLength: CORES }), { minLength: 1, maxLength: 4 }), (patterns) => {
        const m = checkRun(patterns);
        for (const x of m) {
          expect(x.gnt).toBe(4);
          expect(x.rvalid).toBe(5);
        }
      }),
      { numRuns: 4, seed: 20261123 },
    );
  }, 60_000);
});
