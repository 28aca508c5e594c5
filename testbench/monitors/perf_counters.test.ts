// The core's performance counters (PCCR, rtl/core/cs_registers.ts) against counts kept without them:
//  - the retire monitor (retire_monitor.ts), which counts the events from the pipeline's signals and instruction
//    words and applies the enable / delayed-increment / CSR-override rules itself;
//  - the ISS (testbench/iss), which knows nothing of pipelines: the instructions, loads, stores, jumps, branches,
//    taken branches and compressed instructions it retires in the counting window;
//  - the RTL's own instret for every timing vector (testbench/fixtures/timing/*/expected.json);
//  - hand counts from the fact sheet (ri5cy-isa-timing §1.3, §5.2) for programs written here.
// Programs: every single-core timing vector (RI5CY v3.4 and v1.0, every memory variant; CV32E40P's mcycle and
// minstret), programs enabling every event, and a mixed-precision kernel on the cluster (every core, the external
// and TCDM events included). Dropping any counting rule from the monitor (the enable, the one-cycle-late
// increment, the override by a counter access) makes these comparisons fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLayer } from '../../kernels/golden/generate.ts';
import { assemble } from '../../kernels/toolchain/asm/assembler.ts';
import { type Elf, readElf } from '../../kernels/toolchain/elf.ts';
import { link, linkedElf } from '../../kernels/toolchain/linker.ts';
import { preset, type SystemConfig } from '../../rtl/config/index.ts';
import { gap8WithLatency } from '../cluster/config.ts';
import { Iss } from '../iss/iss.ts';
import { PERF_EVENTS } from '../kernels/phases.ts';
import { runConvOnCluster } from '../kernels/conv_run.ts';
import { Testbench } from '../system/testbench.ts';
import { monitorSystem } from './attach.ts';
import type { CoreMonitor } from './core_monitor.ts';
import { PERF, type PerfName, RetireMonitor, attachRetireMonitors } from './retire_monitor.ts';

const ROOT = join(import.meta.dirname, '../..');

interface Vector {
  elf: string;
  imem: { G: number; R: number };
  dmem: { G: number; R: number };
  instret: number;
}

/** Differences between the core's counters and the monitor's, by event name. */
function mismatches(core: readonly number[], mon: ArrayLike<number>, names: readonly PerfName[]): string[] {
  return names.filter((n) => core[PERF[n]] !== mon[PERF[n]]).map((n) => `${n}: core ${core[PERF[n]]}, monitor ${mon[PERF[n]]}`);
}

interface SingleRun {
  tb: Testbench;
  mon: RetireMonitor;
  /** The monitor's counts as the counters must show them when the tohost store is granted. */
  atEnd: Float64Array;
  pccr: number[];
  instret: number;
  /** The cycle-class monitor of the same run (its classes come from the controller's stall_cause). */
  classes: CoreMonitor;
}

/** Runs `elf`; the monitor's counts are taken in the tohost store's grant cycle, before that cycle is sampled. */
function runSingle(cfg: SystemConfig, elf: Elf): SingleRun {
  const tb = new Testbench(cfg, elf);
  const mon = new RetireMonitor(tb.top.core);
  const classes = monitorSystem(tb).cores[0]!;
  const d = tb.top.core.data;
  const word = tb.tohostAddr! >>> 2;
  let atEnd: Float64Array | undefined;
  tb.sim.onSettled(() => {
    if (!atEnd && d.req.v && d.gnt.v && d.we.v && d.addr.v >>> 2 === word) atEnd = mon.counts.slice();
  });
  tb.sim.onSettled(() => mon.sample());
  const r = tb.run(500_000);
  expect(r.exit, r.message).toBe('tohost');
  // The counters after the store's edge hold the events up to the cycle before it (one-cycle-late increment).
  const pccr = tb.top.core.cs_registers.pccr.map((c) => c.v >>> 0);
  return { tb, mon, atEnd: atEnd!, pccr, instret: r.instret, classes };
}

