/**
 * Where a kernel's cycles go on the cycle-accurate cluster, observed without touching the kernel: the phase of
 * every code address comes from the generated kernel's labels (kernels/pulp-nn-mixed/templates: `im2col`,
 * `matmul_p2`/`matmul_p1`, the `qnt_<n>_begin`..`_end` blocks, the `qnt_tree` routine, the hardware-loop bodies
 * `*_inner_<n>_start`..`_end`), and a settled hook reads each core's pipeline every cycle:
 *
 * - a cycle belongs to the instruction in ID (pc_id when instr_valid_id), or, while ID is empty (an I$ miss,
 *   a jump's refetch), to the address being fetched (pc_if); a clock-gated cycle (a core asleep in the event
 *   unit, i.e. the final barrier) to `barrier`;
 * - the RI5CY performance events of the cycle (PCCR_in of cs_registers, the same bits the PCCR counters add up)
 *   go to the phase of the stage that raises them: loads, stores, branches, taken branches and the cluster's
 *   external/contention events are EX events (pc_ex), the others ID events (pc_id).
 *
 * Counting runs per core from the first cycle its kernel entry is in ID to the first cycle the instruction after
 * the kernel's return is in ID (conv_program.ts).
 */
import type { Elf } from '../../kernels/toolchain/elf.ts';
import type { ClusterTestbench } from '../cluster/testbench.ts';

export const PHASES = ['control', 'im2col', 'matmul', 'qntpack', 'barrier'] as const;
export type Phase = (typeof PHASES)[number];
// Phase 0 (control) is every kernel address no label claims: prologue, work split, row and pair loops.
const IM2COL = 1;
const MATMUL = 2;
const QNT = 3;
const BARRIER = 4;

/** PCCR event numbers of RI5CY v1.0 in the cluster (kernels/runtime/rt_xpulpv2.inc). */
export const PERF_EVENTS = [
  'cycles', 'instructions', 'loadStalls', 'jrStalls', 'imissCycles', 'loads', 'stores', 'jumps', 'branches',
  'takenBranches', 'compressed', 'extLoads', 'extStores', 'extLoadCycles', 'extStoreCycles', 'tcdmContention',
] as const;
export type PerfEvent = (typeof PERF_EVENTS)[number];
// Events raised while the instruction is in EX (the LSU request: bits 5, 6; the branch decision: 8, 9; the demux's
// events: 11-15) go to the phase of pc_ex, the others (0-4, 7, 10) to the cycle's phase. Each group is packed into
// 7 and 9 bits: one histogram index per group and cycle.
const ID_COMBOS = 1 << 7;
const EX_COMBOS = 1 << 9;
const idCombo = (evs: number): number => (evs & 0x1f) | ((evs >>> 2) & 0x20) | ((evs >>> 4) & 0x40);
const exCombo = (evs: number): number => ((evs >>> 5) & 3) | ((evs >>> 6) & 0xc) | ((evs >>> 7) & 0x1f0);
/** The event bits (PCCR numbers) of every ID and EX combination. */
const ID_BITS = Array.from({ length: ID_COMBOS }, (_, c) => (c & 0x1f) | ((c & 0x20) << 2) | ((c & 0x40) << 4));
const EX_BITS = Array.from({ length: EX_COMBOS }, (_, c) => ((c & 3) << 5) | ((c & 0xc) << 6) | ((c & 0x1f0) << 7));

type Range = [number, number];

export interface PhaseMap {
  kernel: string;
  lo: number;
  hi: number;
  /** Phase of every half-word of [lo, hi). */
  phaseAt: Uint8Array;
  /** QntPack block start: outputs the block produces (F x P), per half-word; 0 elsewhere. */
  blockOutputs: Uint8Array;
  /** The main 4 x 2 MatMul inner loop body [start, end). */
  inner: Range;
  /** Instructions of the inner-loop body (from the code size: the body is assembled without compression). */
  innerInstructions: number;
}

