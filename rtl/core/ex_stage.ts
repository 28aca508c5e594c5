// EX stage (riscv_ex_stage.sv, riscv_mult.sv, riscv_alu_div.sv at pulpissimo-v3.4.0; fact sheet §1.1, §1.3):
// runs the instruction's semantics from the rtl/isa table over the operand values latched in ID (forwarded), so
// ALU/SIMD/bit-manip/MUL results leave through write port B and are forwarded to ID in the same cycle; the
// branch decision (taken branches redirect from EX); the LSU request; CSR accesses. Timing: the 1-cycle
// multiplier and dot products, the 5-cycle MULH FSM (IDLE-STEP0-STEP1-STEP2-FINISH), and the serial divider
// (IDLE, DIVIDE for S+1 cycles, FINISH: 3..35 cycles, S from the divisor's leading bits). The what-if timing of
// rtl/config CoreTiming stretches or shortens the FSMs (mulCycles/mulhCycles: IDLE, STEP0..STEP2 for as many
// cycles as asked, FINISH; divCycles: a fixed DIVIDE length) and, under core.branch=btfn, turns the branch
// decision into a check of the prediction made in ID.
import { Module, defineEnum } from '../../sim/index.ts';
import type { Hart, Operands } from '../isa/types.ts';
import type { DecodeCache, DecodeInfo } from './decode_info.ts';
import type { CoreLinks } from './links.ts';
import type { CoreTiming } from '../config/index.ts';

export const MulhState = defineEnum('MulhState', ['IDLE', 'STEP0', 'STEP1', 'STEP2', 'FINISH']);
export const DivState = defineEnum('DivState', ['IDLE', 'DIVIDE', 'FINISH']);

export const CSR_OP_NONE = 0;
export const CSR_OP_WRITE = 1;
export const CSR_OP_SET = 2;
export const CSR_OP_CLEAR = 3;

/** The EX stage's view of an instruction's semantics: operands from the ID/EX register, effects to the ports. */
class ExHart implements Hart {
  pc = 0;
  size: 2 | 4 = 4;
  readonly flavour;
  ops!: Readonly<Operands>;
  a = 0;
  b = 0;
  c = 0;
  wdata = 0;
  jumped = false;
  target = 0;
  lsuAddr = 0;
  lsuType = 0;
  lsuSign = 0;
  lsuWdata = 0;
  csrAddr = 0;
  csrOp = 0;
  csrWdata = 0;
  readCsr: (csr: number) => number = () => 0;
  constructor(flavour: Hart['flavour']) {
    this.flavour = flavour;
  }
  x(r: number): number {
    if (r === 0) return 0;
    const o = this.ops;
    if (r === o.rs1) return this.a | 0;
    if (r === o.rs2) return this.b | 0;
    return this.c | 0;
  }
  setX(_r: number, v: number): void {
    this.wdata = v >>> 0;
  }
  jump(target: number): void {
    this.jumped = true;
    this.target = target >>> 0;
  }
  load(_rd: number, addr: number, bytes: 1 | 2 | 4, signed: boolean): void {
    this.lsuAddr = addr >>> 0;
    this.lsuType = bytes === 4 ? 0 : bytes === 2 ? 1 : 2;
    this.lsuSign = signed ? 1 : 0;
  }
  store(addr: number, bytes: 1 | 2 | 4, value: number): void {
    this.lsuAddr = addr >>> 0;
    this.lsuType = bytes === 4 ? 0 : bytes === 2 ? 1 : 2;
    this.lsuWdata = value >>> 0;
  }
  elw(_rd: number, addr: number): void {
    this.lsuAddr = addr >>> 0;
    this.lsuType = 0;
    this.lsuSign = 1;
  }
  csr(csr: number, _write: boolean, value: (old: number) => number): number {
    const old = this.readCsr(csr) >>> 0;
    this.csrAddr = csr;
    // The raw operand of csrrw/csrrs/csrrc: the RTL applies the operation itself (riscv_cs_registers.sv).
    if (this.csrOp === CSR_OP_CLEAR) this.csrWdata = ~value(0xffffffff) >>> 0;
    else this.csrWdata = value(0) >>> 0;
    return old;
  }
  setLoop(): void {}
  system(): void {}
  illegal(): void {}
}

