// Control and status registers of the three cores, M-mode only (PULP_SECURE=0 everywhere). RI5CY decodes every
// CSR number in M-mode (riscv_decoder.sv only rejects a higher privilege level, and M is the highest): unknown
// numbers read 0 and ignore writes. CV32E40P's decoder rejects every number it does not list and writes to its
// read-only CSRs (cv32e40p_decoder.sv csr_illegal), which the ISS raises as an illegal-instruction trap.
import type { CoreVersion } from '../../rtl/config/index.ts';
import { HwLoops } from './hwloop.ts';
import { Cv32e40pPerf, type InstrEvents, RI5CY_PERF_COUNTERS, Ri5cyPerf } from './perf.ts';
import { misaValue, type VersionRules } from './versions.ts';

/** mstatus with MPP hard-wired to M (RTL stores only MIE and MPIE when PULP_SECURE=0). */
const MSTATUS_MIE = 1 << 3;
const MSTATUS_MPIE = 1 << 7;
const MSTATUS_MPP_M = 3 << 11;

export interface CsrOptions {
  version: CoreVersion;
  rules: VersionRules;
  loops: HwLoops;
  /** mhartid as the core reads it (RI5CY: {cluster_id, 0, core_id}). */
  hartId: number;
  /** RI5CY: the boot address (its bits 31:8 are the read-only trap base). */
  bootAddr: number;
}

/** Result of one CSR access: undefined when the access is illegal. */
export type CsrRead = number | undefined;

/** The operation of the CSR instruction (funct3 bits 13:12). */
export type CsrOp = 'write' | 'set' | 'clear';

export class CsrFile {
  mstatus = MSTATUS_MPP_M;
  mepc = 0;
  mcause = 0;
  mscratch = 0;
  /** CV32E40P only: writable base (bits 31:8) and mode bit 0; reset mtvec_addr_i = 0, mode 01. */
  mtvec = 1;
  mie = 0;
  /** RI5CY v3.4.0 reads prv = M with xdebugver 0 (RTL trace csr_flush_others, cycle 29); CV32E40P keeps dcsr
   * for debug mode, where it is illegal to reach here. */
  dcsr = 3;
  dpc = 0;
  dscratch0 = 0;
  dscratch1 = 0;
  readonly ri5cyPerf = new Ri5cyPerf();
  readonly cvPerf = new Cv32e40pPerf();
  /** Counters written by the current instruction (they do not count its events). */
  private written = new Set<number>();

  constructor(private readonly o: CsrOptions) {}

  /** Base address of the exception vectors. */
  trapBase(): number {
    if (this.o.version === 'cv32e40p') return (this.mtvec & ~0xff) >>> 0;
    if (this.o.version === 'ri5cy_v1') return (this.o.bootAddr & ~0xff) >>> 0;
    return (this.o.bootAddr & ~0xff) >>> 0;
  }

  enterTrap(pc: number, cause: number): void {
    const mie = (this.mstatus & MSTATUS_MIE) !== 0;
    this.mstatus = MSTATUS_MPP_M | (mie ? MSTATUS_MPIE : 0);
    this.mepc = pc >>> 0;
    this.mcause = cause >>> 0;
  }

  /** mret: MIE = MPIE, MPIE = 1; returns mepc. */
  mret(): number {
    const mpie = (this.mstatus & MSTATUS_MPIE) !== 0;
    this.mstatus = MSTATUS_MPP_M | MSTATUS_MPIE | (mpie ? MSTATUS_MIE : 0);
    return this.mepc;
  }

  beginInstruction(): void {
    if (this.written.size) this.written = new Set();
    this.ri5cyPerf.begin();
    this.cvPerf.begin();
  }

  countEvents(e: InstrEvents): void {
    if (this.o.version === 'cv32e40p') this.cvPerf.count(e, this.written);
    else this.ri5cyPerf.count(e, this.written);
  }

  /**
   * One CSR instruction: returns the old value, or undefined for an illegal access (nothing is written then).
   * `write` is false for csrrs/csrrc with rs1 = x0 (and the immediate forms with 0), as the spec and
   * CV32E40P's CSR_OP_READ have it.
   */
  access(csr: number, write: boolean, value: (old: number) => number, op: CsrOp): CsrRead {
    return this.o.version === 'cv32e40p' ? this.cv32e40p(csr, write, value) : this.ri5cy(csr, write, value, op);
  }