/** The phase map of a kernel from its ELF's symbols. */
export function phaseMap(elf: Elf, kernel: string): PhaseMap {
  const syms = elf.symbols;
  const at = (name: string): number => {
    const s = syms.find((x) => x.name === name);
    if (!s) throw new Error(`${kernel}: no symbol ${name} in ${elf.name}`);
    return s.value;
  };
  const fn = syms.find((x) => x.name === kernel);
  if (!fn || fn.size === 0) throw new Error(`${kernel}: no sized function symbol in ${elf.name}`);
  const pre = `.L${kernel}_`;
  const lo = fn.value;
  const hi = fn.value + fn.size;
  const phaseAt = new Uint8Array((hi - lo) >> 1);
  const blockOutputs = new Uint8Array((hi - lo) >> 1);
  const mark = ([a, b]: Range, v: number): void => {
    phaseAt.fill(v, (a - lo) >> 1, (b - lo) >> 1);
  };
  const p2 = at(`${pre}matmul_p2`);
  const p1 = at(`${pre}matmul_p1`);
  const treeSym = syms.find((s) => s.name === `${pre}qnt_tree`);
  mark([at(`${pre}im2col`), p2], IM2COL);
  mark([p2, treeSym ? treeSym.value : hi], MATMUL);
  if (treeSym) mark([treeSym.value, hi], QNT);
  const innerStarts = syms
    .filter((s) => s.name.startsWith(pre) && /_inner_\d+_start$/.test(s.name))
    .sort((a, b) => a.value - b.value);
  for (const s of syms.filter((x) => x.name.startsWith(pre) && /_qnt_\d+_begin$/.test(x.name))) {
    const begin = s.value;
    const end = at(s.name.replace(/_begin$/, '_end'));
    mark([begin, end], QNT);
    // The block's F x P: P from the routine it sits in, F from the MatMul block just before it (`mm_p<P>_b<F>`).
    const P = begin >= p2 && begin < p1 ? 2 : 1;
    const prev = innerStarts.filter((x) => x.value < begin).pop();
    const m = prev ? /_mm_p(\d)_b(\d)_inner_/.exec(prev.name) : null;
    if (!m || Number(m[1]) !== P) throw new Error(`${kernel}: cannot tell which MatMul block ${s.name} quantizes`);
    blockOutputs[(begin - lo) >> 1] = Number(m[2]) * P;
  }
  const main = innerStarts.find((s) => /_mm_p2_b4_inner_\d+_start$/.test(s.name));
  if (!main) throw new Error(`${kernel}: no 4x2 inner loop label`);
  const innerEnd = at(main.name.replace(/_start$/, '_end'));
  return { kernel, lo, hi, phaseAt, blockOutputs, inner: [main.value, innerEnd], innerInstructions: (innerEnd - main.value) / 4 };
}

export interface CorePhases {
  /** First and last cycle of the core's kernel call (entry in ID .. return in ID). */
  entryCycle: number;
  returnCycle: number;
  cycles: Record<Phase, number>;
  /** Performance events per phase. */
  events: Record<Phase, Record<PerfEvent, number>>;
  /** Cycles with the main 4x2 inner-loop body in ID, and its iterations (its first instruction leaving ID). */
  innerCycles: number;
  innerIterations: number;
  /** Cycles from one iteration's start to the next's, for every iteration followed by another: count by length. */
  iterationLengths: Map<number, number>;
  /** Every QntPack block: its cycles and its outputs. */
  qntBlocks: { cycles: number; outputs: number }[];
}

/** Per-core phase accounting attached to a cluster testbench as a settled hook (read-only). */
export class PhaseMonitor {
  private readonly cyc: Float64Array[];
  /** Per core and phase, cycles by combination of ID events (idCombo) and of EX events (exCombo). */
  private readonly idHist: Float64Array;
  private readonly exHist: Float64Array;
  private readonly state: Int32Array;
  private readonly entry: Float64Array;
  private readonly ret: Float64Array;
  private readonly innerCyc: Float64Array;
  private readonly innerIt: Float64Array;
  private readonly lastStart: Float64Array;
  private readonly lengths: Map<number, number>[];
  private readonly qStart: Float64Array;
  private readonly qOutputs: Int32Array;
  private readonly blocks: { cycles: number; outputs: number }[][];
  /** The simulator's cycle at the testbench's start (hooks see the simulator's cycle; results count from the start). */
  private readonly base: number;
  readonly detach: () => void;