/** Events the ISS retires in a window of instructions (by index). */
interface IssCounts {
  instructions: number;
  loads: number;
  stores: number;
  jumps: number;
  branches: number;
  takenBranches: number;
  compressed: number;
}

// RVC retires carry the id of their expansion (c.jr -> jalr).
const JUMP_IDS = /^(jal|jalr)$/;
// Handled by a pipeline flush instead of an ID exit, so not in the instruction count (fixtures/timing READMEs;
// ebreak traps on v3.4, and only flushes on v1.0).
const UNCOUNTED_IDS = /^(fence|fence\.tso|fence\.i|mret|dret|ebreak)$/;
/** A CSR access to PCCR1 or PCCR31 replaces the instruction counter in the cycle its own ID exit would land. */
const writesInstret = (w: number): boolean => (w & 0x7f) === 0x73 && ((w >>> 12) & 3) !== 0 && (w >>> 20 === 0x781 || w >>> 20 === 0x79f);

/**
 * Runs the ISS to the tohost store and counts over the instructions the counters see. A PCMR/PCER write takes
 * effect at the end of its EX cycle, in which the next instruction leaves ID: the counters see the instructions
 * from the second after the enabling write through the first after the disabling write (or the tohost store).
 */
function issWindow(cfg: SystemConfig, elf: Elf, isEnable: (w: number) => boolean, isDisable: (w: number) => boolean): IssCounts {
  const iss = new Iss(cfg, { maxInstructions: 1_000_000, wfi: 'nop', ecallExit: false });
  iss.load(elf);
  const c: IssCounts = { instructions: 0, loads: 0, stores: 0, jumps: 0, branches: 0, takenBranches: 0, compressed: 0 };
  // -1: not counting; k > 0: k instructions still to skip before counting starts
  let skip = -1;
  let stopAfter = -1;
  let steps = 0;
  while (!iss.exited && stopAfter !== 0) {
    if (++steps > 1_000_000) throw new Error('ISS: no tohost store');
    const r = iss.step();
    if (r.stalled) continue;
    if (stopAfter > 0) stopAfter--;
    if (skip === 0 && !r.trap) {
      if (!UNCOUNTED_IDS.test(r.id ?? '') && !writesInstret(r.word)) c.instructions++;
      const words = (a: { addr: number; bytes: number }): number => ((a.addr & 3) + a.bytes > 4 ? 2 : 1);
      for (const a of r.mem) {
        if (a.kind === 'load') c.loads += words(a);
        else c.stores += words(a);
      }
      if (JUMP_IDS.test(r.id ?? '')) c.jumps++;
      const seq = (r.pc + r.size) >>> 0;
      const isBranch = (r.word & 3) === 3 ? (r.word & 0x7f) === 0x63 : (r.word & 3) === 1 && ((r.word >>> 13) & 7) >= 6;
      if (isBranch) {
        c.branches++;
        if (r.next !== seq) c.takenBranches++;
      }
      if (r.size === 2) c.compressed++;
    }
    if (skip > 0) skip--;
    if (isEnable(r.word)) skip = 1;
    if (skip === 0 && isDisable(r.word)) stopAfter = 1;
  }
  return c;
}

const csrImmWrite = (csr: number, imm: number) => (w: number): boolean => w >>> 20 === csr && (w & 0x7f) === 0x73 && ((w >>> 12) & 7) === 5 && ((w >>> 15) & 31) === imm;

