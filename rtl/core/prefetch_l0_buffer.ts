// RI5CY's 128-bit instruction fetch (pulp-platform/riscv pulpissimo-v1.0, INSTR_RDATA_WIDTH = 128, as the cluster's
// cores are built): `riscv_L0_buffer` (one outstanding 16-byte fetch, the last line kept in a 4-word buffer),
// `riscv_prefetch_L0_buffer` (serves 32-bit and compressed instructions out of that line, keeps the last word of
// the previous line for instructions crossing a line, the hardware-loop redirect) and the v1.0 IF stage around
// them (offset FSM, hardware-loop controller, IF/ID register). `IfStageL0` has the public surface of `IfStage`
// (the IF/ID register, perf_imiss, the probes' fetch_valid/fetch_rdata/pc_if, the OBI instr port with word 0 of the
// line on `instr_rdata`) plus `instr_rdata_hi` (words 1..3) and `if_busy` (RI5CY if_busy_o, for core_busy).
//
// RTL facts reproduced as they are: the prefetcher's request input is tied to 1; the L0 buffer's WAIT_GNT keeps the
// registered address unless a branch comes; a fetch of the next line is only started once the last word of the
// line is in use (`fetch_possible` = addr[3:2] = 3), or at once for a crossing instruction; `hwlp_branch` of the
// 32-bit prefetcher does not exist here (tied 0, see testbench/fixtures/timing/cluster/system/README.md).
import { Module, defineEnum, type Input, type Reg } from '../../sim/index.ts';
import type { CoreLinks, IfBlock } from './links.ts';
import { pcMuxSources, pcMuxTarget } from './if_stage.ts';

export const L0State = defineEnum('L0State', ['EMPTY', 'VALID_L0', 'WAIT_GNT', 'WAIT_RVALID', 'ABORTED_BRANCH', 'WAIT_HWLOOP']);
export const PfL0State = defineEnum('PfL0State', [
  'IDLE',
  'BRANCHED',
  'HWLP_WAIT_GNT',
  'HWLP_GRANTED',
  'HWLP_GRANTED_WAIT',
  'HWLP_FETCH_DONE',
  'NOT_VALID',
  'NOT_VALID_GRANTED',
  'NOT_VALID_CROSS',
  'NOT_VALID_CROSS_GRANTED',
  'VALID',
  'VALID_CROSS',
  'VALID_GRANTED',
  'VALID_FETCH_DONE',
]);
export const OffsetL0State = defineEnum('OffsetL0State', ['WAIT', 'IDLE']);

const E = L0State;
const P = PfL0State;
/** Bits of `PrefetchL0Buffer.line_flags`. */
const Line = { CROSS: 1, NEXT_CROSS: 2, NEXT_UPPER_C: 4, UPPER_C: 8, ALIGNED_C: 16, UNALIGNED_C: 32 } as const;
const notC = (w: number, lo: number): boolean => ((w >>> lo) & 3) === 3;

/** riscv_L0_buffer: the fetch FSM towards the I$ and the 4-word line buffer. */
export class L0Buffer extends Module {
  prefetch = this.input(1);
  // prefetch_addr_i is an argument of `request` (no process reads it as a signal)
  branch = this.input(1);
  branch_addr = this.input(32);
  hwlp = this.input(1);
  hwlp_addr = this.input(32);
  /** riscv_L0_buffer's valid_o is not modelled: the prefetcher reads fetch_valid_o only. */
  fetch_valid = this.output(1);
  addr = this.output(32);
  busy = this.output(1);

  instr_req = this.output(1);
  instr_addr = this.output(32);
  instr_gnt = this.input(1);
  instr_rvalid = this.input(1);
  instr_rdata: Input[] = [this.input(32), this.input(32), this.input(32), this.input(32)];

  cs = this.reg(L0State, E.EMPTY);
  buf: Reg[] = [this.reg(32), this.reg(32), this.reg(32), this.reg(32)];
  addr_q = this.reg(32);
  addr_int = this.wire(32);