  constructor(
    tb: ClusterTestbench,
    readonly map: PhaseMap,
    readonly kernelEntry: number,
    readonly kernelReturn: number,
  ) {
    const n = tb.top.n;
    const nP = PHASES.length;
    this.cyc = Array.from({ length: n }, () => new Float64Array(nP));
    this.idHist = new Float64Array(n * nP * ID_COMBOS);
    this.exHist = new Float64Array(n * nP * EX_COMBOS);
    const { idHist, exHist } = this;
    this.state = new Int32Array(n); // 0 before the kernel, 1 in it, 2 after
    this.entry = new Float64Array(n).fill(-1);
    this.ret = new Float64Array(n).fill(-1);
    this.innerCyc = new Float64Array(n);
    this.innerIt = new Float64Array(n);
    this.lastStart = new Float64Array(n).fill(-1);
    this.lengths = Array.from({ length: n }, () => new Map());
    this.qStart = new Float64Array(n).fill(-1);
    this.qOutputs = new Int32Array(n);
    this.blocks = Array.from({ length: n }, () => []);
    this.base = tb.startCycle;
    const { lo, hi, phaseAt, blockOutputs } = map;
    const [iLo, iHi] = map.inner;
    const phaseOf = (pc: number): number => (pc >= lo && pc < hi ? phaseAt[(pc - lo) >>> 1]! : BARRIER);
    // Per core, the slots of the signals read (Simulator.slotOf): read from the values array, so this hook's code,
    // shared by every run of a thread, does not depend on each run's accessor class.
    const V = tb.sim.values;
    const S = 8;
    const sl = Int32Array.from(
      tb.top.regions.flatMap((r) => {
        const c = r.core;
        return [
          c.if_stage.instr_valid_id,
          c.if_stage.pc_id,
          r.clk_en,
          c.if_stage.pc_if,
          c.id_stage.id_valid,
          c.controller.is_decoding,
          c.cs_registers.pccr_in,
          c.ex_stage.pc_ex,
        ].map((s) => tb.sim.slotOf(s));
      }),
    );
    this.detach = tb.sim.onSettled((cycle) => {
      for (let k = 0, j = 0; k < n; k++, j += S) {
        const st = this.state[k]!;
        if (st === 2) continue;
        const valid = V[sl[j]!]!;
        const pcId = V[sl[j + 1]!]! >>> 0;
        if (st === 0) {
          if (!(valid && pcId === kernelEntry)) continue;
          this.state[k] = 1;
          this.entry[k] = cycle;
        } else if (valid && pcId === kernelReturn) {
          this.state[k] = 2;
          this.ret[k] = cycle;
          this.closeBlock(k, cycle);
          continue;
        }
        const gated = V[sl[j + 2]!] === 0;
        let ph: number;
        if (gated) ph = BARRIER;
        else ph = phaseOf(valid ? pcId : V[sl[j + 3]!]! >>> 0);
        this.cyc[k]![ph]!++;
        if (ph === QNT) {
          if (this.qStart[k]! < 0) {
            this.qStart[k] = cycle;
            this.qOutputs[k] = 0;
          }
          const b = valid && pcId >= lo && pcId < hi ? blockOutputs[(pcId - lo) >>> 1]! : 0;
          if (b !== 0) this.qOutputs[k] = b;
        } else if (this.qStart[k]! >= 0) this.closeBlock(k, cycle);
        if (valid && pcId >= iLo && pcId < iHi) {
          this.innerCyc[k]!++;
          if (pcId === iLo && V[sl[j + 4]!] && V[sl[j + 5]!]) {
            this.innerIt[k]!++;
            const last = this.lastStart[k]!;
            if (last >= 0) {
              const m = this.lengths[k]!;
              m.set(cycle - last, (m.get(cycle - last) ?? 0) + 1);
            }
            this.lastStart[k] = cycle;
          }
        } else if (valid && !gated) this.lastStart[k] = -1;
        if (gated) continue;
        const evs = V[sl[j + 6]!]!;
        if (evs === 0) continue;
        // One count per cycle for the ID events' combination in this phase and one for the EX events' in the
        // phase of pc_ex (result() adds them up per event): two increments instead of a test per event.
        idHist[(k * nP + ph) * ID_COMBOS + idCombo(evs)]!++;
        const ex = exCombo(evs);
        if (ex !== 0) exHist[(k * nP + phaseOf(V[sl[j + 7]!]! >>> 0)) * EX_COMBOS + ex]!++;
      }
    });
  }

  private closeBlock(k: number, cycle: number): void {
    const s = this.qStart[k]!;
    if (s < 0) return;
    const outputs = this.qOutputs[k]!;
    if (outputs > 0) this.blocks[k]!.push({ cycles: cycle - s, outputs });
    this.qStart[k] = -1;
  }

  /** The accounting of every core (cores that never entered the kernel have entryCycle -1). */
  result(): CorePhases[] {
    return this.cyc.map((cyc, k) => {
      const cycles = Object.fromEntries(PHASES.map((p, i) => [p, cyc[i]!])) as Record<Phase, number>;
      const events = Object.fromEntries(
        PHASES.map((p, i) => {
          const row = new Float64Array(PERF_EVENTS.length);
          const add = (hist: Float64Array, combos: number, bits: number[]): void => {
            for (let c = 0; c < combos; c++) {
              const cnt = hist[(k * PHASES.length + i) * combos + c]!;
              if (cnt !== 0) for (let e = 0; e < row.length; e++) if ((bits[c]! >>> e) & 1) row[e]! += cnt;
            }
          };
          add(this.idHist, ID_COMBOS, ID_BITS);
          add(this.exHist, EX_COMBOS, EX_BITS);
          return [p, Object.fromEntries(PERF_EVENTS.map((e, j) => [e, row[j]!]))];
        }),
      ) as Record<Phase, Record<PerfEvent, number>>;
      return {
        entryCycle: this.entry[k]! < 0 ? -1 : this.entry[k]! - this.base,
        returnCycle: this.ret[k]! < 0 ? -1 : this.ret[k]! - this.base,
        cycles,
        events,
        innerCycles: this.innerCyc[k]!,
        innerIterations: this.innerIt[k]!,
        iterationLengths: this.lengths[k]!,
        qntBlocks: this.blocks[k]!,
      };
    });
  }
}
