// The version switch of the core model: what differs between RI5CY pulpissimo-v3.4.0 (`ri5cy`), RI5CY
// pulpissimo-v1.0 (`ri5cy_v1`) and CV32E40P v1.8.3 (`cv32e40p`), per testbench/fixtures/timing/*/README.md and
// fact sheet §1.3, §5, §6. One core model reads these; nothing else branches on the version.
import { type CoreConfig, type CoreTiming, type CoreVersion, coreTiming } from '../config/index.ts';
import type { Ext, Flavour } from '../isa/types.ts';
import { enabledExtensions } from '../isa/xpulpnn.ts';

export interface CoreRules {
  version: CoreVersion;
  flavour: Flavour;
  rvc: boolean;
  /** Optional ISA extensions the configuration switched on (rtl/config CoreConfig.isa). */
  extensions: Ext[];
  /** The pipeline's what-if timing (rtl/config CoreTiming; the RTL's unless a configuration changes it). The
   *  blocks read it while they are built, so each value builds its own logic and costs nothing per cycle. */
  timing: CoreTiming;
  /** Table ids this core's decoder does not have. */
  excluded: string[];
  /** CSR accesses that halt IF and flush (riscv_decoder.sv csr_status). */
  csrFlush: (csr: number) => boolean;
  /** The decoder accepts this CSR access (CV32E40P rejects unknown numbers and writes to read-only CSRs). */
  csrLegal: (csr: number, write: boolean) => boolean;
  uretIllegal: boolean;
  /** Reset PC from the boot address (v1.0: boot[31:8] + 0x80). */
  resetPc: (boot: number) => number;
  /** Exception vector offsets from the trap base. */
  trapOffset: { illegal: number; ecall: number; ebreak: number };
  /** ebreak takes an exception (v1.0: flush only). */
  ebreakTraps: boolean;
  /** mret goes through XRET_JUMP (v3.4.0, CV32E40P); v1.0 sets the PC in FLUSH_WB. */
  xretJump: boolean;
  /** v1.0 load-use stall compares the load's rd with the ALU write-address field of ID unconditionally. */
  falseLoadStall: boolean;
  /** Hardware-loop CSR base (start/end/count at +0/+1/+2, loop 1 at +4). */
  hwloopCsrBase: number;
  hwloopCsrWritable: boolean;
  pcer: number[];
  pcmr: number[];
  /** Read value of mtvec's low bits. */
  mtvecMode: number;
  mepcClearsBit0: boolean;
  hasMscratch: boolean;
  hasDebugCsrs: boolean;
  /** Sign-extend the 6-bit immediate of pv.(s)dotup.sci (v1.0). */
  dotupSciSigned: boolean;
  /** Number of RI5CY performance counters (one per event in the simulation build). */
  perfCounters: number;
}

const RI5CY_FLUSH = new Set([0x300, 0x000, 0x041, 0x7b0, 0x7b1, 0x7b2, 0x7b3]);
const V1_FLUSH = new Set([0x300, 0x000]);
// CV32E40P (README "CSRs taking 4 cycles"): the CSRs cv32e40p_decoder.sv marks csr_status: mstatus, mepc, mtvec,
// mcause, mcountinhibit, the counters (mcycle(h), minstret(h), mhpmcounterN(h), and at 0x100 above them the
// read-only mirrors cycle(h), instret(h), hpmcounterN(h)), the mhpmevents, and privlv (0xCD1).
function cvFlush(csr: number): boolean {
  if (csr === 0x300 || csr === 0x341 || csr === 0x305 || csr === 0x342 || csr === 0x320) return true;
  if (cvCounter(csr) || cvCounter(csr - 0x100)) return true;
  if (csr >= 0x323 && csr <= 0x33f) return true;
  return csr === 0xcd1;
}
/** mcycle (0xB00), minstret (0xB02), mhpmcounter3..31 and their upper halves (0xB80..): index 1 (time) is not a
 *  CSR of this core. */
function cvCounter(csr: number): boolean {
  return ((csr >= 0xb00 && csr <= 0xb1f) || (csr >= 0xb80 && csr <= 0xb9f)) && (csr & 0x1f) !== 1;
}
/** The CSR numbers cv32e40p_decoder.sv accepts (COREV_PULP=1, FPU=0, PULP_SECURE=0, no PMP, DEBUG_TRIGGER_EN=1,
 *  outside debug mode); every other number, and a write to a read-only one (0xC00..0xFFF), is illegal. */