describe('performance counters vs the retire monitor and the ISS: timing vectors', () => {
  for (const version of ['ri5cy', 'ri5cy_v1'] as const) {
    it(`${version}: every vector's cycle and instruction counters at the tohost store`, () => {
      const dir = join(ROOT, 'testbench/fixtures/timing', version);
      const vectors = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { vectors: Record<string, Vector> }).vectors;
      const pcmr = version === 'ri5cy' ? 0x7e1 : 0x7a1;
      const bad: string[] = [];
      for (const [name, v] of Object.entries(vectors)) {
        const cfg = preset(version);
        cfg.imem = { grantDelay: v.imem.G, responseDelay: v.imem.R };
        cfg.dmem = { grantDelay: v.dmem.G, responseDelay: v.dmem.R };
        const elf = readElf(readFileSync(join(dir, v.elf)), v.elf);
        const s = runSingle(cfg, elf);
        const m = mismatches(s.pccr, s.atEnd, s.mon.checked);
        if (m.length) bad.push(`${name}: ${m.join('; ')}`);
        // the RTL's own count of the same window
        if (s.pccr[PERF.instructions] !== v.instret) bad.push(`${name}: PCCR1 ${s.pccr[PERF.instructions]}, RTL instret ${v.instret}`);
        if (!name.includes('@')) {
          const iss = issWindow(cfg, elf, csrImmWrite(pcmr, 1), () => false);
          if (iss.instructions !== v.instret) bad.push(`${name}: ISS ${iss.instructions} instructions in the window, RTL ${v.instret}`);
        }
      }
      expect(bad).toEqual([]);
      expect(Object.keys(vectors).length).toBe(88);
    });
  }
});

// Counting on (every core event), a body, counting off; `nop`s around the switches keep the boundary instructions
// free of events. The body's events by hand (fact sheet §1.3/§5.2) are in each case.
const PROLOGUE = '.option norvc\n.text\n.globl _start\ntrap: j trap\n.org 0x80\n_start:\n  csrwi 0x7E1, 0\n  csrw 0x79F, zero\n  li t0, 0x7FF\n  csrw 0x7E0, t0\n  la a0, data\n  csrwi 0x7E1, 1\n  nop\n  nop\n';
const EPILOGUE =
  '  nop\n  nop\n  csrwi 0x7E1, 0\n  nop\n  li t6, 1\n  la t5, tohost\n  sw t6, 0(t5)\n1: j 1b\nhelper:\n  addi a0, a0, 0\n  ret\n.balign 64\n.globl tohost\ntohost: .word 0\n.globl data\ndata: .word 5, 6, 7, 8, 9, 10\n';

function build(body: string): { cfg: SystemConfig; elf: Elf } {
  const cfg = preset('ri5cy');
  const { object } = assemble(PROLOGUE + body + EPILOGUE, 'perf.S', { flavour: cfg.core.flavour, rvc: true });
  return { cfg, elf: readElf(linkedElf(link([object], { textBase: 0, memory: cfg.memory })), 'perf.elf') };
}

const BODY_ALL = `
  lw a1, 0(a0)
  addi a2, a1, 1
  lw a3, 4(a0)
  add a4, a3, a3
  lw a5, 2(a0)
  sw a4, 8(a0)
  sh a4, 14(a0)
  li t1, 3
2:
  addi t1, t1, -1
  bnez t1, 2b
  la t2, 3f
  jalr zero, 0(t2)
  nop
3:
  call helper
  beqz zero, 4f
  nop
4:
  beqz t2, 5f
  .option rvc
  c.addi a2, 1
  c.mv a3, a2
  .option norvc
5:
  csrr t3, 0x780
  csrr t3, 0x785
  nop
`;
// loads: 2 + the misaligned lw (two transactions); stores: sw and an aligned sh; load-use hazards: 2; branches:
// bnez x3 (2 taken), beqz zero (taken), beqz t2 (not); compressed: 2. The jalr events follow the RTL's expressions
// (riscv_controller: jr_stall from the word in ID, valid or not; the write enables deasserted while it stalls):
// jalr-after-la and call's jalr each wait one cycle for their ALU-produced operand (2 hazards), and after call's
// redirect its stale word in ID matches its own link register in EX once more (jalr ra, ra: a third); jumps: the
// two held jalr are not counted (`jump_in_id` is deasserted during the hazard, `id_valid_q` low after it), ret is.
const HAND_ALL: Partial<Record<PerfName, number>> = { loads: 4, stores: 2, loadStalls: 2, jrStalls: 3, jumps: 1, branches: 5, takenBranches: 3, compressed: 2 };

