// How the blocks of one core see each other. Each block exposes its outputs as public signals; the core top
// hands every block this record once, before elaboration, so a block's processes read its neighbours' outputs
// the way an RTL port list would connect them (riscv_core.sv).
import type { Input, Output } from '../../sim/index.ts';
import type { Controller } from './controller.ts';
import type { CsRegisters } from './cs_registers.ts';
import type { ExStage } from './ex_stage.ts';
import type { HwloopRegs } from './hwloop_regs.ts';
import type { IdStage } from './id_stage.ts';
import type { IfStage } from './if_stage.ts';
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

export interface CoreLinks {
  ifs: IfStage;
  id: IdStage;
  ctrl: Controller;
  ex: ExStage;
  lsu: LoadStoreUnit;
  cs: CsRegisters;
  hwlp: HwloopRegs;
  instr: ObiMaster;
  data: ObiMaster;
}
