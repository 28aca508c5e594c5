// The single-core test system: the core and its memory, and the harness's monitor (retire events, the end of the
// program at the granted store to tohost). Its own file so that a fresh copy of the design's code
// (sim/specialize.ts freshCopy, used by the Testbench from the second system of a process on) is this file and
// the design it imports, not the Testbench and the ELF tools.
import { Module } from '../../sim/index.ts';
import type { SystemConfig } from '../../rtl/config/index.ts';
import { Core } from '../../rtl/core/core.ts';
import { SystemMemory } from './memory.ts';

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