describe('performance counters vs the retire monitor and the ISS: every event enabled', () => {
  it('loads, stores, hazards, jumps, branches, compressed, and reads of the counters while they count', () => {
    const { cfg, elf } = build(BODY_ALL);
    const s = runSingle(cfg, elf);
    expect(mismatches(s.pccr, s.atEnd, s.mon.checked)).toEqual([]);
    for (const [k, v] of Object.entries(HAND_ALL)) expect(s.pccr[PERF[k as PerfName]], k).toBe(v);
    // a third count of the load-use hazards: the cycle-class monitor's LOAD_USE cycles (stall_cause), one per
    // hazard with single-cycle memory
    expect(s.classes.total('load_use')).toBe(s.pccr[PERF.loadStalls]);
    const iss = issWindow(cfg, elf, csrImmWrite(0x7e1, 1), csrImmWrite(0x7e1, 0));
    for (const k of ['instructions', 'loads', 'stores', 'branches', 'takenBranches', 'compressed'] as const) expect(s.pccr[PERF[k]], `${k} vs ISS`).toBe(iss[k]);
    // the ISS retires 3 jumps; the 2 held by a jalr hazard are not counted (above)
    expect(iss.jumps).toBe(3);
    expect(s.pccr[PERF.jumps]).toBe(iss.jumps - 2);
  });

  it('a reset of every counter (PCCR31 = x0) while counting restarts them all', () => {
    const body = `
  lw a1, 0(a0)
  addi a2, a1, 1
  csrw 0x79F, zero
  lw a3, 4(a0)
  add a4, a3, a3
  sw a4, 8(a0)
  beqz zero, 2f
  nop
2:
`;
    const { cfg, elf } = build(body);
    const s = runSingle(cfg, elf);
    expect(mismatches(s.pccr, s.atEnd, s.mon.checked)).toEqual([]);
    // after the reset: one load, its load-use hazard, one store, one taken branch
    expect([s.pccr[PERF.loads], s.pccr[PERF.loadStalls], s.pccr[PERF.stores], s.pccr[PERF.branches], s.pccr[PERF.takenBranches]]).toEqual([1, 1, 1, 1, 1]);
  });

  it('hardware loops, mulh, div and post-increment loads', () => {
    const body = `
  mv a1, a0
  lp.setupi 0, 4, 2f
  p.lw a2, 4(a1!)
  add a3, a3, a2
2:
  li a4, 1000
  li a5, 7
  div a6, a4, a5
  mulh a7, a4, a5
  addi a6, a6, 1
`;
    const { cfg, elf } = build(body);
    const s = runSingle(cfg, elf);
    expect(mismatches(s.pccr, s.atEnd, s.mon.checked)).toEqual([]);
    const iss = issWindow(cfg, elf, csrImmWrite(0x7e1, 1), csrImmWrite(0x7e1, 0));
    for (const k of ['instructions', 'loads', 'stores', 'jumps', 'branches', 'takenBranches', 'compressed'] as const) expect(s.pccr[PERF[k]], `${k} vs ISS`).toBe(iss[k]);
    // 4 loads, each used by the next instruction: 4 load-use hazards
    expect(s.pccr[PERF.loads]).toBe(4);
    expect(s.pccr[PERF.loadStalls]).toBe(4);
    expect(s.classes.total('load_use')).toBe(4);
  });

  it('the comparison sees one event more: a run with one extra load differs in exactly loads, instructions, cycles', () => {
    const a = build(BODY_ALL);
    const b = build(BODY_ALL.replace('  csrr t3, 0x780\n', '  lw t4, 20(a0)\n  csrr t3, 0x780\n'));
    const ra = runSingle(a.cfg, a.elf);
    const rb = runSingle(b.cfg, b.elf);
    expect(mismatches(rb.pccr, rb.atEnd, rb.mon.checked)).toEqual([]);
    expect(mismatches(ra.pccr, rb.atEnd, rb.mon.checked).map((m) => m.split(':')[0])).toEqual(['cycles', 'instructions', 'loads']);
    expect(rb.pccr[PERF.loads]! - ra.pccr[PERF.loads]!).toBe(1);
    // and counting only while enabled matters: the run is longer than the counted cycles
    expect(ra.tb.sim.cycle).toBeGreaterThan(ra.pccr[PERF.cycles]! + 5);
  });
});