  // ---------------------------------------------------------------- RI5CY (v3.4.0 and v1.0), PULP_SECURE=0
  private ri5cy(csr: number, write: boolean, value: (old: number) => number, op: CsrOp): number {
    const v1 = this.o.version === 'ri5cy_v1';
    const perf = this.ri5cyPerf;
    const pcer = v1 ? [0x7a0] : [0x7e0, 0xcc0];
    const pcmr = v1 ? [0x7a1] : [0x7e1, 0xcc1];
    const lb = this.o.rules.hwloopCsrBase;
    // RI5CY writes on every CSR instruction, csrr (= csrrs x0) included (riscv_cs_registers.sv csr_we_int = 1
    // for CSR_OP_SET with a zero operand): harmless for plain registers, but it makes a PCCR read skip its own
    // increment, which is why an empty PCCR0 region measures 0.
    void write;
    const old = this.ri5cyRead(csr);
    const nv = value(old) >>> 0;
    if (pcer.includes(csr)) {
      perf.pcer = this.ri5cyPerfOp(old, value, op) & ((1 << RI5CY_PERF_COUNTERS) - 1);
      return old;
    }
    if (pcmr.includes(csr)) {
      perf.pcmr = this.ri5cyPerfOp(old, value, op) & 3;
      return old;
    }
    if ((csr & ~0x1f) === 0x780) {
      const idx = csr & 0x1f;
      const all = idx === 31;
      for (let i = 0; i < RI5CY_PERF_COUNTERS; i++) {
        if (!all && i !== idx) continue;
        perf.pccr[i] = this.ri5cyPerfOp(perf.pccr[i]!, value, op) >>> 0;
        this.written.add(i);
      }
      return old;
    }
    if (csr >= lb && csr <= lb + 6 && (csr - lb) % 4 !== 3) {
      const L = (csr - lb) >> 2;
      const what = (['start', 'end', 'count'] as const)[(csr - lb) & 3]!;
      this.o.loops.set(L, what, nv);
      return old;
    }
    switch (csr) {
      case 0x300:
        this.mstatus = MSTATUS_MPP_M | (nv & (MSTATUS_MIE | MSTATUS_MPIE));
        break;
      case 0x340:
        if (!v1) this.mscratch = nv;
        break;
      case 0x341:
        this.mepc = this.o.rules.mepcClearsBit0 ? (nv & ~1) >>> 0 : nv;
        break;
      case 0x342:
        this.mcause = (nv & 0x8000001f) >>> 0;
        break;
      case 0x7b0:
        if (!v1) this.dcsr = ((nv & 0x0ffff9e4) | 3) >>> 0;
        break;
      case 0x7b1:
        if (!v1) this.dpc = (nv & ~1) >>> 0;
        break;
      case 0x7b2:
        if (!v1) this.dscratch0 = nv;
        break;
      case 0x7b3:
        if (!v1) this.dscratch1 = nv;
        break;
      default:
        break;
    }
    return old;
  }

  /**
   * The perf-counter registers apply csr_op themselves (riscv_cs_registers.sv PCER/PCMR/PCCR update): write and
   * set as usual, but CSR_OP_CLEAR computes `wdata & ~reg` instead of `reg & ~wdata`. The ISS keeps that quirk;
   * the operand of a clear is recovered from the instruction's update function (value(~0) = ~wdata).
   */
  private ri5cyPerfOp(cur: number, value: (old: number) => number, op: CsrOp): number {
    if (op === 'clear') return (~value(0xffffffff) & ~cur) >>> 0;
    return value(cur) >>> 0;
  }

  private ri5cyRead(csr: number): number {
    const v1 = this.o.version === 'ri5cy_v1';
    const perf = this.ri5cyPerf;
    const lb = this.o.rules.hwloopCsrBase;
    if (v1 ? csr === 0x7a0 : csr === 0x7e0 || csr === 0xcc0) return perf.pcer;
    if (v1 ? csr === 0x7a1 : csr === 0x7e1 || csr === 0xcc1) return perf.pcmr;
    if ((csr & ~0x1f) === 0x780) {
      const i = csr & 0x1f;
      return i < RI5CY_PERF_COUNTERS ? perf.pccr[i]! : 0;
    }
    if (csr >= lb && csr <= lb + 6 && (csr - lb) % 4 !== 3) {
      const L = (csr - lb) >> 2;
      const what = (['start', 'end', 'count'] as const)[(csr - lb) & 3]!;
      return this.o.loops[what][L]!;
    }
    switch (csr) {
      case 0x300:
        return this.mstatus;
      case 0x301:
        return misaValue[this.o.version];
      case 0x305:
        return (this.trapBase() | this.o.rules.mtvecMode) >>> 0;
      case 0x340:
        return v1 ? 0 : this.mscratch;
      case 0x341:
        return this.mepc;
      case 0x342:
        return this.mcause;
      case 0xf14:
      case 0x014:
        return this.o.hartId;
      case 0xc10:
        return 3;
      case 0x7b0:
        return v1 ? 0 : this.dcsr;
      case 0x7b1:
        return v1 ? 0 : this.dpc;
      case 0x7b2:
        return v1 ? 0 : this.dscratch0;
      case 0x7b3:
        return v1 ? 0 : this.dscratch1;
      default:
        return 0;
    }
  }

