// The single-core test system and its Testbench API: build from a config, load an ELF, run to the program's end
// (the granted store to `tohost`) or a cycle limit, read results and counters. The CLI (`pulpsim run`) and every
// test go through it. Conventions: testbench/fixtures/timing/README.md (reset, cycle 0 = first cycle after reset,
// boot at the ELF entry, end at the tohost store's req & gnt).
import { Module, Simulator, type BackendKind, type StrictReads } from '../../sim/index.ts';
import type { SystemConfig } from '../../rtl/config/index.ts';
import { CtrlState } from '../../rtl/core/controller.ts';
import { Core } from '../../rtl/core/core.ts';
import { type Elf, readElf, symbol } from '../../kernels/toolchain/elf.ts';
import { loadElf } from '../../kernels/toolchain/loader.ts';
import { SystemMemory } from './memory.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

/** What the harness watches: retire events and the end of the program (the granted store to tohost). */
export interface HarnessState {
  tohostWord: number;
  endCycle: number;
  tohostValue: number;
  instretAtEnd: number;
}

export class SingleCoreSystem extends Module {
  core: Core;
  mem: SystemMemory;
  /** Retire events (id_valid & is_decoding & not illegal/ecall/ebreak), as the CV32E40P harness counts them. */
  retired = this.reg(32, 0);
  /** Clock edges since reset: the index of the cycle the monitor is looking at. */
  cycle_q = this.reg(32, 0);
  readonly harness: HarnessState = { tohostWord: -1, endCycle: -1, tohostValue: 0, instretAtEnd: 0 };

  constructor(config: SystemConfig, bootAddr: number, hartId = 0) {
    super();
    this.core = new Core({ core: config.core, bootAddr, hartId });
    this.mem = new SystemMemory(config.memory, config.imem, config.dmem);
    this.connect(this.core.instr, this.mem.instr);
    this.connect(this.core.data, this.mem.data);
    const c = this.core;
    const id = c.id_stage;
    const ctrl = c.controller;
    const d = c.data;
    const cs = c.cs_registers;
    const cv = config.core.version === 'cv32e40p';
    const h = this.harness;
    // The signals as constants of the monitor's closure (not loaded through the modules each cycle).
    const idValid = id.id_valid, decoding = ctrl.is_decoding, illegal = id.illegal_id, ecall = id.ecall_id, ebrk = id.ebrk_id;
    const retiredQ = this.retired, cycleQ = this.cycle_q;
    const dReq = d.req, dGnt = d.gnt, dWe = d.we, dAddr = d.addr, dWdata = d.wdata;
    // The harness's monitor, evaluated at the clock edge from the settled signals (a seq process keeps the
    // per-cycle cost to plain slot reads; besides its registers it only writes the harness record, once).
    this.seq('monitor', () => {
      const ev = idValid.v & decoding.v & (illegal.v ^ 1) & (ecall.v ^ 1) & (ebrk.v ^ 1);
      const retired = (retiredQ.v + ev) >>> 0;
      retiredQ.next = retired;
      const cycle = cycleQ.v;
      cycleQ.next = (cycle + 1) >>> 0;
      // stores are the rarest of the terms (gnt implies req in this memory, but the end is defined by both)
      if (dWe.v && dGnt.v && dReq.v && h.endCycle < 0 && dAddr.v >>> 2 === h.tohostWord) {
        h.endCycle = cycle;
        h.tohostValue = dWdata.v >>> 0;
        // RI5CY: PCCR1 as the harness reads it at the store, with the increment already in PCCR_inc_q.
        h.instretAtEnd = cv ? retired : ((cs.pccr[1]?.v ?? 0) + ((cs.pccr_inc_q.v >>> 1) & 1)) >>> 0;
      }
    });
  }
}

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
    this.top = new SingleCoreSystem(config, boot, opts.hartId ?? 0);
    this.sim = new Simulator(this.top, { backend: opts.backend ?? 'codegen', strictReads: opts.strictReads });
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
    while (h.endCycle < 0 && mem.fault === null && sim.cycle < maxCycles && !asleep) {
      const n = Math.min(chunk, maxCycles - sim.cycle);
      for (let k = 0; k < n && h.endCycle < 0; k++) sim.step();
      // nothing in this system raises an interrupt or event: a core asleep in wfi never wakes
      asleep = ctrl.ctrl_fsm_cs.v === CtrlState.SLEEP;
    }
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