  constructor() {
    super();
    this.connect(this.addr, this.addr_q);
    // fetch_valid_o is evaluated by the prefetcher's valid_p (PrefetchL0Buffer), its only reader, and the request
    // side by its fetch_p: two processes fewer per core (`driveValid`, `request`).
    // The FSM: each input is read only where the state needs it (the grant only when a request goes out).
    this.seq('fsm', () => {
      const cs = this.cs.v;
      const rv = this.instr_rvalid.v;
      const br = this.branch.v;
      let ns = cs;
      switch (cs) {
        case E.EMPTY:
        case E.VALID_L0:
        case E.WAIT_GNT:
          if (this.instr_req.v) ns = this.instr_gnt.v ? E.WAIT_RVALID : E.WAIT_GNT;
          break;
        case E.WAIT_RVALID:
          if (br) ns = rv ? (this.instr_gnt.v ? E.WAIT_RVALID : E.WAIT_GNT) : E.ABORTED_BRANCH;
          else if (rv) ns = this.instr_req.v ? (this.instr_gnt.v ? E.WAIT_RVALID : E.WAIT_GNT) : E.VALID_L0;
          break;
        case E.ABORTED_BRANCH:
          if (rv) ns = this.instr_gnt.v ? E.WAIT_RVALID : E.WAIT_GNT;
          break;
        default:
          ns = E.EMPTY;
      }
      if (ns !== cs) this.cs.next = ns;
      if (rv) {
        const buf = this.buf;
        const d = this.instr_rdata;
        buf[0]!.next = d[0]!.v;
        buf[1]!.next = d[1]!.v;
        buf[2]!.next = d[2]!.v;
        buf[3]!.next = d[3]!.v;
      }
      if (br | this.hwlp.v | this.prefetch.v) this.addr_q.next = this.addr_int.v;
    });
  }

  /** The request side of riscv_L0_buffer (instr_req_o, instr_addr_o, busy_o, addr_int), called by the parent's
   *  `fetch_p`, which computes its prefetch/hwlp inputs: one process instead of two that run in nearly every
   *  cycle, the inputs handed over as values. */
  request(pf: number, hw: number, prefetchAddr: number): void {
    const cs = this.cs.v;
    const br = this.branch.v;
    let a = 0;
    let req = 0;
    switch (cs) {
      case E.EMPTY:
      case E.VALID_L0:
        a = br ? this.branch_addr.v : hw ? this.hwlp_addr.v : prefetchAddr;
        req = br | hw | pf;
        break;
      case E.WAIT_GNT:
        a = br ? this.branch_addr.v : hw ? this.hwlp_addr.v : this.addr_q.v;
        req = 1;
        break;
      case E.WAIT_RVALID:
        a = br ? this.branch_addr.v : hw ? this.hwlp_addr.v : prefetchAddr;
        req = this.instr_rvalid.v & (br | pf | hw);
        break;
      case E.ABORTED_BRANCH:
        a = br ? this.branch_addr.v : this.addr_q.v;
        req = this.instr_rvalid.v;
        break;
      default:
        break;
    }
    this.addr_int.v = a;
    this.instr_req.v = req;
    this.instr_addr.v = (a & ~0xf) >>> 0;
    this.busy.v = (cs !== E.EMPTY && cs !== E.VALID_L0) || req ? 1 : 0;
  }

  /** fetch_valid_o of riscv_L0_buffer (called by the parent's process that reads it). Returns it. */
  driveValid(): number {
    const fv = this.cs.v === E.WAIT_RVALID ? this.instr_rvalid.v : 0;
    this.fetch_valid.v = fv;
    return fv;
  }

  /** Word i of rdata_o: the incoming line in the cycle it arrives, else the buffer. Evaluated where it is read (the
   *  prefetcher reads two or three of the words), so no process drives all four every cycle. */
  word(i: number): number {
    return this.instr_rvalid.v ? this.instr_rdata[i]!.v : this.buf[i]!.v;
  }
}

/** What riscv_prefetch_L0_buffer's FSM decides in one cycle (scratch). */
interface PfDecision {
  ns: number;
  saveLast: number;
  saveHwlp: number;
  addrN: number;
  isHwlpN: number;
}

/** riscv_prefetch_L0_buffer: instructions out of the L0 line. */
export class PrefetchL0Buffer extends Module {
  branch = this.input(1);
  addr_i = this.input(32);
  hwloop = this.input(1);
  hwloop_target = this.input(32);
  ready = this.input(1);
  valid_o = this.output(1);
  rdata_o = this.output(32);
  addr_o = this.output(32);
  is_hwlp_o = this.output(1);
  busy_o = this.output(1);

  instr_req = this.output(1);
  instr_addr = this.output(32);
  instr_gnt = this.input(1);
  instr_rvalid = this.input(1);
  instr_rdata: Input[] = [this.input(32), this.input(32), this.input(32), this.input(32)];