describe('performance counters vs the retire monitor: a kernel on the cluster', () => {
  it('every core of a 4-core conv_u4_u2_i8 run, the external and TCDM contention events included', () => {
    const layer = generateLayer({ inBits: 4, wBits: 8, outBits: 2, h: 2, w: 4, cin: 32, cout: 64, kh: 3, kw: 3, stride: 1, padding: 1, seed: 7 });
    const cfg = gap8WithLatency(5);
    let monitors: RetireMonitor[] = [];
    const run = runConvOnCluster(layer, {
      config: cfg,
      cores: 4,
      onTestbench: (tb) => {
        const a = attachRetireMonitors(tb.sim, tb.top.regions.map((r) => ({ core: r.core, clockEnable: r.clk_en })), true);
        monitors = a.monitors;
        return a.detach;
      },
    });
    expect(run.bitExact).toBe(true);
    expect(monitors).toHaveLength(4);
    const bad: string[] = [];
    run.perCore.forEach((c, k) => {
      const core = PERF_EVENTS.map((e) => c.counters[e]);
      for (const m of mismatches(core, monitors[k]!.counts, monitors[k]!.checked)) bad.push(`core ${k}: ${m}`);
    });
    expect(bad).toEqual([]);
    // the run exercises the events: contention and L2 traffic happen, branches are taken
    const sum = (e: (typeof PERF_EVENTS)[number]): number => run.perCore.reduce((s, c) => s + c.counters[e], 0);
    for (const e of ['tcdmContention', 'extLoads', 'takenBranches', 'loadStalls', 'jumps'] as const) expect(sum(e), e).toBeGreaterThan(0);
  }, 60_000);
});

describe('CV32E40P mcycle/minstret vs the retire monitor: timing vectors', () => {
  it("every vector's counters after the tohost store, and the harness's retire count", () => {
    const dir = join(ROOT, 'testbench/fixtures/timing/cv32e40p');
    const vectors = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { vectors: Record<string, Vector> }).vectors;
    const bad: string[] = [];
    let counted = 0;
    for (const [name, v] of Object.entries(vectors)) {
      const cfg = preset('cv32e40p');
      cfg.imem = { grantDelay: v.imem.G, responseDelay: v.imem.R };
      cfg.dmem = { grantDelay: v.dmem.G, responseDelay: v.dmem.R };
      const tb = new Testbench(cfg, readElf(readFileSync(join(dir, v.elf)), v.elf));
      const mon = new RetireMonitor(tb.top.core, { version: 'cv32e40p' });
      tb.sim.onSettled(() => mon.sample());
      const r = tb.run(500_000);
      expect(r.exit, `${name}: ${r.message}`).toBe('tohost');
      // the run stops after the store's edge: the counters and the monitor have both seen cycles 0..end
      const cs = tb.top.core.cs_registers;
      const core = [cs.mcycle_lo.v >>> 0, cs.minstret_lo.v >>> 0];
      const m = mismatches(core, mon.counts, mon.checked);
      if (m.length) bad.push(`${name}: ${m.join('; ')}`);
      if (r.instret !== v.instret) bad.push(`${name}: harness instret ${r.instret}, RTL ${v.instret}`);
      if (core[1]! > 0) counted++;
    }
    expect(bad).toEqual([]);
    // the programs clear mcountinhibit, so the counters run
    expect(counted).toBeGreaterThan(40);
  });
});
