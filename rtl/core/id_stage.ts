// ID stage (riscv_id_stage.sv at pulpissimo-v3.4.0; fact sheet §1.1-§1.3): the decoder derived from rtl/isa, the
// register file with 3 read ports (a, b, c) and 2 write ports (A = LSU from WB, B = ALU/MUL/CSR from EX; B wins
// when both write one register), the operand forwarding muxes (EX over WB), the jump target (jalr reads the
// register file without forwarding), the hardware-loop set-up instructions (written in ID), and the ID/EX
// pipeline register. The instruction's semantics run in EX over the operand values latched here.
import { Module } from '../../sim/index.ts';
import type { Hart, Operands } from '../isa/types.ts';
import { type DecodeCache, type DecodeInfo, JUMP_NONE } from './decode_info.ts';
import type { CoreLinks } from './links.ts';

/** Semantics hooks of the ID stage: jump targets and hardware-loop set-up run the table's exec in ID. */
class IdHart implements Hart {
  pc = 0;
  size: 2 | 4 = 4;
  readonly flavour;
  ops!: Readonly<Operands>;
  a = 0;
  b = 0;
  c = 0;
  rawA = 0;
  /** Register reads come from the raw register file (jump target) or the forwarded operands (loops). */
  raw = false;
  target = 0;
  jumped = false;
  loopWe = 0;
  loopL = 0;
  loopStart = 0;
  loopEnd = 0;
  loopCount = 0;
  constructor(flavour: Hart['flavour']) {
    this.flavour = flavour;
  }
  x(r: number): number {
    if (r === 0) return 0;
    if (this.raw) return this.rawA | 0;
    const o = this.ops;
    if (r === o.rs1) return this.a | 0;
    if (r === o.rs2) return this.b | 0;
    return this.c | 0;
  }
  setX(): void {}
  jump(target: number): void {
    this.target = target >>> 0;
    this.jumped = true;
  }
  load(): void {}
  store(): void {}
  elw(): void {}
  csr(): number {
    return 0;
  }
  setLoop(L: number, what: 'start' | 'end' | 'count', value: number): void {
    this.loopL = L & 1;
    if (what === 'start') {
      this.loopWe |= 1;
      this.loopStart = value >>> 0;
    } else if (what === 'end') {
      this.loopWe |= 2;
      this.loopEnd = value >>> 0;
    } else {
      this.loopWe |= 4;
      this.loopCount = value >>> 0;
    }
  }
  system(): void {}
  illegal(): void {}
}

export class IdStage extends Module {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  /** Register file: 32 words, x0 never written; two write ports (A then B, so B wins). */
  rf = this.memory(32, 32, { writePorts: 2 });
  /** Toggles in every cycle that writes the register file (not part of the RTL: it stands for the register
   *  file's flip-flops as an input of the read ports). Comb processes read the file's words through `rf.data`
   *  and declare this register instead: a memory read would make the engine run them every cycle (memory
   *  contents are not signals, sim/activity.ts), while the words change only at a write, i.e. when this does. */
  rf_wr_t = this.reg(1, 0);

  // Decoder outputs that another block or a monitor reads as a signal. The RTL decoder's other outputs (read
  // addresses, write enables, mret/wfi/fence.i/csr_status/elw, branch) are read by their users from the word's
  // DecodeInfo (`info()`), and the waves show the decoded word (the core's instr_id_asm probe): driving them as
  // wires that no process reads cost a store per output per new word (8-core cluster ~4-5%, CV32E40P ~5%, CPU s).
  illegal_id = this.wire(1);
  ebrk_id = this.wire(1);
  ecall_id = this.wire(1);
  jump_in_dec = this.wire(2);
  /** The word in ID is an lp.* instruction (DecodeInfo.hwloop): the guard of `hwloop_setup`. */
  hwloop_in_dec = this.wire(1);

  // operands after the forwarding muxes
  operand_a_fw_id = this.wire(32);
  operand_b_fw_id = this.wire(32);
  operand_c_fw_id = this.wire(32);
  jump_target_id = this.wire(32);

  id_ready = this.output(1);
  id_valid = this.output(1);
  clear_instr_valid = this.output(1);

  // hardware-loop register write (lp.* in ID)
  hwlp_we_id = this.wire(3);
  hwlp_regid_id = this.wire(1);
  hwlp_start_id = this.wire(32);
  hwlp_end_id = this.wire(32);
  hwlp_cnt_id = this.wire(32);

  private lastWord = -1;
  private lastInfo: DecodeInfo;
  private readonly hart: IdHart;

  constructor(private readonly dec: DecodeCache) {
    super();
    this.lastInfo = dec.get(0);
    this.hart = new IdHart(dec.flavour);
  }