  // ---------------------------------------------------------------- CV32E40P v1.8.3, COREV_PULP=1
  private cv32e40p(csr: number, write: boolean, value: (old: number) => number): CsrRead {
    const perf = this.cvPerf;
    const readOnly = (v: number): CsrRead => (write ? undefined : v >>> 0);
    // mcycle/minstret/mhpmcounter3..31 (0xB00..) and upper halves (0xB80..); 1 does not exist (reads 0).
    if ((csr >= 0xb00 && csr <= 0xb1f && csr !== 0xb01) || (csr >= 0xb80 && csr <= 0xb9f && csr !== 0xb81)) {
      const i = csr & 0x1f;
      const hi = csr >= 0xb80;
      const c = Cv32e40pPerf.implemented.has(i) ? perf.counter[i]! : 0n;
      const old = Number(hi ? c >> 32n : c & 0xffffffffn);
      if (write && Cv32e40pPerf.implemented.has(i)) {
        const nv = BigInt(value(old) >>> 0);
        perf.counter[i] = hi ? (nv << 32n) | (c & 0xffffffffn) : (c & ~0xffffffffn) | nv;
        this.written.add(i);
      }
      return old >>> 0;
    }
    // Unprivileged read-only mirrors cycle/instret/hpmcounterN (0xC00.., 0xC80..).
    if ((csr >= 0xc00 && csr <= 0xc1f && csr !== 0xc01) || (csr >= 0xc80 && csr <= 0xc9f && csr !== 0xc81)) {
      const i = csr & 0x1f;
      const c = Cv32e40pPerf.implemented.has(i) ? perf.counter[i]! : 0n;
      return readOnly(Number(csr >= 0xc80 ? c >> 32n : c & 0xffffffffn));
    }
    if (csr >= 0x323 && csr <= 0x33f) {
      const old = csr === 0x323 ? perf.mhpmevent3 : 0;
      if (write && csr === 0x323) perf.mhpmevent3 = value(old) & 0xffff;
      return old;
    }
    const lb = this.o.rules.hwloopCsrBase;
    if (csr >= lb && csr <= lb + 6 && (csr - lb) % 4 !== 3) {
      const L = (csr - lb) >> 2;
      const what = (['start', 'end', 'count'] as const)[(csr - lb) & 3]!;
      return readOnly(this.o.loops[what][L]!);
    }
    const rw = (get: () => number, set: (v: number) => void): number => {
      const old = get() >>> 0;
      if (write) set(value(old) >>> 0);
      return old;
    };
    switch (csr) {
      case 0x300:
        return rw(
          () => this.mstatus,
          (v) => (this.mstatus = MSTATUS_MPP_M | (v & (MSTATUS_MIE | MSTATUS_MPIE))),
        );
      case 0x301:
        return rw(
          () => misaValue.cv32e40p,
          () => {},
        );
      case 0x304:
        return rw(
          () => this.mie,
          (v) => (this.mie = (v & 0xffff0888) >>> 0),
        );
      case 0x305:
        return rw(
          () => this.mtvec,
          (v) => (this.mtvec = ((v & ~0xff) | (v & 1)) >>> 0),
        );
      case 0x320:
        return rw(
          () => perf.mcountinhibit,
          (v) => (perf.mcountinhibit = v & 0b1101),
        );
      case 0x340:
        return rw(
          () => this.mscratch,
          (v) => (this.mscratch = v),
        );
      case 0x341:
        return rw(
          () => this.mepc,
          (v) => (this.mepc = (v & ~1) >>> 0),
        );
      case 0x342:
        return rw(
          () => this.mcause,
          (v) => (this.mcause = (v & 0x8000001f) >>> 0),
        );
      case 0x343: // mtval: not implemented, reads 0
      case 0x344: // mip: no interrupt lines in this system
        return rw(
          () => 0,
          () => {},
        );
      case 0xf11: // mvendorid: bank 0xC, offset 0x2
        return readOnly(0x602);
      case 0xf12: // marchid
        return readOnly(4);
      case 0xf13: // mimpid: 1 with COREV_PULP
        return readOnly(1);
      case 0xf14:
        return readOnly(this.o.hartId);
      case 0xcd0: // uhartid
        return readOnly(this.o.hartId);
      case 0xcd1: // privlv
        return readOnly(3);
      case 0xcd2: // zfinx
        return readOnly(0);
      // Debug trigger CSRs (DEBUG_TRIGGER_EN=1): tselect/tdata3/mcontext/scontext read 0; tdata1/2 are the one
      // trigger's control and address, written only in debug mode (never entered in this system), so tdata2
      // reads 0 and tdata1 its fixed fields: type 2, dmode, action 1 (enter debug mode), m; tinfo = type 2.
      case 0x7a1:
        return rw(
          () => 0x28001040,
          () => {},
        );
      case 0x7a0:
      case 0x7a2:
      case 0x7a3:
      case 0x7a8:
      case 0x7aa:
        return rw(
          () => 0,
          () => {},
        );
      case 0x7a4:
        return rw(
          () => 4,
          () => {},
        );
      default:
        return undefined;
    }
  }
}
