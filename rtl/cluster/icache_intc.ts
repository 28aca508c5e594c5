// The miss path from the private controllers to the central controller: icache_intc (pulp-v1.0) with one target,
// a binary arbitration tree whose levels use the bits of a counter F (+1 at every edge where the tree's request is
// granted). With GAP-8's 8 ports: 3 levels, leaves F[0], middle F[1], root F[2]; a node takes its upper input when
// the lower one is idle or F's bit is 1 and the upper one requests. More ports (a 16-core cluster) add levels that
// follow the next bits of F, the same rule (derived: the RTL's tree is generic in NB_CORES). Then pf_miss_mux (flag
// tied 0: cores before the prefetcher). With no core requesting, the central controller sees the prefetcher's miss
// buffer head, which is never written here: address 0, way 0, ID bit `ports`.
import { Module, type Input, type Output, type Reg, type Wire } from '../../sim/index.ts';
import { ICACHE_PORTS } from './icache_geometry.ts';

/** The tree's winner for request mask `r` (8 bits) and counter `f`; 7 when nobody requests. */
export function intcWinner(r: number, f: number): number {
  const node = (lo: number, hi: number, flag: number): number => {
    const reqLo = (r >>> lo) & 1;
    const reqHi = (r >>> hi) & 1;
    return !reqLo || (flag && reqHi) ? hi : lo;
  };
  const any = (x: number): number => ((r >>> x) & 1);
  const f0 = f & 1;
  const f1 = (f >>> 1) & 1;
  const f2 = (f >>> 2) & 1;
  const leaf = [node(0, 1, f0), node(2, 3, f0), node(4, 5, f0), node(6, 7, f0)];
  const leafReq = [any(0) | any(1), any(2) | any(3), any(4) | any(5), any(6) | any(7)];
  const mid = (a: number, b: number): { w: number; q: number } => {
    const sel = !leafReq[a] || (f1 && leafReq[b]);
    return { w: sel ? leaf[b]! : leaf[a]!, q: leafReq[a]! | leafReq[b]! };
  };
  const m0 = mid(0, 1);
  const m1 = mid(2, 3);
  return !m0.q || (f2 && m1.q) ? m1.w : m0.w;
}

/**
 * The same tree for `ports` requesters (a power of two): log2(ports) levels, level l (leaves 0) following bit l of
 * the counter `f`; a node takes its upper subtree when the lower one is idle or the bit is 1 and the upper one
 * requests. `ports - 1` when nobody requests.
 */
export function intcWinnerN(r: number, f: number, ports: number): number {
  // Bottom-up over the levels: winners and request flags of the 2^(L-l) subtrees of level l.
  const levels = Math.round(Math.log2(ports));
  let win = Array.from({ length: ports }, (_, k) => k);
  let req = Array.from({ length: ports }, (_, k) => (r >>> k) & 1);
  for (let l = 0; l < levels; l++) {
    const bit = (f >>> l) & 1;
    const nw: number[] = [];
    const nq: number[] = [];
    for (let i = 0; i < win.length; i += 2) {
      const sel = !req[i] || (bit && req[i + 1]);
      nw.push(sel ? win[i + 1]! : win[i]!);
      nq.push(req[i]! | req[i + 1]!);
    }
    win = nw;
    req = nq;
  }
  return win[0]!;
}

/** intcWinner for every counter and request mask, indexed by `f << 8 | r`: the tree is pure combinational logic of
 *  11 bits, so the cycle looks its answer up instead of rebuilding it. */
export const INTC_WINNER: Uint8Array = (() => {
  const t = new Uint8Array(8 << 8);
  for (let f = 0; f < 8; f++) for (let r = 0; r < 256; r++) t[(f << 8) | r] = intcWinner(r, f);
  return t;
})();

export class IcacheIntc extends Module {
  readonly miss_valid: Input[];
  readonly miss_addr: Input[];
  readonly miss_way: Input[];
  readonly miss_pop: Output[];
  /** The central controller's grant of the presented request. */
  readonly gnt = this.input(1);
  readonly req = this.output(1);
  readonly addr = this.output(32);
  readonly way: Output;
  /** One-hot requester: bits 0..7 the cores, bit 8 the prefetcher. */
  readonly id_oh: Output;
  readonly flag: Reg;
  readonly winner: Wire;

  constructor(ways: number, ports = ICACHE_PORTS) {
    super();
    const P = ports;
    const bits = Math.round(Math.log2(P));
    this.id_oh = this.output(P + 1);
    this.flag = this.reg(bits);
    this.winner = this.wire(bits);
    // 8 ports: the precomputed table; more: the tree evaluated (a 2^20-entry table for 16 would cost more than it
    // saves in a cycle where a miss is presented, which is rare).
    const winnerOf = P === 8 ? (r: number, f: number): number => INTC_WINNER[(f << 8) | r]! : (r: number, f: number): number => intcWinnerN(r, f, P);
    this.miss_valid = Array.from({ length: P }, () => this.input(1));
    this.miss_addr = Array.from({ length: P }, () => this.input(32));
    this.miss_way = Array.from({ length: P }, () => this.input(ways));
    this.miss_pop = Array.from({ length: P }, () => this.output(1));
    this.way = this.output(ways);

    this.comb('select', () => {
      let r = 0;
      for (let k = 0; k < P; k++) r |= this.miss_valid[k]!.v << k;
      const w = r === 0 ? P - 1 : winnerOf(r, this.flag.v);
      this.winner.v = w;
      this.req.v = r !== 0;
      if (r !== 0) {
        this.addr.v = this.miss_addr[w]!.v;
        this.way.v = this.miss_way[w]!.v;
        this.id_oh.v = 1 << w;
      } else {
        this.addr.v = 0;
        this.way.v = 0;
        this.id_oh.v = 2 ** P;
      }
    });
    this.comb('grant', () => {
      const take = this.req.v & this.gnt.v;
      const w = this.winner.v;
      for (let k = 0; k < P; k++) this.miss_pop[k]!.v = take && k === w;
    });
    this.seq('count', () => {
      if (this.req.v && this.gnt.v) this.flag.next = (this.flag.v + 1) & (P - 1);
    }, { stable: true });
  }
}