  cs = this.reg(PfL0State, P.IDLE);
  addr_q = this.reg(32);
  is_hwlp_q = this.reg(1);
  rdata_last_q = this.reg(32);

  // Combinational decodes of the current line (riscv_prefetch_L0_buffer.sv assigns).
  rdata = this.wire(32);
  /** The line's instruction-boundary decodes, one bit each (`Line`): is_crossword, next_is_crossword,
   *  next_upper_compressed, upper_is_compressed, aligned_is_compressed, unaligned_is_compressed. One word, so the
   *  decode drives one signal instead of six every cycle. */
  line_flags = this.wire(6);
  valid = this.wire(1);
  do_fetch = this.wire(1);
  do_hwlp_any = this.wire(1);

  l0 = new L0Buffer();

  private readonly d: PfDecision = { ns: 0, saveLast: 0, saveHwlp: 0, addrN: 0, isHwlpN: 0 };

  constructor() {
    super();
    const l0 = this.l0;
    this.connect(l0.branch, this.branch);
    this.connect(l0.branch_addr, this.addr_i);
    this.connect(l0.hwlp_addr, this.hwloop_target);
    this.connect(this.instr_req, l0.instr_req);
    this.connect(this.instr_addr, l0.instr_addr);
    this.connect(l0.instr_gnt, this.instr_gnt);
    this.connect(l0.instr_rvalid, this.instr_rvalid);
    for (let i = 0; i < 4; i++) this.connect(l0.instr_rdata[i]!, this.instr_rdata[i]!);
    this.connect(this.busy_o, l0.busy);
    this.connect(l0.prefetch, this.do_fetch);
    this.connect(l0.hwlp, this.do_hwlp_any);

    this.connect(this.addr_o, this.addr_q);
    // `valid` of the FSM does not depend on ready_i: a process of its own, so the IF stage's ready can follow it.
    // It also drives the line's decodes (`lineDecode`, which `valid` reads), the L0 buffer's fetch_valid and
    // is_hwlp_o (all functions of registers, the incoming line and the branch request), so four small processes are
    // one: each of them ran in most cycles anyway.
    this.comb('valid_p', () => {
      const flags = this.lineDecode();
      const cs = this.cs.v;
      const fv = l0.driveValid();
      const nbr = this.branch.v ^ 1;
      this.is_hwlp_o.v = this.is_hwlp_q.v & nbr;
      let v = 0;
      if (cs === P.BRANCHED) v = fv & (flags & Line.CROSS ? 0 : 1);
      else if (cs === P.NOT_VALID_GRANTED || cs === P.NOT_VALID_CROSS_GRANTED) v = fv;
      else if (cs >= P.VALID || cs === P.HWLP_GRANTED || cs === P.HWLP_FETCH_DONE) v = 1;
      this.valid.v = v;
      this.valid_o.v = v & nbr;
    }, { reads: [...this.instr_rdata, ...l0.buf] });
    // The FSM's request side (do_fetch, do_hwlp): a function of the state, the address, ready and the hardware-loop
    // jump alone (never of the grant or a branch), so it is decided here without the rest of `decide`; then the L0
    // buffer's request from them (L0Buffer.request).
    this.comb('fetch_p', () => {
      const cs = this.cs.v;
      const a = this.addr_q.v;
      const hwloop = this.hwloop.v;
      const ready = this.ready.v;
      const nextCross = this.line_flags.v & Line.NEXT_CROSS ? 1 : 0;
      const fetchPossible = ((a >>> 2) & 3) === 3 ? 1 : 0;
      let doFetch = 0;
      let doHwlp = 0;
      switch (cs) {
        case P.BRANCHED:
          doFetch = fetchPossible;
          break;
        case P.NOT_VALID:
        case P.NOT_VALID_CROSS:
          doFetch = 1;
          break;
        case P.NOT_VALID_GRANTED:
        case P.NOT_VALID_CROSS_GRANTED:
        case P.VALID_CROSS:
        case P.VALID_GRANTED:
        case P.VALID_FETCH_DONE:
          doHwlp = hwloop;
          break;
        case P.VALID:
          doFetch = ready & nextCross ? 1 : fetchPossible;
          doHwlp = hwloop;
          break;
        case P.HWLP_WAIT_GNT:
          doHwlp = 1;
          break;
        default:
          break;
      }
      this.do_fetch.v = doFetch;
      this.do_hwlp_any.v = doHwlp;
      // riscv_prefetch_L0_buffer.sv addr_real_next: `+ 32'h16` as written (only bits 31:4 reach the I$).
      const pfAddr = nextCross ? (((a >>> 4) << 4) + 0x16) >>> 0 : (((a >>> 2) << 2) + 4) >>> 0;
      l0.request(doFetch, doHwlp, pfAddr);
    });
    this.seq('fsm_q', () => {
      const d = this.decide();
      this.cs.next = d.ns;
      this.addr_q.next = d.addrN;
      this.is_hwlp_q.next = d.isHwlpN;
      if (d.saveHwlp) this.rdata_last_q.next = this.rdata_o.v;
      else if (d.saveLast) this.rdata_last_q.next = this.ready.v ? l0.word(3) : this.rdata.v;
    });
  }

