// The core top (riscv_core.sv): IF, ID, EX with the LSU, controller, CSRs and hardware-loop registers, with an
// OBI instruction port and an OBI data port. One model for RI5CY v3.4.0, RI5CY v1.0 and CV32E40P: the
// differences are the version switches of version.ts.
import { Module, defineBundle, inp, out } from '../../sim/index.ts';
import type { CoreConfig } from '../config/index.ts';
import { disassemble } from '../isa/disasm.ts';
import { Controller } from './controller.ts';
import { CsRegisters } from './cs_registers.ts';
import { DecodeCache } from './decode_info.ts';
import { ExStage } from './ex_stage.ts';
import { HwloopRegs } from './hwloop_regs.ts';
import { IdStage } from './id_stage.ts';
import { IfStage } from './if_stage.ts';
import { IfStageCv } from './if_stage_cv.ts';
import type { CoreLinks, IfBlock } from './links.ts';
import { LoadStoreUnit } from './load_store_unit.ts';
import { type CoreRules, coreRules } from './version.ts';

/** An OBI-style port as the core (initiator) drives it. */
export const Obi = defineBundle('obi', {
  req: out(1),
  addr: out(32),
  we: out(1),
  be: out(4),
  wdata: out(32),
  gnt: inp(1),
  rvalid: inp(1),
  rdata: inp(32),
});

class LinkSet {}

export interface CoreParams {
  core: CoreConfig;
  /** boot_addr_i: RI5CY v3.4.0 and CV32E40P start here; RI5CY v1.0 at boot[31:8] + 0x80. */
  bootAddr: number;
  /** mhartid as read by the core ({cluster_id[10:5], 0, core_id[3:0]} on RI5CY). */
  hartId?: number;
  /** Builds the IF stage instead of the 32-bit prefetch buffer's (the cluster: the 128-bit L0 variant). */
  ifStage?: (resetPc: number) => IfBlock & Module;
  /** The decode cache, shared by cores of the same `core` config (a cluster's): one copy of each decoded word and
   *  one lookup table for all of them, which keeps less memory in use per cycle (8-core cluster ~+2%, CPU s).
   *  Built from this `core` (`coreRules(core)`) when absent. */
  decode?: DecodeCache;
}

export class Core extends Module {
  readonly rules: CoreRules;
  readonly dec: DecodeCache;

  instr = this.port(Obi, 'instr');
  data = this.port(Obi, 'data');

  if_stage: IfBlock & Module;
  id_stage: IdStage;
  controller: Controller;
  ex_stage: ExStage;
  load_store_unit: LoadStoreUnit;
  cs_registers: CsRegisters;
  hwloop_regs: HwloopRegs;

  constructor(p: CoreParams) {
    super();
    this.rules = coreRules(p.core);
    this.dec = p.decode ?? new DecodeCache(this.rules);
    if (p.decode && (p.decode.version !== this.rules.version || p.decode.flavour !== this.rules.flavour)) {
      throw new Error(`Core: the shared decode cache is for ${p.decode.version}/${p.decode.flavour}, not ${this.rules.version}/${this.rules.flavour}`);
    }
    const resetPc = this.rules.resetPc(p.bootAddr);
    this.if_stage = p.ifStage
      ? p.ifStage(resetPc)
      : this.rules.version === 'cv32e40p'
        ? new IfStageCv(resetPc)
        : new IfStage(resetPc);
    this.id_stage = new IdStage(this.dec);
    this.controller = new Controller(this.rules);
    this.ex_stage = new ExStage(this.dec, this.rules.timing);
    this.load_store_unit = new LoadStoreUnit(this.rules.version === 'cv32e40p', this.rules.timing.loadUseCycles === 0);
    this.cs_registers = new CsRegisters(this.rules, p.bootAddr >>> 0, (p.hartId ?? 0) >>> 0);
    this.hwloop_regs = new HwloopRegs(this.rules.version === 'cv32e40p');
    // A class instance, not a plain object: the elaborator must not take the neighbours for children.
    const links: CoreLinks = Object.assign(new LinkSet(), {
      ifs: this.if_stage,
      id: this.id_stage,
      ctrl: this.controller,
      ex: this.ex_stage,
      lsu: this.load_store_unit,
      cs: this.cs_registers,
      hwlp: this.hwloop_regs,
      instr: this.instr,
      data: this.data,
    });
    // Each block's `l` is written here only, once (declared, not initialised, in the blocks): V8 then treats the
    // field as constant, and where a block's process is the only closure of its literal (one core in the design),
    // `this.l.ex.valid_ex.v` folds to one load at a literal slot. A second write, even of the same value, made it
    // an ordinary field. Single-core bench (CPU s, alternating pairs): RI5CY ~0.63 -> ~0.82 M cycles/CPU-s.
    for (const b of [this.if_stage, this.id_stage, this.controller, this.ex_stage, this.load_store_unit, this.cs_registers, this.hwloop_regs]) {
      b.l = links;
    }
    this.if_stage.bind(links);
    this.controller.bind(links);
    this.id_stage.bind(links);
    this.ex_stage.bind(links);
    this.load_store_unit.bind(links);
    this.cs_registers.bind(links);
    this.hwloop_regs.bind(links);

    const f = this.if_stage;
    this.connect(f.instr_req, this.instr.req);
    this.connect(f.instr_addr, this.instr.addr);
    this.connect(f.instr_gnt, this.instr.gnt);
    this.connect(f.instr_rvalid, this.instr.rvalid);
    this.connect(f.instr_rdata, this.instr.rdata);
    this.tie(this.instr.we, 0);
    this.tie(this.instr.be, 0xf);
    this.tie(this.instr.wdata, 0);
    const u = this.load_store_unit;
    this.connect(u.data_req, this.data.req);
    this.connect(u.data_addr, this.data.addr);
    this.connect(u.data_we, this.data.we);
    this.connect(u.data_be, this.data.be);
    this.connect(u.data_wdata, this.data.wdata);
    this.connect(u.data_gnt, this.data.gnt);
    this.connect(u.data_rvalid, this.data.rvalid);
    this.connect(u.data_rdata, this.data.rdata);

    const fl = this.rules.flavour;
    const show = (valid: number, word: number, pc: number): string => (valid ? disassemble(word, pc, fl) : '-');
    // Each text depends only on its stage's valid, word and pc, so wave writers disassemble a word once per
    // distinct (valid, word, pc) instead of every cycle.
    this.probe('instr_if', () => show(f.fetch_valid.v, f.fetch_rdata.v, f.pc_if.v), { reads: [f.fetch_valid, f.fetch_rdata, f.pc_if] });
    this.probe('instr_id_asm', () => show(f.instr_valid_id.v, f.instr_rdata_id.v, f.pc_id.v), { reads: [f.instr_valid_id, f.instr_rdata_id, f.pc_id] });
    const ex = this.ex_stage;
    this.probe('instr_ex_asm', () => show(ex.valid_ex.v, ex.instr_ex.v, ex.pc_ex.v), { reads: [ex.valid_ex, ex.instr_ex, ex.pc_ex] });
  }
}
