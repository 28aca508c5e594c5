// What differs between the three cores the ISS models, in one table keyed by CoreVersion. Sources:
// testbench/fixtures/timing/{cv32e40p,ri5cy,ri5cy_v1}/README.md and fact sheet ri5cy-isa-timing.md §4.10, §5, §6;
// register-level details from the RTL named in each line.
import type { CoreVersion } from '../../rtl/config/index.ts';

export type TrapCause = 'illegal' | 'ebreak' | 'ecall';

export interface VersionRules {
  /** Instruction ids this core's decoder does not have (they raise an illegal-instruction trap). */
  excluded: string[];
  /**
   * Where a trap goes, given the trap base (RI5CY: boot address bits 31:8; CV32E40P: mtvec bits 31:8).
   * RI5CY v3.4.0 and CV32E40P vector every exception to base + 0; RI5CY v1.0 has a slot per cause.
   */
  trapOffset: Record<TrapCause, number>;
  /** ebreak takes a breakpoint exception (v1.0: it only signals the debug unit, which is off: no trap). */
  ebreakTraps: boolean;
  /** Hardware-loop end address: RI5CY = last instruction of the body, CORE-V = first instruction after it. */
  loopEnd: 'inclusive' | 'exclusive';
  /** CSR numbers of lpstart0; loop 1 is at +4 (start, end, count at +0, +1, +2). */
  hwloopCsrBase: number;
  /** The hardware-loop CSRs can be written with csrw (CORE-V: read-only, a write is illegal). */
  hwloopCsrWritable: boolean;
  /** Reset value read from mtvec's low byte (RI5CY v3.4.0: mode 01; v1.0: 0; CV32E40P: 01). */
  mtvecMode: number;
  /** mepc writes clear bit 0 (v3.4.0 and CV32E40P `& ~32'b1`; v1.0 stores the value as written). */
  mepcClearsBit0: boolean;
  /** The 6-bit immediate of pv.(s)dotup.sci.{h,b} is sign-extended (v1.0) instead of zero-extended. */
  dotupSciSigned: boolean;
  /** `uret` is an illegal instruction (CV32E40P with PULP_SECURE=0); RI5CY decodes it as a no-op. */
  uretIllegal: boolean;
  /**
   * `dret` outside debug mode (the only mode modelled): illegal on CV32E40P (decoder `illegal_insn_o =
   * !debug_mode_i`); RI5CY v3.4.0 decodes it in any mode and jumps to dpc (controller XRET_JUMP, PC_DRET).
   * RI5CY v1.0's decoder has no dret (listed in `excluded`).
   */
  dretIllegal: boolean;
  /**
   * Timing classes whose instructions the "instructions" performance event does not count. RI5CY's PCCR1
   * (id_valid & is_decoding) misses the instructions the controller retires through a flush: measured with the
   * ri5cy vectors `fence` (3 fences: 3 fewer), `ebreak_trap` and `minimal_trap` (one mret each: 1 fewer).
   */
  uncounted: ReadonlySet<string>;
}

const RI5CY_COMMON = {
  trapOffset: { illegal: 0, ebreak: 0, ecall: 0 },
  ebreakTraps: true,
  loopEnd: 'inclusive',
  hwloopCsrWritable: true,
  mtvecMode: 1,
  mepcClearsBit0: true,
  dotupSciSigned: false,
  uretIllegal: false,
  dretIllegal: false,
  uncounted: new Set(['fence', 'fencei', 'mret']),
} as const;

export const versionRules: Record<CoreVersion, VersionRules> = {
  ri5cy: { ...RI5CY_COMMON, excluded: [], hwloopCsrBase: 0x7c0 },
  ri5cy_v1: {
    ...RI5CY_COMMON,
    // v1.0 decoder: no MISC-MEM opcode, no p.bitrev (ri5cy_v1/README.md rules 5 and "p.bitrev"), no dret
    // (pulpissimo-v1.0 `riscv_decoder.sv`: SYSTEM funct12 0x7b2 falls to the illegal default).
    excluded: ['fence', 'fence.i', 'p.bitrev', 'dret'],
    // v1.0: illegal -> base + 0x84, ecall -> base + 0x88 (LSU error -> 0x8C has no cause in this system).
    trapOffset: { illegal: 0x84, ebreak: 0x84, ecall: 0x88 },
    ebreakTraps: false,
    // The non-trapping ebreak is retired through a flush, like fence and mret (ri5cy_v1 `ebreak_trap`: 1 fewer).
    uncounted: new Set(['fence', 'fencei', 'mret', 'ebreak']),
    hwloopCsrBase: 0x7b0,
    mtvecMode: 0,
    mepcClearsBit0: false,
    dotupSciSigned: true,
  },
  cv32e40p: {
    excluded: [],
    trapOffset: { illegal: 0, ebreak: 0, ecall: 0 },
    ebreakTraps: true,
    loopEnd: 'exclusive',
    hwloopCsrBase: 0xcc0,
    hwloopCsrWritable: false,
    mtvecMode: 1,
    mepcClearsBit0: true,
    dotupSciSigned: false,
    uretIllegal: true,
    dretIllegal: true,
    uncounted: new Set(),
  },
};

/** mcause codes (privileged spec: 2 illegal instruction, 3 breakpoint, 11 environment call from M-mode). */
export const mcauseOf: Record<TrapCause, number> = { illegal: 2, ebreak: 3, ecall: 11 };

/** misa: C, I, M, X and MXL=1 (RTL MISA_VALUE with FPU=0, PULP_SECURE=0); RI5CY v1.0 reads 0 ("no allocated ID"). */
export const misaValue: Record<CoreVersion, number> = {
  ri5cy: 0x40801104,
  ri5cy_v1: 0,
  cv32e40p: 0x40801104,
};
