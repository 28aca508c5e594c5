// The memory behind the I$'s AXI refill port, as the RTL vectors' harness modelled it (README "Our refill
// memory"): AR accepted while fewer than `maxOutstanding` requests are queued; requests served in order; beat 0
// of a request accepted in cycle a is presented from max(a + L, the cycle after the previous request's last beat)
// and held until taken, beat 1 (r_last) from the next cycle; idle outputs are 0. Beat b of line A carries
// {word(A + 8b + 4), word(A + 8b)}. L is the configured refill latency (icache.refillLatency): in the cluster it
// stands for the cluster bus, the SoC interconnect and L2.
import { Module, type Output, type Reg } from '../../sim/index.ts';

/** The 32-bit word at byte address `addr` (4-byte aligned). */
export type WordSource = (addr: number) => number;

export interface RefillMemOptions {
  latency: number;
  /** Requests queued at most (the AR is refused beyond); 1..16. */
  maxOutstanding?: number;
  word: WordSource;
}

export class IcacheRefillMem extends Module {
  readonly ar_valid = this.input(1);
  readonly ar_addr = this.input(32);
  readonly ar_id = this.input(6);
  readonly ar_ready = this.output(1);
  readonly r_valid = this.output(1);
  readonly r_id = this.output(6);
  readonly r_data: Output[] = [this.output(32), this.output(32)];
  readonly r_last = this.output(1);
  readonly r_resp = this.output(2);
  readonly r_ready = this.input(1);

  readonly cycle = this.reg(32);
  readonly count = this.reg(5);
  readonly head = this.reg(4);
  readonly beat = this.reg(1);
  readonly qAddr: Reg[];
  readonly qId: Reg[];
  /** First cycle beat 0 of the entry may be presented (handshake cycle + L). */
  readonly qDue: Reg[];

  constructor(options: RefillMemOptions) {
    super();
    const L = options.latency;
    const max = options.maxOutstanding ?? 16;
    if (!Number.isInteger(L) || L < 1) throw new RangeError(`refill memory: latency must be an integer >= 1, got ${L}`);
    if (!Number.isInteger(max) || max < 1 || max > 16) throw new RangeError(`refill memory: maxOutstanding must be 1..16, got ${max}`);
    const word = options.word;
    this.qAddr = Array.from({ length: 16 }, () => this.reg(32));
    this.qId = Array.from({ length: 16 }, () => this.reg(6));
    this.qDue = Array.from({ length: 16 }, () => this.reg(32));

    this.comb('outputs', () => {
      const n = this.count.v;
      const h = this.head.v & 15;
      this.ar_ready.v = n < max;
      const b = this.beat.v;
      const valid = n > 0 && (b === 1 || this.cycle.v >= this.qDue[h]!.v);
      this.r_valid.v = valid;
      this.r_last.v = valid && b === 1;
      this.r_id.v = valid ? this.qId[h]!.v : 0;
      this.r_resp.v = 0;
      const a = (this.qAddr[h]!.v + 8 * b) >>> 0;
      this.r_data[0]!.v = valid ? word(a) >>> 0 : 0;
      this.r_data[1]!.v = valid ? word((a + 4) >>> 0) >>> 0 : 0;
    });

    this.seq('update', () => {
      const t = this.cycle.v;
      this.cycle.next = (t + 1) >>> 0;
      let n = this.count.v;
      let h = this.head.v & 15;
      if (this.r_valid.v && this.r_ready.v) {
        if (this.beat.v === 0) {
          this.beat.next = 1;
        } else {
          this.beat.next = 0;
          h = (h + 1) & 15;
          n--;
        }
      }
      if (this.ar_valid.v && this.ar_ready.v) {
        const tail = ((this.head.v & 15) + this.count.v) & 15;
        this.qAddr[tail]!.next = (this.ar_addr.v & ~0xf) >>> 0;
        this.qId[tail]!.next = this.ar_id.v;
        this.qDue[tail]!.next = (t + L) >>> 0;
        n++;
      }
      this.count.next = n;
      this.head.next = h;
    }, { stable: true });
  }
}
