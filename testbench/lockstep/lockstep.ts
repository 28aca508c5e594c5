// Lockstep checker: every instruction the signal-level core retires is compared with the golden ISS (pc,
// instruction word, register writes, memory accesses, traps), stopping at the first divergence with a report.
//
// What the core retires is observed on its signals: an instruction leaves ID (id_valid & is_decoding), or the
// controller takes it in DECODE with a flush (halt_id: traps, mret, fence, wfi); its port-B write is the last one
// while it is in EX, its data accesses are the grants while it is in EX, and a load's register write is the WB
// write of its final (non-split) response. A record is compared once it has left EX and its responses are back.
import { disassemble } from '../../rtl/isa/disasm.ts';
import { CtrlState } from '../../rtl/core/controller.ts';
import { Iss, type Retire } from '../iss/iss.ts';
import type { Testbench, RunResult } from '../system/testbench.ts';

export interface ModelAccess {
  addr: number;
  we: boolean;
  be: number;
  wdata: number;
}

export interface ModelRetire {
  pc: number;
  word: number;
  cycle: number;
  trap: boolean;
  portB?: { reg: number; value: number };
  load?: { reg: number; value: number };
  mem: ModelAccess[];
  /** Data responses still expected. */
  pending: number;
  inEx: boolean;
  leftEx: boolean;
}

export interface Divergence {
  /** 0-based index of the retired instruction. */
  index: number;
  cycle: number;
  field: string;
  iss: string;
  model: string;
  report: string;
}

