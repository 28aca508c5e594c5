// The single-core test system's Testbench API (the system itself: system.ts): build from a config, load an ELF,
// run to the program's end (the granted store to `tohost`) or a cycle limit, read results and counters. The CLI
// (`pulpsim run`) and every test go through it. Conventions: testbench/fixtures/timing/README.md (reset, cycle 0 =
// first cycle after reset, boot at the ELF entry, end at the tohost store's req & gnt).
import { freshCopy, Simulator, type BackendKind, type StrictReads } from '../../sim/index.ts';
import type { SystemConfig } from '../../rtl/config/index.ts';
import { CtrlState } from '../../rtl/core/controller.ts';
import { type Elf, readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { SingleCoreSystem } from './system.ts';

export { SingleCoreSystem, type HarnessState } from './system.ts';

const SYSTEM_URL = new URL('./system.ts', import.meta.url).href;
/** Single-core systems built in this thread, and the cycles their run() calls simulated. */
let systemsBuilt = 0;
let cyclesRun = 0;
/**
 * Cycles per testbench from which a fresh copy of the system's code pays for itself: a copy's code starts cold
 * (evaluating the copied files, V8 optimising them anew: ~0.1 s of CPU more than a system on the shared, already
 * optimised code), then runs ~2x as fast. Measured (CPU s per testbench, the 2nd to the 5th of a process running
 * the same matmul program, RI5CY, shared -> copy): 27k cycles 0.20 -> 0.27, 72k 0.28 -> 0.30, 181k 0.49 -> 0.36;
 * the 88 RI5CY timing vectors (~300 cycles each) in one process, all but the first copied: 3.9 -> 8.8 s.
 */
const COPY_FROM_MEAN_CYCLES = 100_000;

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export type ExitKind = 'tohost' | 'limit' | 'error';

export interface RunResult {
  exit: ExitKind;
  /** README definition: index of the cycle in which the tohost store has req & gnt (else cycles simulated). */
  cycles: number;
  /** Value stored to tohost (0 when the program did not end). */
  tohost: number;
  /** Instructions as the core's README counts them (RI5CY: PCCR1; CV32E40P: retire events up to the end). */
  instret: number;
  /** Words at symbol `results`, `results_count` of them (empty when the ELF has no such symbols). */
  results: number[];
  message: string;
}

export interface TestbenchOptions {
  backend?: BackendKind;
  hartId?: number;
  /** Interpreter: refuse any read outside a process's read set (SimulatorOptions.strictReads). */
  strictReads?: StrictReads;
  /**
   * Build the system from a fresh copy of its code (sim/specialize.ts) instead of the classes themselves. Default:
   * for the second system of a thread on, when the earlier ones ran COPY_FROM_MEAN_CYCLES cycles or more on
   * average (a process of long runs, such as a sweep of long programs), not for processes of short runs (the tests,
   * sweeps of short programs), where a copy costs more than it saves. Same values either way.
   */
  freshCode?: boolean;
}

export class Testbench {
  readonly sim: Simulator;
  readonly top: SingleCoreSystem;
  readonly elf: Elf;
  readonly entry: number;
  readonly tohostAddr: number | undefined;

  /** Builds the system for `config` booting the ELF (bytes or parsed) at its entry. */
  constructor(
    readonly config: SystemConfig,
    program: Uint8Array | Elf,
    opts: TestbenchOptions = {},
  ) {
    this.elf = program instanceof Uint8Array ? readElf(program, 'program') : program;
    const entry = this.elf.entry >>> 0;
    // RI5CY v1.0 resets to boot[31:8] + 0x80; the harness boots at entry - 0x80 so the core starts at the entry.
    const boot = config.core.version === 'ri5cy_v1' ? (entry - 0x80) >>> 0 : entry;
    const hartId = opts.hartId ?? 0;
    // A fresh copy of the system's code, the core's included (sim/specialize.ts), for the second system of a
    // thread on when its runs are long (TestbenchOptions.freshCode): the next testbench (the next job of a sweep
    // worker, a second run of a script) would otherwise run the core's code with type feedback the earlier ones
    // shaped, and without accessors bound to its arrays (sim/codegen.ts BOUND_BUDGET: every module class of the
    // design must be fresh, the top's included). Measured (CPU s, the matmul bench's 363k-cycle run after a 27k-cycle
    // one in the same process): 0.25-0.26 M -> 1.02-1.10 M cycles/CPU-s. The first system uses the classes themselves.
    const fresh = opts.freshCode ?? (systemsBuilt > 0 && cyclesRun >= COPY_FROM_MEAN_CYCLES * systemsBuilt);
    systemsBuilt++;
    this.top = new (fresh ? freshCopy(SingleCoreSystem, SYSTEM_URL) : SingleCoreSystem)(config, boot, hartId);
    // The learn key: the system is built from the config, the boot address and the hart id alone, so a later
    // testbench of the same three takes this one's learned read sets (sim/elaborate.ts ElaborateOptions.learnKey).
    const learnKey = `${SYSTEM_URL} ${JSON.stringify({ config, boot, hartId })}`;
    this.sim = new Simulator(this.top, { backend: opts.backend ?? 'codegen', strictReads: opts.strictReads, learnKey });
    this.top.mem.clearFault();
    const r = loadElf(this.elf, config.memory, (a, b) => this.top.mem.writeBytes(a, b));
    this.entry = r.entry >>> 0;
    const t = symbol(this.elf, 'tohost');
    this.tohostAddr = t ? t.value >>> 0 : undefined;
    const h = this.top.harness;
    h.endCycle = -1;
    h.tohostWord = this.tohostAddr === undefined ? -1 : this.tohostAddr >>> 2;
  }

  /** The program has stored to tohost. */
  get ended(): boolean {
    return this.top.harness.endCycle >= 0;
  }

  /** Cycles simulated so far. */
  get cycle(): number {
    return this.sim.cycle;
  }

  /** Runs until the tohost store, a model error, or `maxCycles` cycles in total. */
  run(maxCycles = 10_000_000): RunResult {
    const sim = this.sim;
    const mem = this.top.mem;
    const chunk = 1024;
    const h = this.top.harness;
    const ctrl = this.top.core.controller;
    let asleep = false;
    const start = sim.cycle;
    while (h.endCycle < 0 && mem.fault === null && sim.cycle < maxCycles && !asleep) {
      const n = Math.min(chunk, maxCycles - sim.cycle);
      for (let k = 0; k < n && h.endCycle < 0; k++) sim.step();
      // nothing in this system raises an interrupt or event: a core asleep in wfi never wakes
      asleep = ctrl.ctrl_fsm_cs.v === CtrlState.SLEEP;
    }
    cyclesRun += sim.cycle - start;
    if (mem.fault !== null) return this.result('error', sim.cycle, `model error: ${mem.describeFault()}`);
    if (asleep) {
      const pc = this.top.core.if_stage.pc_id.v;
      return this.result('error', sim.cycle, `model error: the core sleeps after the wfi at ${hex(pc)} and nothing in this system can wake it`);
    }
    if (h.endCycle >= 0) {
      const v = h.tohostValue;
      return this.result('tohost', h.endCycle, `store of ${v} to tohost (${hex(this.tohostAddr!)}) in cycle ${h.endCycle}`);
    }
    return this.result('limit', sim.cycle, `cycle limit of ${maxCycles} reached without a store to tohost`);
  }

  private result(exit: ExitKind, cycles: number, message: string): RunResult {
    return {
      exit,
      cycles,
      tohost: exit === 'tohost' ? this.top.harness.tohostValue : 0,
      instret: exit === 'tohost' ? this.top.harness.instretAtEnd : this.top.retired.v,
      results: this.results(),
      message,
    };
  }

  /** Words at `results` (count at `results_count`), read from memory. */
  results(): number[] {
    const rs = symbol(this.elf, 'results');
    const rc = symbol(this.elf, 'results_count');
    if (!rs || !rc) return [];
    const n = this.top.mem.peekWord(rc.value);
    const out: number[] = [];
    for (let k = 0; k < Math.min(n, 4096); k++) out.push(this.top.mem.peekWord(rs.value + 4 * k));
    return out;
  }

  readWord(addr: number): number {
    return this.top.mem.peekWord(addr);
  }

  /** Architectural register value (register file contents; x0 reads 0). */
  readReg(r: number): number {
    if (r === 0) return 0;
    return this.top.core.id_stage.rf.data[r]! >>> 0;
  }

  /** RI5CY performance counters (PCCR0..), CV32E40P mcycle/minstret. */
  counters(): Record<string, number> {
    const cs = this.top.core.cs_registers;
    const out: Record<string, number> = {};
    if (this.config.core.version === 'cv32e40p') {
      out.mcycle = cs.mcycle_lo.v;
      out.minstret = cs.minstret_lo.v;
    } else {
      cs.pccr.forEach((r, i) => (out[`pccr${i}`] = r.v));
    }
    return out;
  }
}
