// How the blocks of one core see each other. Each block exposes its outputs as public signals; the core top
// hands every block this record once, before elaboration, so a block's processes read its neighbours' outputs
// the way an RTL port list would connect them (riscv_core.sv).
import type { Input, Output, Reg, Wire } from '../../sim/index.ts';
import type { Controller } from './controller.ts';
import type { CsRegisters } from './cs_registers.ts';
import type { ExStage } from './ex_stage.ts';
import type { HwloopRegs } from './hwloop_regs.ts';
import type { IdStage } from './id_stage.ts';
import type { LoadStoreUnit } from './load_store_unit.ts';

/** The core's side of an OBI-style port (instruction or data). */
export interface ObiMaster {
  req: Output;
  addr: Output;
  we: Output;
  be: Output;
  wdata: Output;
  gnt: Input;
  rvalid: Input;
  rdata: Input;
}

/** What the other blocks read from the IF stage (RI5CY's or CV32E40P's). */
export interface IfPort {
  instr_valid_id: Reg;
  instr_rdata_id: Reg;
  pc_id: Reg;
  is_compressed_id: Reg;
  fetch_valid: Wire;
  perf_imiss: Wire;
  /** RI5CY: the instruction in ID was fetched by a hardware-loop jump, and which loop counter it decrements. */
  is_hwlp_id: Wire;
  hwlp_dec_cnt_id: Reg | Wire;
}

/** An IF stage as the core top instantiates it: the IF/ID interface, the OBI instruction port, the probes' view. */
export interface IfBlock extends IfPort {
  instr_req: Output;
  instr_addr: Output;
  instr_gnt: Input;
  instr_rvalid: Input;
  instr_rdata: Input;
  fetch_rdata: Wire;
  pc_if: Wire;
  l: CoreLinks;
  bind(l: CoreLinks): void;
}

export interface CoreLinks {
  ifs: IfPort;
  id: IdStage;
  ctrl: Controller;
  ex: ExStage;
  lsu: LoadStoreUnit;
  cs: CsRegisters;
  hwlp: HwloopRegs;
  instr: ObiMaster;
  data: ObiMaster;
}
