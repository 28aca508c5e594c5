// The request side of one TCDM bank (cluster_interconnect pulp-v1.0, RequestBlock2CH with its two
// ArbitrationTrees, MUX2_REQ and TestAndSet; GNT_BASED_FC variant). Everything is decided in the request cycle:
//  - inside a channel the binary tree of FanInPrimitive_Req nodes, whose node at subtree size 2^s follows bit
//    s-1 of the channel's priority counter, picks the requester r with the smallest (r XOR counter);
//  - priority_Flag_Req moves the counter only when the channel's winner is granted: round robin wraps it at
//    N-1 (11 for the 12 masters of CH0, not 15), last-win loads the winner's index;
//  - MUX2_REQ lets a lone channel through and otherwise follows its flag, which toggles whenever the bank is
//    granted, whichever channel it served;
//  - TestAndSet: a granted load with the test-and-set bit puts the block in SET_STORE for the next cycle, where
//    it writes all ones under the load's byte enables to the same row and grants nobody (no counter, flag or
//    response moves).
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';

const clog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

/** Winner of a FanInPrimitive_Req tree: the requesting leaf r with the smallest r XOR prio; -1 if none. */
export function treeWinner(reqMask: number, leaves: number, prio: number): number {
  let best = -1;
  let bestKey = 0;
  // Only the requesting leaves (lowest set bit first): a bank sees one or two requests in a typical cycle.
  for (let m = reqMask & (leaves === 32 ? -1 : (1 << leaves) - 1); m !== 0; m &= m - 1) {
    const r = 31 - Math.clz32(m & -m);
    const key = r ^ prio;
    if (best < 0 || key < bestKey) {
      best = r;
      bestKey = key;
    }
  }
  return best;
}

export class TcdmRequestBlock extends Module {
  /** Requests of this bank's masters, global master index = bit: CH0's masters in bits 0..n0-1, CH1's above
   *  (req_CH0_i and req_CH1_i of the RTL side by side, so the decode drives one input instead of two). */
  req: Input;
  /** Which of those requests are loads with the test-and-set bit (same layout). */
  tas: Input;
  /** TCDM_arb_policy_i: bit 0 CH0 tree, bit 1 CH1 tree (0 round robin, 1 last win). */
  policy = this.input(2);
  /** The winner's row and byte enables (muxed by the parent from `win_id`; valid in a grant cycle); sampled for the
   *  set write. */
  win_row: Input;
  win_be = this.input(4);

  /** A master is granted this cycle (never in a set cycle). */
  gnt = this.output(1);
  /** Global master index of the winner (0 when none). */
  win_id: Output;
  /** The bank performs the test-and-set write this cycle. */
  ts_set = this.output(1);
  /** Master whose access the bank performs (winner, or the test-and-set master in a set cycle). */
  bank_id: Output;
  /** Row and byte enables of the set write. */
  ts_row: Output;
  ts_be = this.output(4);
  /** The block's registers may change at this edge (a request, or the set cycle): its clock enable. Idle, every
   *  register holds, so gating the clock changes no value and spares the edge's work. */
  clk_en = this.output(1);

  prio_ch0: Reg;
  prio_ch1: Reg;
  rr_flag = this.reg(1, 0);
  /** TestAndSet state: 0 LOAD_STORE, 1 SET_STORE. */
  ts_cs = this.reg(1, 0);
  ts_add_s: Reg;
  ts_be_s = this.reg(4, 0);
  ts_id_s: Reg;

  constructor(n0: number, n1: number, rowBits: number) {
    super();
    const idBits = Math.max(1, clog2(n0 + n1));
    const w0 = Math.max(1, clog2(n0));
    const w1 = Math.max(1, clog2(n1));
    const max0 = n0 - 1;
    const max1 = n1 - 1;
    this.req = this.input(n0 + n1);
    this.tas = this.input(n0 + n1);
    const mask0 = n0 === 32 ? -1 : (1 << n0) - 1;
    this.win_row = this.input(rowBits);
    this.win_id = this.output(idBits);
    this.bank_id = this.output(idBits);
    this.ts_row = this.output(rowBits);
    this.prio_ch0 = this.reg(w0, 0);
    this.prio_ch1 = this.reg(w1, 0);
    this.ts_add_s = this.reg(rowBits, 0);
    this.ts_id_s = this.reg(idBits, 0);
    // Leaves of a tree: the channel's masters padded to a power of two (padding never requests).
    const leaves0 = 1 << w0;
    const leaves1 = 1 << w1;

    // The set cycle's bank access and the block's outputs that are registers as they are: one net each.
    this.connect(this.ts_set, this.ts_cs);
    this.connect(this.ts_row, this.ts_add_s);
    this.connect(this.ts_be, this.ts_be_s);

    // A bank sees no request in most cycles: then nothing is arbitrated (the counters and the flag are read only
    // for a request, declared below since learning might not reach those reads).
    this.comb('arbitrate', () => {
      const req = this.req.v;
      const set = this.ts_cs.v;
      if (req === 0) {
        this.win_id.v = 0;
        this.gnt.v = 0;
        this.bank_id.v = set ? this.ts_id_s.v : 0;
        this.clk_en.v = set;
        return;
      }
      const r0 = req & mask0;
      const r1 = req >>> n0;
      const rr = this.rr_flag.v;
      // MUX2_REQ: SEL = ~req_ch0 | (RR_FLAG & req_ch1).
      const sel1 = r0 === 0 || (rr === 1 && r1 !== 0);
      const win = sel1 ? n0 + treeWinner(r1, leaves1, this.prio_ch1.v) : treeWinner(r0, leaves0, this.prio_ch0.v);
      this.win_id.v = win;
      this.gnt.v = set ^ 1;
      this.bank_id.v = set ? this.ts_id_s.v : win;
      this.clk_en.v = 1;
    }, { reads: [this.prio_ch0, this.prio_ch1, this.rr_flag, this.ts_id_s] });

    this.seq('state', () => {
      if (this.ts_cs.v) {
        // SET_STORE: the bank grant is tied to 1, so the set write completes in one cycle.
        this.ts_cs.next = 0;
        return;
      }
      const req = this.req.v;
      if (req === 0) return;
      const r0 = req & mask0;
      const r1 = req >>> n0;
      const t0 = this.tas.v & mask0;
      const t1 = this.tas.v >>> n0;
      const pol = this.policy.v;
      const p0 = this.prio_ch0.v;
      const p1 = this.prio_ch1.v;
      const rr = this.rr_flag.v;
      const row = this.win_row.v;
      const be = this.win_be.v;
      const sel1 = r0 === 0 || (rr === 1 && r1 !== 0);
      this.rr_flag.next = rr ^ 1;
      let win: number;
      let isTas: number;
      if (sel1) {
        const w = treeWinner(r1, leaves1, p1);
        this.prio_ch1.next = pol & 2 ? w : p1 < max1 ? p1 + 1 : 0;
        win = n0 + w;
        isTas = (t1 >>> w) & 1;
      } else {
        const w = treeWinner(r0, leaves0, p0);
        this.prio_ch0.next = pol & 1 ? w : p0 < max0 ? p0 + 1 : 0;
        win = w;
        isTas = (t0 >>> w) & 1;
      }
      if (isTas) {
        this.ts_cs.next = 1;
        this.ts_add_s.next = row;
        this.ts_be_s.next = be;
        this.ts_id_s.next = win;
      }
      // Not declared stable: the block's clock runs only with a request or the set write, when its registers move
      // anyway; declared stable, every bank input it reads (the winner's row and byte enables, which the parent
      // drives in every cycle) would be compared after each run of the parent's mux.
    });
  }
}