/** Divider cycle count S (riscv_alu.sv l.1024-1061): leading zeros of the divisor (32 for 0), or for a
 *  negative signed divisor its leading ones minus one. */
export function divShift(divisor: number, signed: boolean): number {
  const d = divisor | 0;
  if (signed && d < 0) return Math.clz32(~d) - 1;
  return Math.clz32(d >>> 0);
}

export class ExStage extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  // ID/EX pipeline register
  instr_ex = this.reg(32, 0);
  pc_ex = this.reg(32, 0);
  valid_ex = this.reg(1, 0);
  alu_operand_a_ex = this.reg(32, 0);
  alu_operand_b_ex = this.reg(32, 0);
  alu_operand_c_ex = this.reg(32, 0);
  regfile_alu_we_ex = this.reg(1, 0);
  regfile_alu_waddr_ex = this.reg(5, 0);
  regfile_we_ex = this.reg(1, 0);
  regfile_waddr_ex = this.reg(5, 0);
  data_req_ex = this.reg(1, 0);
  data_we_ex = this.reg(1, 0);
  data_misaligned_ex = this.reg(1, 0);
  branch_in_ex = this.reg(1, 0);
  csr_access_ex = this.reg(1, 0);
  csr_op_ex = this.reg(2, 0);
  mulh_en_ex = this.reg(1, 0);
  div_en_ex = this.reg(1, 0);
  div_signed_ex = this.reg(1, 0);
  /** CV32E40P: alu_en | mult_en | csr_access | lsu_en of the ID/EX register, which gate ex_valid_o
   *  (cv32e40p_ex_stage.sv). An instruction handed over under deassert_we (an illegal one) clears all but
   *  csr_access, so EX is not valid until a bubble sets alu_en again (cv32e40p_id_stage.sv ID_EX_PIPE_REGISTERS):
   *  the controller then waits one more cycle in FLUSH_EX. */
  en_ex = this.reg(1, 0);

  // EX/WB register (riscv_ex_stage.sv EX_WB_Pipeline_Register)
  regfile_we_wb = this.reg(1, 0);
  regfile_waddr_wb = this.reg(5, 0);

  /** core.loadUseCycles=0: operands (bit 0 a, 1 b, 2 c) that are the result of the load that left EX as this
   *  instruction entered it; they come from WB's load data until the response, then are latched. */
  fwd_ld_ex = this.reg(3, 0);
  /** core.branch=btfn: the branch in EX was predicted taken in ID (the fetch already went to its target). */
  branch_pred_ex = this.reg(1, 0);

  mulh_cs = this.reg(MulhState, MulhState.IDLE);
  /** STEP cycles left after this one (the RTL's three steps: STEP0, STEP1, STEP2). */
  mulh_cnt = this.reg(5, 0);
  div_cs = this.reg(DivState, DivState.IDLE);
  div_cnt = this.reg(6, 0);

  regfile_alu_wdata_fw = this.output(32);
  branch_decision = this.wire(1);
  branch_taken_ex = this.output(1);
  branch_target_ex = this.output(32);
  lsu_addr_ex = this.output(32);
  lsu_type_ex = this.output(2);
  lsu_sign_ex = this.output(1);
  lsu_wdata_ex = this.output(32);
  csr_addr_ex = this.output(12);
  csr_wdata_ex = this.output(32);
  /** riscv_cs_registers.sv csr_rdata_o as EX uses it: the CSR the instruction in EX reads (0 without a CSR
   *  instruction in EX), read by `execute` before the semantics run and handed to the hart's readCsr. Nothing else
   *  uses it, so it is not a signal (a store per evaluation of `execute` that no process reads). */
  private csrIn = 0;
  alu_ready = this.output(1);
  mult_ready = this.output(1);
  mult_multicycle = this.wire(1);
  ex_ready = this.output(1);
  ex_valid = this.output(1);

  private readonly hart: ExHart;
  private readonly cv: boolean;
  private lastWord = -1;
  private lastInfo: DecodeInfo;

  private readonly btfn: boolean;
  /** core.loadUseCycles = 0: load data forwarded from WB into EX. */
  private readonly bypass: boolean;
  /** core.divCycles: 0 the RTL's divisor-dependent length, else fixed. */
  private readonly divFixed: number;

  constructor(
    private readonly dec: DecodeCache,
    timing: CoreTiming,
  ) {
    super();
    this.btfn = timing.branch === 'btfn';
    this.bypass = timing.loadUseCycles === 0;
    this.divFixed = timing.divCycles;
    this.hart = new ExHart(dec.flavour);
    this.lastInfo = dec.get(0);
    this.cv = dec.version === 'cv32e40p';
  }

  /** Register-file port B enable: RI5CY writes whenever EX has a port-B result; CV32E40P
   *  (regfile_alu_we_fw_power) only once the multi-cycle units and the LSU are ready. */
  portBWrite(): boolean {
    if (!this.regfile_alu_we_ex.v) return false;
    if (!this.cv) return true;
    return (this.mult_ready.v & this.alu_ready.v & this.l.lsu.lsu_ready_ex.v) === 1;
  }


  /** The decoded instruction in the ID/EX register. */
  info(): DecodeInfo {
    const w = this.instr_ex.v;
    if (w !== this.lastWord) {
      this.lastWord = w;
      this.lastInfo = this.dec.get(w);
    }
    return this.lastInfo;
  }

  bind(l: CoreLinks): void {
    // Only zicsr's instructions read a CSR, and only the one their decode names (DecodeInfo.csrAddr): read by
    // `execute` before the semantics run (csrIn).
    this.hart.readCsr = () => this.csrIn;
    const btfn = this.btfn;
    const bypass = this.bypass;
    this.comb(
      'execute',
      () => {
        const h = this.hart;
        h.jumped = false;
        h.wdata = 0;
        h.lsuAddr = 0;
        h.lsuType = 0;
        h.lsuSign = 0;
        h.lsuWdata = 0;
        h.csrAddr = 0;
        h.csrWdata = 0;
        let csrV = 0;
        if (this.valid_ex.v) {
          const i = this.info();
          if (i.csr) {
            csrV = l.cs.readCsr(i.csrAddr);
            h.csrOp = this.csr_op_ex.v;
          }
          this.csrIn = csrV;
          const d = i.decoded;
          if (d !== null && !i.illegal) {
            h.pc = this.pc_ex.v;
            h.size = i.size;
            h.ops = d.ops;
            h.a = this.alu_operand_a_ex.v;
            h.b = this.alu_operand_b_ex.v;
            h.c = this.alu_operand_c_ex.v;
            if (bypass) {
              const f = this.fwd_ld_ex.v;
              if (f !== 0) {
                const v = l.lsu.wb_rdata.v;
                if (f & 1) h.a = v;
                if (f & 2) h.b = v;
                if (f & 4) h.c = v;
              }
            }
            d.def.exec!(h, d.ops);
          }
        }
        this.regfile_alu_wdata_fw.v = h.wdata;
        const jumped = h.jumped ? 1 : 0;
        this.branch_decision.v = jumped;
        if (btfn && this.branch_pred_ex.v) {
          // predicted taken in ID: EX redirects (to the fall-through) only when the branch is not taken
          this.branch_taken_ex.v = this.branch_in_ex.v & (jumped ^ 1);
          this.branch_target_ex.v = (this.pc_ex.v + this.info().size) >>> 0;
        } else {
          this.branch_taken_ex.v = this.branch_in_ex.v & jumped;
          this.branch_target_ex.v = h.target;
        }
        // a branch on forwarded load data decides in the response cycle (ex_ready holds it until then; the load
        // is WB's only outstanding access, so its rvalid is the response: lsu_ready_wb would close a loop
        // through the grant)
        if (bypass && this.fwd_ld_ex.v !== 0 && !l.lsu.data_rvalid.v) this.branch_taken_ex.v = 0;
        if (!bypass) this.driveLsu(h);
        this.csr_addr_ex.v = h.csrAddr;
        this.csr_wdata_ex.v = h.csrWdata;
      },
      {
        reads: [
          // csr_op_ex: read for a CSR instruction only, which learning's random words seldom reach
          this.csr_op_ex,
          ...l.cs.csrSignals(),
          ...(btfn ? [this.branch_pred_ex] : []),
          ...(bypass ? [this.fwd_ld_ex, l.lsu.wb_rdata, l.lsu.data_rvalid] : []),
        ],
      },
    );
    if (bypass) {
      // core.loadUseCycles=0: the LSU request is computed from the ID/EX register alone, in a process of its
      // own: WB's load data reaches the ALU and the branch decision in the response cycle, but an access whose
      // address or store data is that load's result requests one cycle later, from the latched operands
      // (LoadStoreUnit holds it while fwd_ld_ex is set). Memories that answer combinationally from the address
      // (the event unit) would otherwise close a loop through the data port.
      const lh = new ExHart(this.dec.flavour);
      // a load or store never reads a CSR (only zicsr's instructions do, and they make no access)
      lh.readCsr = () => 0;
      this.comb('execute_lsu', () => {
        lh.lsuAddr = 0;
        lh.lsuType = 0;
        lh.lsuSign = 0;
        lh.lsuWdata = 0;
        if (this.valid_ex.v) {
          const i = this.info();
          const d = i.decoded;
          if (d !== null && !i.illegal && i.dataReq) {
            lh.pc = this.pc_ex.v;
            lh.size = i.size;
            lh.ops = d.ops;
            lh.a = this.alu_operand_a_ex.v;
            lh.b = this.alu_operand_b_ex.v;
            lh.c = this.alu_operand_c_ex.v;
            lh.csrOp = this.csr_op_ex.v;
            d.def.exec!(lh, d.ops);
          }
        }
        this.driveLsu(lh);
      });
    }
    // the multi-cycle units' ready and EX's ready/valid (riscv_ex_stage.sv) in one process: the units' states
    // are registers, so nothing orders them apart
    this.comb('ex_ready_p', () => {
      const m = this.mulh_cs.v;
      const multReady = m === MulhState.FINISH || (m === MulhState.IDLE && !this.mulh_en_ex.v) ? 1 : 0;
      this.mult_ready.v = multReady;
      this.mult_multicycle.v = m === MulhState.STEP0 || m === MulhState.STEP1 || m === MulhState.STEP2 ? 1 : 0;
      const dv = this.div_cs.v;
      const aluReady = dv === DivState.FINISH || (dv === DivState.IDLE && !this.div_en_ex.v) ? 1 : 0;
      this.alu_ready.v = aluReady;
      const lsu = this.l.lsu;
      const units = aluReady & multReady & lsu.lsu_ready_ex.v & lsu.lsu_ready_wb.v;
      // a branch leaves EX at once (RTL), unless it waits for forwarded load data (core.loadUseCycles=0)
      this.ex_ready.v = units | (bypass ? this.branch_in_ex.v & ((this.fwd_ld_ex.v === 0 ? 1 : 0) | lsu.lsu_ready_wb.v) : this.branch_in_ex.v);
      this.ex_valid.v = this.cv ? units & this.en_ex.v : units;
    });
    // The ID/EX and EX/WB registers in one seq process (one call per cycle instead of two).
    this.seq('ex_q', () => {
      this.idExSeq();
      this.exWbSeq();
    });
    // The multi-cycle units' FSMs apart, stable (a function of their reads): idle, with neither unit enabled, they
    // neither run nor commit, where they were looked at every cycle. ex_ready matters only outside IDLE (IDLE is
    // 0), the instruction only when the multiplier starts, the divisor only when the divider starts.
    this.seq('units_q', this.unitsSeq, {
      stable: true,
      guarded: [
        { reads: [this.ex_ready], when: [this.mulh_cs, this.div_cs] },
        { reads: [this.instr_ex], when: [this.mulh_en_ex] },
        { reads: [this.alu_operand_b_ex, this.div_signed_ex], when: [this.div_en_ex] },
      ],
    });
  }

  /** The MULH and divider FSMs (riscv_mult.sv, riscv_alu_div.sv). */
  private readonly unitsSeq = (): void => {
    const m = this.mulh_cs.v;
    if (m === MulhState.IDLE) {
      if (this.mulh_en_ex.v) {
        // IDLE and FINISH are two of the instruction's cycles, the steps the rest (RTL mulh: 5 = 2 + 3 steps)
        const steps = this.info().multCycles - 2;
        if (steps === 0) this.mulh_cs.next = MulhState.FINISH;
        else {
          this.mulh_cs.next = MulhState.STEP0;
          this.mulh_cnt.next = steps - 1;
        }
      }
    } else if (m === MulhState.FINISH) {
      if (this.ex_ready.v) this.mulh_cs.next = MulhState.IDLE;
    } else {
      const c = this.mulh_cnt.v;
      if (c === 0) this.mulh_cs.next = MulhState.FINISH;
      else {
        this.mulh_cnt.next = c - 1;
        this.mulh_cs.next = c === 1 ? MulhState.STEP2 : MulhState.STEP1;
      }
    }
    const dv = this.div_cs.v;
    if (dv === DivState.IDLE) {
      if (this.div_en_ex.v) {
        // IDLE, DIVIDE for cnt + 1 cycles, FINISH: a fixed length of 2 skips DIVIDE
        const fixed = this.divFixed;
        if (fixed === 2) this.div_cs.next = DivState.FINISH;
        else {
          this.div_cs.next = DivState.DIVIDE;
          this.div_cnt.next = fixed === 0 ? divShift(this.alu_operand_b_ex.v, this.div_signed_ex.v === 1) : fixed - 3;
        }
      }
    } else if (dv === DivState.DIVIDE) {
      if (this.div_cnt.v === 0) this.div_cs.next = DivState.FINISH;
      else this.div_cnt.next = this.div_cnt.v - 1;
    } else if (this.ex_ready.v) this.div_cs.next = DivState.IDLE;
  };

  /** riscv_ex_stage.sv EX_WB_Pipeline_Register. */
  private readonly exWbSeq = (): void => {
    if (this.ex_valid.v) {
      this.regfile_we_wb.next = this.regfile_we_ex.v;
      if (this.regfile_we_ex.v) this.regfile_waddr_wb.next = this.regfile_waddr_ex.v;
    } else if (this.l.lsu.lsu_ready_wb.v) {
      this.regfile_we_wb.next = 0;
    }
  };

  /** core.loadUseCycles=0: in the load's response cycle the forwarded operands are latched (WB's data is the
   *  load's only in that cycle), so an instruction still held in EX keeps them. */
  private readonly bypassSeq = (): void => {
    const f = this.fwd_ld_ex.v;
    if (f === 0 || !this.l.lsu.lsu_ready_wb.v) return;
    const v = this.l.lsu.wb_rdata.v;
    if (f & 1) this.alu_operand_a_ex.next = v;
    if (f & 2) this.alu_operand_b_ex.next = v;
    if (f & 4) this.alu_operand_c_ex.next = v;
    this.fwd_ld_ex.next = 0;
  };

  /** The operands of `i` (entering EX) that the load leaving EX writes: forwarded from WB (loadUseCycles=0). */
  private readonly loadOperands = (i: DecodeInfo): number => {
    if (!(this.data_req_ex.v & this.regfile_we_ex.v) || this.data_misaligned_ex.v) return 0;
    const w = this.regfile_waddr_ex.v;
    if (w === 0) return 0;
    return (i.raddrA === w ? 1 : 0) | (i.raddrB === w ? 2 : 0) | (i.raddrC === w ? 4 : 0);
  };

  private readonly driveLsu = (h: ExHart): void => {
    this.lsu_addr_ex.v = h.lsuAddr;
    this.lsu_type_ex.v = h.lsuType;
    this.lsu_sign_ex.v = h.lsuSign;
    this.lsu_wdata_ex.v = h.lsuWdata;
  };

  /** riscv_id_stage.sv ID_EX_PIPE_REGISTERS. Registers are assigned directly: an assignment of the value a
   *  register already holds is the same as holding it, and cheaper than reading it to compare. */
  private readonly idExSeq = (): void => {
    const l = this.l;
    const exReady = this.ex_ready.v;
    if (this.bypass) this.bypassSeq();
    if (l.lsu.data_misaligned.v) {
      // second access of a misaligned load/store: address + 4, no second pointer update
      if (exReady) {
        this.data_misaligned_ex.next = 1;
        this.regfile_alu_we_ex.next = 0;
      }
      return;
    }
    if (this.mult_multicycle.v) return;
    const cv = this.cv;
    if (l.id.id_valid.v) {
      const i = l.id.info();
      const deassert = l.ctrl.deassert_we.v === 1;
      this.instr_ex.next = l.ifs.instr_rdata_id.v;
      this.pc_ex.next = l.ifs.pc_id.v;
      this.alu_operand_a_ex.next = l.id.operand_a_fw_id.v;
      this.alu_operand_b_ex.next = l.id.operand_b_fw_id.v;
      this.alu_operand_c_ex.next = l.id.operand_c_fw_id.v;
      this.data_misaligned_ex.next = 0;
      this.csr_access_ex.next = i.csr && !i.illegal ? 1 : 0;
      this.div_signed_ex.next = i.divSigned ? 1 : 0;
      // The divider starts from alu_en. RI5CY's deassert_we does not clear it (only a taken branch does);
      // CV32E40P's decoder gates alu_en_o with deassert_we, so a word handed over while ID is not decoding (the
      // stale divide still in ID when a divide leaves EX with the next fetch outstanding) does not restart it.
      this.div_en_ex.next = i.divEn && this.branch_taken_ex.v === 0 && !(cv && deassert) ? 1 : 0;
      if (deassert) {
        this.valid_ex.next = 0;
        this.regfile_alu_we_ex.next = 0;
        this.regfile_we_ex.next = 0;
        this.data_req_ex.next = 0;
        this.branch_in_ex.next = 0;
        this.csr_op_ex.next = CSR_OP_NONE;
        this.mulh_en_ex.next = 0;
        // every legal word enables the ALU or the multiplier; deassert_we clears both, csr_access stays
        if (cv) this.en_ex.next = i.csrAccess ? 1 : 0;
        return;
      }
      this.valid_ex.next = 1;
      this.regfile_alu_we_ex.next = i.aluWe ? 1 : 0;
      if (i.aluWe) this.regfile_alu_waddr_ex.next = i.aluWaddr;
      this.regfile_we_ex.next = i.memWe ? 1 : 0;
      if (i.memWe) this.regfile_waddr_ex.next = i.memWaddr;
      this.data_req_ex.next = i.dataReq ? 1 : 0;
      if (i.dataReq) this.data_we_ex.next = i.dataWe ? 1 : 0;
      this.branch_in_ex.next = i.branch ? 1 : 0;
      this.csr_op_ex.next = i.csr ? i.csrOp : CSR_OP_NONE;
      this.mulh_en_ex.next = i.multCycles !== 0 ? 1 : 0;
      if (this.bypass) this.fwd_ld_ex.next = this.loadOperands(i);
      // a redirect for this word went out from ID this cycle or an earlier one (jump_done_q)
      if (this.btfn) this.branch_pred_ex.next = i.branch && i.idRedirect ? l.ctrl.pc_set.v | l.ctrl.jump_done_q.v : 0;
      if (cv) this.en_ex.next = 1;
    } else if (exReady) {
      if (cv) this.en_ex.next = 1;
      this.valid_ex.next = 0;
      this.regfile_we_ex.next = 0;
      this.regfile_alu_we_ex.next = 0;
      this.csr_op_ex.next = CSR_OP_NONE;
      this.data_req_ex.next = 0;
      this.data_misaligned_ex.next = 0;
      this.branch_in_ex.next = 0;
      this.mulh_en_ex.next = 0;
      this.div_en_ex.next = 0;
      this.csr_access_ex.next = 0;
    } else if (this.csr_access_ex.v) {
      this.regfile_alu_we_ex.next = 0;
    }
  };
}