  bind(l: CoreLinks): void {
    this.comb('decoder', () => {
      const i = this.info();
      this.illegal_id.v = i.illegal ? 1 : 0;
      this.ebrk_id.v = i.ebreak ? 1 : 0;
      this.ecall_id.v = i.ecall ? 1 : 0;
      this.jump_in_dec.v = i.jump;
      this.hwloop_in_dec.v = i.hwloop ? 1 : 0;
    }, { reads: [l.ifs.instr_rdata_id] });
    // operand forwarding (riscv_controller.sv l.1039-1075): WB (port A) then EX (port B) override the RF read;
    // then the jump target and the hardware-loop set-up, which read the same word (and operand a) in the same
    // process (`jumpTarget`, `hwloopSetup`): fewer process calls per cycle (single-core bench). The decoder stays
    // apart, so that its outputs are evaluated once per instruction word.
    this.comb('operands', () => {
      const ex = this.l.ex;
      const weWb = ex.regfile_we_wb.v;
      const waddrWb = ex.regfile_waddr_wb.v;
      const weFw = ex.regfile_alu_we_ex.v;
      const waddrFw = ex.regfile_alu_waddr_ex.v;
      // the read addresses as the decoder drives raddr_*_id
      const i = this.info();
      const a = this.fw(i.raddrA, weWb, waddrWb, weFw, waddrFw);
      this.operand_a_fw_id.v = a;
      this.operand_b_fw_id.v = this.fw(i.raddrB, weWb, waddrWb, weFw, waddrFw);
      this.operand_c_fw_id.v = this.fw(i.raddrC, weWb, waddrWb, weFw, waddrFw);
      this.jumpTarget(i);
    }, {
      reads: [
        l.ifs.instr_rdata_id,
        l.ex.regfile_alu_wdata_fw,
        l.lsu.wb_rdata,
        this.rf_wr_t,
        l.ifs.pc_id,
      ],
    });
    // The loop-register writes of lp.* (`hwloopSetup`): zero for every other word, so a process that the word,
    // operand a and the handshake wake only while an lp.* is in ID, instead of five stores and compares in each
    // run of `operands`.
    this.comb('hwloop_setup', () => this.hwloopSetup(), {
      reads: [this.hwloop_in_dec],
      guarded: [{ reads: [l.ifs.instr_rdata_id, this.operand_a_fw_id, l.ctrl.deassert_we, this.id_ready, l.ifs.pc_id], when: [this.hwloop_in_dec] }],
    });
    this.comb('id_ready_p', () => {
      const c = this.l.ctrl;
      const ready = (this.l.lsu.data_misaligned.v ^ 1) & (c.jr_stall.v ^ 1) & (c.load_stall.v ^ 1) & this.l.ex.ex_ready.v;
      this.id_ready.v = ready;
      this.id_valid.v = ready & (c.halt_id.v ^ 1);
      this.clear_instr_valid.v = ready | c.halt_id.v | this.l.ex.branch_taken_ex.v;
    });
    // register file writes: port A (WB, load data in its rvalid cycle) then port B (EX), so B wins.
    this.seq('regfile', () => {
      const ex = this.l.ex;
      const lsu = this.l.lsu;
      let wr = 0;
      if (lsu.portAWrite()) {
        const a = ex.regfile_waddr_wb.v;
        if (a !== 0) {
          this.rf.write(a, lsu.wb_rdata.v);
          wr = 1;
        }
      }
      if (ex.portBWrite()) {
        const b = ex.regfile_alu_waddr_ex.v;
        if (b !== 0) {
          this.rf.write(b, ex.regfile_alu_wdata_fw.v);
          wr = 1;
        }
      }
      if (wr) this.rf_wr_t.next = this.rf_wr_t.v ^ 1;
    });
  }

  /** The jump target (riscv_id_stage.sv jump_target_mux): jal from the PC, jalr from the register file read
   *  without forwarding. */
  private readonly jumpTarget = (i: DecodeInfo): void => {
    let t = 0;
    // a backward branch predicted taken (core.branch=btfn): PC + offset, whatever its condition
    if (i.branch) t = i.idRedirect ? (this.l.ifs.pc_id.v + i.branchOffset) >>> 0 : 0;
    else if (i.jump !== JUMP_NONE && i.decoded) {
      const h = this.hart;
      h.pc = this.l.ifs.pc_id.v;
      h.size = i.size;
      h.ops = i.decoded.ops;
      h.raw = true;
      h.rawA = this.rf.data[i.raddrA]!;
      h.jumped = false;
      i.decoded.def.exec!(h, i.decoded.ops);
      h.raw = false;
      t = h.target;
    }
    this.jump_target_id.v = t;
  };

  /** lp.* instructions write the loop registers when they leave ID (riscv_id_stage.sv hwloop_we_masked), from
   *  the forwarded operand a. */
  private readonly hwloopSetup = (): void => {
    let we = 0;
    const h = this.hart;
    // (hwloop_we_masked also clears them under the controller's hwloop_mask, tied to 0 here: Controller)
    const i = this.hwloop_in_dec.v ? this.info() : null;
    if (i !== null && i.decoded && !this.l.ctrl.deassert_we.v && this.id_ready.v) {
      h.pc = this.l.ifs.pc_id.v;
      h.size = i.size;
      h.ops = i.decoded.ops;
      h.a = this.operand_a_fw_id.v;
      h.loopWe = 0;
      i.decoded.def.exec!(h, i.decoded.ops);
      we = h.loopWe;
    }
    this.hwlp_we_id.v = we;
    this.hwlp_regid_id.v = we ? h.loopL : 0;
    this.hwlp_start_id.v = we & 1 ? h.loopStart : 0;
    this.hwlp_end_id.v = we & 2 ? h.loopEnd : 0;
    this.hwlp_cnt_id.v = we & 4 ? h.loopCount : 0;
  };

  /** The decoded instruction in the IF/ID register. */
  info(): DecodeInfo {
    const w = this.l.ifs.instr_rdata_id.v;
    if (w !== this.lastWord) {
      this.lastWord = w;
      this.lastInfo = this.dec.get(w);
    }
    return this.lastInfo;
  }

  private fw(r: number, weWb: number, waddrWb: number, weFw: number, waddrFw: number): number {
    if (r === 0) return 0;
    if (weFw && waddrFw === r) return this.l.ex.regfile_alu_wdata_fw.v;
    if (weWb && waddrWb === r) return this.l.lsu.wb_rdata.v;
    return this.rf.data[r]!;
  }
}