function cvLegal(csr: number, write: boolean): boolean {
  if (csr >>> 10 === 3 && write) return false;
  if (cvCounter(csr) || cvCounter(csr - 0x100)) return true;
  if (csr >= 0x323 && csr <= 0x33f) return true;
  // hardware loops (lpstart/lpend/lpcount 0 and 1), uhartid, privlv, zfinx: read-only
  if (csr >= 0xcc0 && csr <= 0xcc6 && (csr & 3) !== 3) return true;
  if (csr >= 0xcd0 && csr <= 0xcd2) return true;
  switch (csr) {
    case 0x300:
    case 0x301:
    case 0x304:
    case 0x305:
    case 0x320:
    case 0x340:
    case 0x341:
    case 0x342:
    case 0x343:
    case 0x344:
    // trigger CSRs: tselect, tdata1-3, tinfo, mcontext, scontext (not tcontrol 0x7A5); dcsr/dpc/dscratch are
    // illegal outside debug mode
    case 0x7a0:
    case 0x7a1:
    case 0x7a2:
    case 0x7a3:
    case 0x7a4:
    case 0x7a8:
    case 0x7aa:
    case 0xf11:
    case 0xf12:
    case 0xf13:
    case 0xf14:
      return true;
    default:
      return false;
  }
}

export function coreRules(core: CoreConfig): CoreRules {
  const base = { flavour: core.flavour, rvc: core.rvc, extensions: enabledExtensions(core.isa), timing: coreTiming(core) };
  switch (core.version) {
    case 'ri5cy':
      return {
        ...base,
        version: 'ri5cy',
        excluded: [],
        csrFlush: (c) => RI5CY_FLUSH.has(c),
        csrLegal: () => true,
        uretIllegal: false,
        resetPc: (b) => b >>> 0,
        trapOffset: { illegal: 0, ecall: 0, ebreak: 0 },
        ebreakTraps: true,
        xretJump: true,
        falseLoadStall: false,
        hwloopCsrBase: 0x7c0,
        hwloopCsrWritable: true,
        pcer: [0x7e0, 0xcc0],
        pcmr: [0x7e1, 0xcc1],
        mtvecMode: 1,
        mepcClearsBit0: true,
        hasMscratch: true,
        hasDebugCsrs: true,
        dotupSciSigned: false,
        perfCounters: 17,
      };
    case 'ri5cy_v1':
      return {
        ...base,
        version: 'ri5cy_v1',
        excluded: ['fence', 'fence.i', 'p.bitrev'],
        csrFlush: (c) => V1_FLUSH.has(c),
        csrLegal: () => true,
        uretIllegal: false,
        resetPc: (b) => (((b >>> 8) << 8) + 0x80) >>> 0,
        trapOffset: { illegal: 0x84, ecall: 0x88, ebreak: 0x84 },
        ebreakTraps: false,
        xretJump: false,
        falseLoadStall: true,
        hwloopCsrBase: 0x7b0,
        hwloopCsrWritable: true,
        pcer: [0x7a0],
        pcmr: [0x7a1],
        mtvecMode: 0,
        mepcClearsBit0: false,
        hasMscratch: false,
        hasDebugCsrs: false,
        dotupSciSigned: true,
        perfCounters: 16,
      };
    case 'cv32e40p':
      return {
        ...base,
        version: 'cv32e40p',
        excluded: [],
        csrFlush: cvFlush,
        csrLegal: cvLegal,
        uretIllegal: true,
        resetPc: (b) => b >>> 0,
        trapOffset: { illegal: 0, ecall: 0, ebreak: 0 },
        ebreakTraps: true,
        xretJump: true,
        falseLoadStall: false,
        hwloopCsrBase: 0xcc0,
        hwloopCsrWritable: false,
        pcer: [],
        pcmr: [],
        mtvecMode: 1,
        mepcClearsBit0: true,
        hasMscratch: true,
        hasDebugCsrs: true,
        dotupSciSigned: false,
        perfCounters: 0,
      };
  }
}