  /** The FSM of riscv_prefetch_L0_buffer.sv: next state, address and the saves of rdata_last. Its request side
   *  (do_fetch, do_hwlp) is also in `fetch_p`, and the rdata selection (use_last, use_hwlp) in `lineDecode`; here only
   *  the hardware-loop request of the states that jump is kept. The grant, the L0 buffer's fetch_valid and the
   *  loop target are read in the states that use them. */
  private decide(): PfDecision {
    const d = this.d;
    const cs = this.cs.v;
    const ready = this.ready.v;
    const hwloop = this.hwloop.v;
    const fetchGnt = this.instr_gnt.v;
    const a = this.addr_q.v;
    const flags = this.line_flags.v;
    const nextCross = flags & Line.NEXT_CROSS ? 1 : 0;
    const nextUpc = flags & Line.NEXT_UPPER_C ? 1 : 0;
    const upc = (flags & Line.UPPER_C) !== 0;
    let ns = cs;
    let doHwlp = 0;
    let saveLast = 0;
    let saveHwlp = 0;
    // addr_int: the address advanced past the instruction handed to ID (when ready).
    let addrN = a;
    if (ready) {
      const next = (((a >>> 2) << 2) + 4) >>> 0;
      if (a & 2) addrN = flags & Line.UNALIGNED_C ? next : (next | 2) >>> 0;
      else addrN = flags & Line.ALIGNED_C ? (((a >>> 2) << 2) | 2) >>> 0 : next;
    }
    let isHwlpN = ready ? 0 : this.is_hwlp_q.v;
    switch (cs) {
      case P.IDLE:
        break;
      case P.BRANCHED:
        if (ready) {
          if (hwloop) {
            addrN = a;
            ns = P.HWLP_WAIT_GNT;
          } else if (this.nextValid(a, nextUpc, nextCross)) {
            if (fetchGnt) {
              saveLast = 1;
              ns = P.VALID_GRANTED;
            } else ns = P.VALID;
          } else if (nextCross) {
            if (fetchGnt) {
              saveLast = 1;
              ns = P.NOT_VALID_CROSS_GRANTED;
            } else ns = P.NOT_VALID_CROSS;
          } else ns = fetchGnt ? P.NOT_VALID_GRANTED : P.NOT_VALID;
        } else if (this.l0.fetch_valid.v) {
          if (flags & Line.CROSS) {
            saveLast = 1;
            ns = fetchGnt ? P.NOT_VALID_CROSS_GRANTED : P.NOT_VALID_CROSS;
          } else if (fetchGnt) {
            saveLast = 1;
            ns = P.VALID_GRANTED;
          } else ns = P.VALID;
        }
        break;
      case P.NOT_VALID:
        if (fetchGnt) ns = P.NOT_VALID_GRANTED;
        break;
      case P.NOT_VALID_GRANTED:
        doHwlp = hwloop;
        if (this.l0.fetch_valid.v) ns = P.VALID;
        break;
      case P.NOT_VALID_CROSS:
        if (fetchGnt) {
          saveLast = 1;
          ns = P.NOT_VALID_CROSS_GRANTED;
        }
        break;
      case P.NOT_VALID_CROSS_GRANTED:
        doHwlp = hwloop;
        if (this.l0.fetch_valid.v) ns = ready ? P.VALID : P.VALID_CROSS;
        break;
      case P.VALID:
        doHwlp = hwloop;
        if (ready) {
          if (nextCross) {
            if (fetchGnt) {
              saveLast = 1;
              ns = P.NOT_VALID_CROSS_GRANTED;
            } else ns = P.NOT_VALID_CROSS;
          } else if (!this.nextValid(a, nextUpc, nextCross)) {
            ns = fetchGnt ? P.NOT_VALID_GRANTED : P.NOT_VALID;
          } else if (fetchGnt && nextUpc) {
            saveLast = 1;
            ns = P.VALID_GRANTED;
          }
        } else if (fetchGnt) {
          saveLast = 1;
          ns = P.VALID_GRANTED;
        }
        break;
      case P.VALID_CROSS:
        doHwlp = hwloop;
        if (ready) ns = P.VALID;
        break;
      case P.VALID_GRANTED:
        doHwlp = hwloop;
        if (ready) {
          if (this.l0.fetch_valid.v) ns = nextCross ? P.VALID_CROSS : nextUpc ? P.VALID_FETCH_DONE : P.VALID;
          else ns = nextCross ? P.NOT_VALID_CROSS_GRANTED : nextUpc ? P.VALID_GRANTED : P.NOT_VALID_GRANTED;
        } else if (this.l0.fetch_valid.v) ns = P.VALID_FETCH_DONE;
        break;
      case P.VALID_FETCH_DONE:
        doHwlp = hwloop;
        if (ready) ns = nextCross ? P.VALID_CROSS : nextUpc ? P.VALID_FETCH_DONE : P.VALID;
        break;
      case P.HWLP_WAIT_GNT:
        if (fetchGnt) {
          isHwlpN = 1;
          addrN = this.hwloop_target.v;
          ns = P.BRANCHED;
        }
        break;
      case P.HWLP_GRANTED:
        if (ready) {
          const target = this.hwloop_target.v;
          addrN = target;
          if (this.l0.fetch_valid.v) {
            isHwlpN = 1;
            ns = ((target >>> 1) & 7) === 7 && !upc ? P.NOT_VALID_CROSS : P.VALID;
          } else ns = P.HWLP_GRANTED_WAIT;
        } else if (this.l0.fetch_valid.v) ns = P.HWLP_FETCH_DONE;
        break;
      case P.HWLP_GRANTED_WAIT:
        if (this.l0.fetch_valid.v) {
          isHwlpN = 1;
          ns = ((this.l0.addr.v >>> 1) & 7) === 7 && !upc ? P.NOT_VALID_CROSS : P.VALID;
        }
        break;
      case P.HWLP_FETCH_DONE:
        if (ready) {
          const target = this.hwloop_target.v;
          isHwlpN = 1;
          addrN = target;
          ns = ((target >>> 1) & 7) === 7 && !upc ? P.NOT_VALID_CROSS : P.VALID;
        }
        break;
      default:
        break;
    }
    if (this.branch.v) {
      isHwlpN = 0;
      addrN = this.addr_i.v;
      ns = P.BRANCHED;
    } else if (hwloop && doHwlp) {
      if (ready) {
        if (fetchGnt) {
          isHwlpN = 1;
          addrN = this.hwloop_target.v;
          ns = P.BRANCHED;
        } else {
          addrN = a;
          ns = P.HWLP_WAIT_GNT;
        }
      } else if (fetchGnt) {
        saveHwlp = 1;
        ns = P.HWLP_GRANTED;
      }
    }
    d.ns = ns;
    d.saveLast = saveLast;
    d.saveHwlp = saveHwlp;
    d.addrN = addrN >>> 0;
    d.isHwlpN = isHwlpN;
    return d;
  }

