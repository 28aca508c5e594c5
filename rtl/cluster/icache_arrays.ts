// The TAG and DATA arrays: per bank (addr[6:4]) and way, one `rows`-deep array with one read port per core. Each
// read port registers its address when the port reads that bank (ReadEnable) and returns Mem[registered address]
// combinationally; a write in cycle t is seen by reads from cycle t+1 (the cycle-equivalent array model the
// README's RTL run used in place of the latch-based SCM). A tag entry is {valid, tag}. Contents are not reset.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';
import type { Memory } from '../../sim/index.ts';
import { ICACHE_BANKS, ICACHE_PORTS, LINE_WORDS, type IcacheGeometry } from './icache_geometry.ts';

export class IcacheArrays extends Module {
  // Read ports (one per core).
  readonly rd_req: Input[];
  readonly rd_bank: Input[];
  readonly rd_set: Input[];
  /** The bank whose registered row port k shows. */
  readonly cur_bank: Input[];
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

  /** raddr[k][bank]: the registered read row of port k in each bank. */
  readonly raddr: Reg[][];
  /** tagMem[way][bank * setsPerBank + set]. */
  readonly tagMem: Memory[];
  /** dataMem[way * 4 + word][row]. */
  readonly dataMem: Memory[];

  constructor(readonly g: IcacheGeometry) {
    super();
    const W = g.ways;
    const P = ICACHE_PORTS;
    const rowBits = g.setBits + 3;
    this.rd_req = Array.from({ length: P }, () => this.input(1));
    this.rd_bank = Array.from({ length: P }, () => this.input(3));
    this.rd_set = Array.from({ length: P }, () => this.input(g.setBits));
    this.cur_bank = Array.from({ length: P }, () => this.input(3));
    this.tag = Array.from({ length: P }, () => Array.from({ length: W }, () => this.output(g.tagBits + 1)));
    this.data = Array.from({ length: P }, () => Array.from({ length: W * LINE_WORDS }, () => this.output(32)));
    this.tag_row = this.input(rowBits);
    this.tag_ways = this.input(W);
    this.tag_wdata = this.input(g.tagBits + 1);
    this.data_row = this.input(rowBits);
    this.data_ways = this.input(W);
    this.data_wdata = Array.from({ length: LINE_WORDS }, () => this.input(32));
    this.raddr = Array.from({ length: P }, () => Array.from({ length: ICACHE_BANKS }, () => this.reg(g.setBits)));
    this.tagMem = Array.from({ length: W }, () => this.memory(g.tagBits + 1, g.rows));
    this.dataMem = Array.from({ length: W * LINE_WORDS }, () => this.memory(32, g.rows));
    const S = g.setsPerBank;

    for (let k = 0; k < P; k++) {
      const tag = this.tag[k]!;
      const data = this.data[k]!;
      const raddr = this.raddr[k]!;
      const cur = this.cur_bank[k]!;
      this.comb(`read${k}`, () => {
        const b = cur.v & 7;
        const row = b * S + (raddr[b]!.v & (S - 1));
        for (let w = 0; w < W; w++) tag[w]!.v = this.tagMem[w]!.read(row);
        for (let i = 0; i < W * LINE_WORDS; i++) data[i]!.v = this.dataMem[i]!.read(row);
      });
    }

    this.seq('update', () => {
      for (let k = 0; k < P; k++) {
        if (this.rd_req[k]!.v) this.raddr[k]![this.rd_bank[k]!.v & 7]!.next = this.rd_set[k]!.v;
      }
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
    });
  }
}