export interface LockstepResult {
  run: RunResult;
  compared: number;
  divergence: Divergence | null;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export class Lockstep {
  readonly iss: Iss;
  private queue: ModelRetire[] = [];
  private ex: ModelRetire | null = null;
  private nextEx: ModelRetire | null = null;
  private wb: ModelRetire[] = [];
  compared = 0;
  divergence: Divergence | null = null;

  constructor(readonly tb: Testbench) {
    this.iss = new Iss(tb.config, { maxInstructions: Number.MAX_SAFE_INTEGER, wfi: 'nop', ecallExit: false });
    this.iss.load(tb.elf);
    const c = tb.top.core;
    const f = c.if_stage;
    const id = c.id_stage;
    const ctrl = c.controller;
    const ex = c.ex_stage;
    const lsu = c.load_store_unit;
    const d = c.data;
    tb.sim.onSettled((cycle) => {
      if (this.divergence) return;
      if (this.nextEx) {
        this.ex = this.nextEx;
        this.ex.inEx = true;
        this.nextEx = null;
      }
      const cur = this.ex;
      if (cur && ex.valid_ex.v) {
        if (ex.regfile_alu_we_ex.v) cur.portB = { reg: ex.regfile_alu_waddr_ex.v, value: ex.regfile_alu_wdata_fw.v >>> 0 };
        if (d.req.v && d.gnt.v) {
          cur.mem.push({ addr: d.addr.v >>> 0, we: d.we.v === 1, be: d.be.v, wdata: d.wdata.v >>> 0 });
          cur.pending++;
          this.wb.push(cur);
        }
      }
      if (d.rvalid.v && this.wb.length) {
        const r = this.wb.shift()!;
        r.pending--;
        if (ex.regfile_we_wb.v && !lsu.responseIsPartial() && !lsu.data_we_q.v) {
          r.load = { reg: ex.regfile_waddr_wb.v, value: lsu.wb_rdata.v >>> 0 };
        }
      }
      if (cur && ex.ex_ready.v && !lsu.data_misaligned.v) {
        cur.leftEx = true;
        this.ex = null;
      }
      const issue = (trap: boolean): ModelRetire => {
        const r: ModelRetire = {
          pc: f.pc_id.v >>> 0,
          word: f.instr_rdata_id.v >>> 0,
          cycle,
          trap,
          mem: [],
          pending: 0,
          inEx: false,
          leftEx: false,
        };
        this.queue.push(r);
        return r;
      };
      const traps = id.illegal_id.v === 1 || id.ecall_id.v === 1 || (id.ebrk_id.v === 1 && c.rules.ebreakTraps);
      if (id.id_valid.v && ctrl.is_decoding.v && f.instr_valid_id.v) {
        // CV32E40P hands trapping instructions to EX as bubbles; RI5CY keeps them in ID (below)
        this.nextEx = issue(traps);
      } else if (ctrl.ctrl_fsm_cs.v === CtrlState.DECODE && ctrl.is_decoding.v && ctrl.halt_id.v && f.instr_valid_id.v) {
        const r = issue(traps);
        r.leftEx = true;
      }
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length && !this.divergence) {
      const r = this.queue[0]!;
      if (!r.leftEx || r.pending > 0) return;
      this.queue.shift();
      this.compare(r);
    }
  }

  private fail(r: ModelRetire, e: Retire | null, field: string, iss: string, model: string): void {
    const fl = this.tb.config.core.flavour;
    const text = (w: number, pc: number): string => disassemble(w, pc, fl);
    const report =
      `lockstep divergence at retired instruction #${this.compared} (model cycle ${r.cycle}), ${field}: ISS ${iss}, model ${model}\n` +
      `  ISS   ${e ? `${hex(e.pc)}: ${text(e.word, e.pc)}` : '(ended)'}\n` +
      `  model ${hex(r.pc)}: ${text(r.word, r.pc)}` +
      (r.portB ? ` x${r.portB.reg}=${hex(r.portB.value)}` : '') +
      (r.load ? ` x${r.load.reg}=${hex(r.load.value)}` : '') +
      r.mem.map((m) => ` ${m.we ? 'st' : 'ld'}[${hex(m.addr)}] be=${m.be.toString(2)}${m.we ? ` ${hex(m.wdata)}` : ''}`).join('');
    this.divergence = { index: this.compared, cycle: r.cycle, field, iss, model, report };
  }

  private compare(r: ModelRetire): void {
    if (this.iss.exited) {
      this.fail(r, null, 'retire', 'program ended', 'another instruction');
      return;
    }
    const e = this.iss.step();
    if (e.pc !== r.pc) return this.fail(r, e, 'pc', hex(e.pc), hex(r.pc));
    if (e.word !== r.word) return this.fail(r, e, 'instruction word', hex(e.word), hex(r.word));
    if (!!e.trap !== r.trap) return this.fail(r, e, 'trap', e.trap ? `mcause ${e.trap.cause}` : 'none', r.trap ? 'trap' : 'none');
    const mw: Array<{ reg: number; value: number }> = [];
    if (r.portB && r.portB.reg !== 0) mw.push(r.portB);
    if (r.load && r.load.reg !== 0) mw.push(r.load);
    const fmt = (ws: Array<{ reg: number; value: number }>): string => (ws.length ? ws.map((w) => `x${w.reg}=${hex(w.value)}`).join(' ') : 'none');
    const ew = e.writes.map((w) => ({ reg: w.reg, value: w.value >>> 0 }));
    if (this.timingCsr(e) && ew.length === 1 && mw.length === 1 && ew[0]!.reg === mw[0]!.reg) {
      // A cycle or event counter: an ISS has no cycles, so the core's value is taken over (and checked no further).
      this.iss.writeReg(ew[0]!.reg, mw[0]!.value);
      ew[0]!.value = mw[0]!.value;
    }
    if (fmt(ew) !== fmt(mw)) return this.fail(r, e, 'register writes', fmt(ew), fmt(mw));
    const em = e.mem;
    const mm = r.mem;
    if (em.length === 0 && mm.length === 0) {
      this.compared++;
      return;
    }
    if (em.length !== 1 || mm.length < 1 || mm.length > 2) {
      return this.fail(r, e, 'memory accesses', `${em.length}`, `${mm.length}`);
    }
    const a = em[0]!;
    const first = mm[0]!;
    if (first.addr !== a.addr || first.we !== (a.kind === 'store')) {
      return this.fail(r, e, 'memory access', `${a.kind} ${hex(a.addr)}`, `${first.we ? 'store' : 'load'} ${hex(first.addr)}`);
    }
    const split = (a.addr & 3) + a.bytes > 4;
    if (split !== (mm.length === 2)) return this.fail(r, e, 'split access', String(split), String(mm.length === 2));
    if (a.kind === 'store') {
      // bytes the model wrote, from the byte enables and the (rotated) write data of each transaction
      let v = 0;
      for (let k = 0; k < a.bytes; k++) {
        const addr = (a.addr + k) >>> 0;
        const t = mm.find((m) => m.addr >>> 2 === addr >>> 2) ?? mm[0]!;
        const lane = addr & 3;
        if (!((t.be >>> lane) & 1)) return this.fail(r, e, 'store byte enable', `byte ${hex(addr)}`, `be=${t.be.toString(2)}`);
        v |= ((t.wdata >>> (8 * lane)) & 0xff) << (8 * k);
      }
      const mask = a.bytes === 4 ? 0xffffffff : (1 << (8 * a.bytes)) - 1;
      if ((v & mask) >>> 0 !== (a.value & mask) >>> 0) return this.fail(r, e, 'store data', hex(a.value & mask), hex(v & mask));
    }
    this.compared++;
  }

  /** The instruction reads a counter whose value depends on timing (RI5CY PCCR, CV32E40P cycle/hpm counters). */
  private timingCsr(e: Retire): boolean {
    if (e.id === null || !e.id.startsWith('csrr')) return false;
    const csr = (e.word >>> 20) & 0xfff;
    if (this.tb.config.core.version === 'cv32e40p') {
      return (csr >= 0xb00 && csr <= 0xb9f) || (csr >= 0xc00 && csr <= 0xc9f);
    }
    return (csr & ~0x1f) === 0x780;
  }

  /** Runs the testbench until its program ends, the cycle limit, or the first divergence. */
  run(maxCycles = 10_000_000): LockstepResult {
    const sim = this.tb.sim;
    while (!this.divergence && sim.cycle < maxCycles && !this.ended()) sim.step();
    const run = this.tb.run(sim.cycle + 1);
    return { run, compared: this.compared, divergence: this.divergence };
  }

  private ended(): boolean {
    return this.tb.ended || this.tb.top.mem.fault !== null;
  }
}