  /** The current line's decodes (riscv_prefetch_L0_buffer.sv assigns): rdata, rdata_o and line_flags; returns
   *  the flags. Evaluated by `valid_p`. */
  private lineDecode(): number {
    const a = this.addr_q.v;
    const cs = this.cs.v;
    const last = cs === P.NOT_VALID_CROSS_GRANTED || cs === P.VALID_CROSS || cs === P.VALID_GRANTED || cs === P.VALID_FETCH_DONE;
    const hw = cs === P.HWLP_GRANTED || cs === P.HWLP_GRANTED_WAIT || cs === P.HWLP_FETCH_DONE;
    const w = (a >>> 2) & 3;
    // rdata_o of the L0 buffer: the incoming line in its rvalid cycle, else the buffer (L0Buffer.word)
    const src = this.l0.instr_rvalid.v ? this.l0.instr_rdata : this.l0.buf;
    const l3 = src[3]!.v;
    const rdata = last || hw ? this.rdata_last_q.v : w === 3 ? l3 : src[w]!.v;
    const hi = (w === 2 ? l3 : src[(w + 1) & 3]!.v) & 0xffff;
    const unaligned = ((hi << 16) | (rdata >>> 16)) >>> 0;
    const uic = !notC(rdata, 16);
    const aic = !notC(rdata, 0);
    const upc = !notC(l3, 16);
    const a31 = (a >>> 1) & 7;
    this.rdata.v = rdata;
    this.rdata_o.v = (a & 2) === 0 || hw ? rdata : unaligned;
    let f = upc ? Line.UPPER_C : 0;
    if (aic) f |= Line.ALIGNED_C;
    if (uic) f |= Line.UNALIGNED_C;
    if (a31 === 7 && !upc) f |= Line.CROSS;
    if ((a31 === 6 && aic) || (a31 === 5 && !uic)) f |= upc ? Line.NEXT_UPPER_C : Line.NEXT_CROSS;
    this.line_flags.v = f;
    return f;
  }

