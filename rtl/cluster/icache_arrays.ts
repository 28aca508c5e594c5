// The TAG and DATA arrays: per bank (addr[6:4]) and way, one `rows`-deep array with one read port per core. Each
// read port registers its address when the port reads that bank (ReadEnable) and returns Mem[registered address]
// combinationally; a write in cycle t is seen by reads from cycle t+1 (the cycle-equivalent array model the
// README's RTL run used in place of the latch-based SCM). A tag entry is {valid, tag}. Contents are not reset.
//
// Port k shows the bank under tag check (the private controller's addrQ[6:4]), and the controller loads addrQ and
// reads the arrays in the same cycles, with the same address (icache_private_ctrl.ts `fsm`): so the row a port
// shows is always the row of its last read, and the per-bank registered addresses reduce to one row register per
// port. The port keeps that row's words in registers, reloaded at an edge with a read or a write to the row (a few
// edges in a hundred), where the RTL's read mux looks them up every cycle: same values, in the same cycles.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';
import type { Memory } from '../../sim/index.ts';
import { ICACHE_PORTS, LINE_WORDS, type IcacheGeometry } from './icache_geometry.ts';

/** The shared write port of the arrays (central controller): one row, any subset of ways. */
interface WritePort {
  tag_we: Input;
  tag_row: Input;
  tag_ways: Input;
  tag_wdata: Input;
  data_we: Input;
  data_row: Input;
  data_ways: Input;
  data_wdata: Input[];
}

/** One core's read port: the row of its last read and that row's words as they are after the edge's writes. */
export class IcacheReadPort extends Module {
  readonly rd_req = this.input(1);
  readonly rd_bank = this.input(3);
  readonly rd_set: Input;
  readonly row_q: Reg;
  /** tag_q[way], data_q[way * 4 + word]: Mem[row_q], the port's read data. */
  readonly tag_q: Reg[];
  readonly data_q: Reg[];
  /** The row changes or is written at this edge: the port's clock enable. */
  readonly load = this.wire(1);

  constructor(g: IcacheGeometry, tagMem: readonly Memory[], dataMem: readonly Memory[], wr: WritePort) {
    super();
    const W = g.ways;
    const S = g.setsPerBank;
    const rows = g.rows;
    this.rd_set = this.input(g.setBits);
    this.row_q = this.reg(g.setBits + 3);
    this.tag_q = Array.from({ length: W }, () => this.reg(g.tagBits + 1));
    this.data_q = Array.from({ length: W * LINE_WORDS }, () => this.reg(32));

    this.comb('load_p', () => {
      // Every input read unconditionally: a short-circuit would hide reads from the learned read set.
      const row = this.row_q.v;
      const tagHit = wr.tag_row.v % rows === row ? wr.tag_we.v : 0;
      const dataHit = wr.data_row.v % rows === row ? wr.data_we.v : 0;
      this.load.v = (this.rd_req.v | tagHit | dataHit) !== 0;
    });
    this.seq('fill', () => {
      const row = this.rd_req.v ? (this.rd_bank.v & 7) * S + (this.rd_set.v & (S - 1)) : this.row_q.v;
      // The arrays' write of this edge is visible from the next cycle on: it overrides the stored word.
      const tw = wr.tag_we.v === 1 && wr.tag_row.v % rows === row ? wr.tag_ways.v : 0;
      const dw = wr.data_we.v === 1 && wr.data_row.v % rows === row ? wr.data_ways.v : 0;
      // A read of the row the port holds, not written at this edge: its registers already hold Mem[row].
      if (row === this.row_q.v && (tw | dw) === 0) return;
      this.row_q.next = row;
      for (let w = 0; w < W; w++) this.tag_q[w]!.next = (tw >>> w) & 1 ? wr.tag_wdata.v : tagMem[w]!.read(row);
      for (let w = 0; w < W; w++) {
        for (let i = 0; i < LINE_WORDS; i++) {
          const k = w * LINE_WORDS + i;
          this.data_q[k]!.next = (dw >>> w) & 1 ? wr.data_wdata[i]!.v : dataMem[k]!.read(row);
        }
      }
    }, { stable: true });
  }
}

export class IcacheArrays extends Module {
  // Read ports (one per core).
  readonly rd_req: Input[];
  readonly rd_bank: Input[];
  readonly rd_set: Input[];
  /** tag[k][way]. */
  readonly tag: Output[][];
  /** data[k][way * 4 + word]. */
  readonly data: Output[][];
  // Write port (central controller): one row, any subset of ways.
  readonly tag_we = this.input(1);
  readonly tag_row: Input;
  readonly tag_ways: Input;
  readonly tag_wdata: Input;
  readonly data_we = this.input(1);
  readonly data_row: Input;
  readonly data_ways: Input;
  readonly data_wdata: Input[];

  readonly ports: IcacheReadPort[];
  /** tagMem[way][bank * setsPerBank + set]. */
  readonly tagMem: Memory[];
  /** dataMem[way * 4 + word][row]. */
  readonly dataMem: Memory[];

  constructor(
    readonly g: IcacheGeometry,
    ports = ICACHE_PORTS,
  ) {
    super();
    const W = g.ways;
    const P = ports;
    const rowBits = g.setBits + 3;
    this.rd_req = Array.from({ length: P }, () => this.input(1));
    this.rd_bank = Array.from({ length: P }, () => this.input(3));
    this.rd_set = Array.from({ length: P }, () => this.input(g.setBits));
    this.tag = Array.from({ length: P }, () => Array.from({ length: W }, () => this.output(g.tagBits + 1)));
    this.data = Array.from({ length: P }, () => Array.from({ length: W * LINE_WORDS }, () => this.output(32)));
    this.tag_row = this.input(rowBits);
    this.tag_ways = this.input(W);
    this.tag_wdata = this.input(g.tagBits + 1);
    this.data_row = this.input(rowBits);
    this.data_ways = this.input(W);
    this.data_wdata = Array.from({ length: LINE_WORDS }, () => this.input(32));
    this.tagMem = Array.from({ length: W }, () => this.memory(g.tagBits + 1, g.rows));
    this.dataMem = Array.from({ length: W * LINE_WORDS }, () => this.memory(32, g.rows));

    this.ports = Array.from({ length: P }, (_, k) => {
      const p = new IcacheReadPort(g, this.tagMem, this.dataMem, this);
      this.connect(p.rd_req, this.rd_req[k]!);
      this.connect(p.rd_bank, this.rd_bank[k]!);
      this.connect(p.rd_set, this.rd_set[k]!);
      for (let w = 0; w < W; w++) this.connect(this.tag[k]![w]!, p.tag_q[w]!);
      for (let i = 0; i < W * LINE_WORDS; i++) this.connect(this.data[k]![i]!, p.data_q[i]!);
      this.clockGate(p, p.load);
      return p;
    });

    this.seq('update', () => {
      const rows = g.rows;
      if (this.tag_we.v) {
        const row = this.tag_row.v % rows;
        const ways = this.tag_ways.v;
        for (let w = 0; w < W; w++) if ((ways >>> w) & 1) this.tagMem[w]!.write(row, this.tag_wdata.v);
      }
      if (this.data_we.v) {
        const row = this.data_row.v % rows;
        const ways = this.data_ways.v;
        for (let w = 0; w < W; w++) {
          if ((ways >>> w) & 1) for (let i = 0; i < LINE_WORDS; i++) this.dataMem[w * LINE_WORDS + i]!.write(row, this.data_wdata[i]!.v);
        }
      }
    }, { stable: true });
  }
}