  /** next_valid (riscv_prefetch_L0_buffer.sv): another instruction of this line follows the one in ID. */
  private nextValid(a: number, nextUpc: number, nextCross: number): boolean {
    return (((a >>> 2) & 3) !== 3 || nextUpc === 1) && nextCross === 0 && this.valid.v === 1;
  }
}

/** The v1.0 IF stage with the 128-bit prefetcher; same public surface as `IfStage` (see the file header). */
export class IfStageL0 extends Module implements IfBlock {
  /** Set once, by the core before any bind (core.ts). */
  declare l: CoreLinks;

  instr_req = this.output(1);
  instr_addr = this.output(32);
  instr_gnt = this.input(1);
  instr_rvalid = this.input(1);
  /** Word 0 (bits 31..0) of the fetched line; words 1..3 on `instr_rdata_hi`. */
  instr_rdata = this.input(32);
  instr_rdata_hi: Input[] = [this.input(32), this.input(32), this.input(32)];

  prefetch = new PrefetchL0Buffer();

  fetch_valid = this.wire(1);
  fetch_rdata = this.wire(32);
  pc_if = this.wire(32);
  if_busy = this.wire(1);

  hwlp_jump = this.wire(1);
  hwlp_target = this.wire(32);
  hwlp_dec_cnt = this.wire(2);
  hwlp_dec_cnt_if = this.reg(2, 0);

  offset_cs = this.reg(OffsetL0State, OffsetL0State.IDLE);
  branch_req = this.wire(1);
  if_valid = this.wire(1);
  fetch_ready = this.wire(1);
  fetch_addr_n = this.wire(32);

  instr_valid_id = this.reg(1, 0);
  instr_rdata_id = this.reg(32, 0);
  is_compressed_id = this.reg(1, 0);
  pc_id = this.reg(32, 0);
  is_hwlp_id_q = this.reg(1, 0);
  hwlp_dec_cnt_id = this.reg(2, 0);
  is_hwlp_id = this.wire(1);
  perf_imiss = this.wire(1);

  constructor(private readonly bootAddr: number) {
    super();
    const pf = this.prefetch;
    this.connect(this.instr_req, pf.instr_req);
    this.connect(this.instr_addr, pf.instr_addr);
    this.connect(pf.instr_gnt, this.instr_gnt);
    this.connect(pf.instr_rvalid, this.instr_rvalid);
    this.connect(pf.instr_rdata[0]!, this.instr_rdata);
    for (let i = 0; i < 3; i++) this.connect(pf.instr_rdata[i + 1]!, this.instr_rdata_hi[i]!);
    this.connect(pf.branch, this.branch_req);
    this.connect(pf.addr_i, this.fetch_addr_n);
    this.connect(pf.hwloop, this.hwlp_jump);
    this.connect(pf.hwloop_target, this.hwlp_target);
    this.connect(pf.ready, this.fetch_ready);
    this.connect(this.fetch_valid, pf.valid_o);
    this.connect(this.fetch_rdata, pf.rdata_o);
    this.connect(this.pc_if, pf.addr_o);
    this.connect(this.if_busy, pf.busy_o);
  }

  bind(l: CoreLinks): void {
    const bootAddr = this.bootAddr;
    this.comb('pc_mux_p', () => {
      this.fetch_addr_n.v = pcMuxTarget(this.l, bootAddr) & ~1;
      // the sources are read under a non-zero selector only: the jump and branch targets, which move with every
      // instruction, rerun it only while selected
    }, { reads: [l.ctrl.pc_mux], guarded: [{ reads: pcMuxSources(l), when: [l.ctrl.pc_mux] }] });
    // riscv_hwloop_controller on the prefetcher's address. The loop registers are read only when pc_if is an end
    // address and the start of loop 1 only when loop 0 does not jump there: declared, as learning's random values
    // missed hwlp_start1 (activity-based evaluation needs the complete read set).
    this.comb('hwloop_ctrl', () => {
      const h = this.l.hwlp;
      const pc = this.pc_if.v;
      // is_hwlp_id (riscv_if_stage.sv) is driven here, where it is needed anyway: one process fewer.
      const isHwlpId = this.is_hwlp_id_q.v & this.instr_valid_id.v;
      this.is_hwlp_id.v = isHwlpId;
      const decId = isHwlpId ? this.hwlp_dec_cnt_id.v : 0;
      let jump = 0;
      let target = 0;
      let dec = 0;
      for (let i = 0; i < 2; i++) {
        const end = i === 0 ? h.hwlp_end0.v : h.hwlp_end1.v;
        if (pc !== end) continue;
        const cnt = i === 0 ? h.hwlp_counter0.v : h.hwlp_counter1.v;
        let m = false;
        if (cnt >>> 2 !== 0) m = true;
        else if ((cnt & 3) === 3) m = true;
        else if ((cnt & 3) === 2) m = ((decId >>> i) & 1) === 0;
        if (m && !jump) {
          jump = 1;
          target = i === 0 ? h.hwlp_start0.v : h.hwlp_start1.v;
          dec = 1 << i;
        }
      }
      // pc_is_end_addr of both loops is OR-ed into hwlp_jump; the target is the first match.
      this.hwlp_jump.v = jump;
      this.hwlp_target.v = target;
      this.hwlp_dec_cnt.v = dec;
    }, { reads: [...l.hwlp.loopSignals(), this.hwlp_dec_cnt_id] });
    this.comb('branch_req_p', () => {
      let br = 0;
      if (this.offset_cs.v === OffsetL0State.IDLE && this.l.ctrl.instr_req.v) br = 1;
      if (this.l.ctrl.pc_set.v) br = 1;
      this.branch_req.v = br;
    });
    // The offset FSM's valid (if_valid_pre, a local) and the IF/ID handshake: one process, both ran in most cycles.
    this.comb('if_ready', () => {
      const ctrl = this.l.ctrl;
      const fv = this.fetch_valid.v;
      const validPre = this.offset_cs.v === OffsetL0State.WAIT && !ctrl.pc_set.v ? fv : 0;
      this.perf_imiss.v = (fv ^ 1) | this.branch_req.v;
      const ifValid = validPre & this.l.id.id_ready.v & (ctrl.halt_if.v ^ 1);
      this.if_valid.v = ifValid;
      this.fetch_ready.v = ctrl.instr_req.v & ifValid;
    });
    this.seq('if_id', () => {
      if (this.hwlp_jump.v) this.hwlp_dec_cnt_if.next = this.hwlp_dec_cnt.v;
      // the offset FSM leaves IDLE on a request and goes to WAIT on every pc_set (it stays in WAIT otherwise)
      if (this.offset_cs.v === OffsetL0State.IDLE && (this.l.ctrl.instr_req.v | this.l.ctrl.pc_set.v)) this.offset_cs.next = OffsetL0State.WAIT;
      if (this.if_valid.v) {
        const w = this.fetch_rdata.v;
        const compressed = (w & 3) !== 3;
        this.instr_valid_id.next = 1;
        this.instr_rdata_id.next = compressed ? w & 0xffff : w;
        this.is_compressed_id.next = compressed ? 1 : 0;
        this.pc_id.next = this.pc_if.v;
        const isHwlp = this.prefetch.is_hwlp_o.v;
        this.is_hwlp_id_q.next = isHwlp;
        if (isHwlp) this.hwlp_dec_cnt_id.next = this.hwlp_dec_cnt_if.v;
      } else if (this.l.id.clear_instr_valid.v) {
        this.instr_valid_id.next = 0;
      }
    });
  }
}
