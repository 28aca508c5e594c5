// The L2 memory behind the cluster's AXI master port, as the system oracle's harness models it
// (testbench/fixtures/timing/cluster/system/README.md "Memory model (L2) and its latency L"): a synchronous AXI4
// slave with 64-bit data over `sizeBytes` at `base`; other addresses read 0 and ignore writes.
//  - Read: AR accepted while fewer than 16 reads are queued; served in order; beat b of an AR accepted in cycle a is
//    valid from max(a + L, the cycle after the previous beat) and held until r_ready; r_id = ar_id.
//  - Write: AW accepted while fewer than 16 are queued; W beats accepted while an AW is queued; byte strobes
//    applied; the B response of a burst whose last W beat is accepted in cycle w is valid from w + L, in order.
// Beat data: {word(A + 4), word(A)} of the 8-byte-aligned beat address A.
import { Module, type Input, type Memory, type Output, type Reg } from '../../sim/index.ts';

export interface L2Options {
  base: number;
  sizeBytes: number;
  /** L: cycles from an AR handshake to its first beat, and from the last W beat to B. */
  latency: number;
}

const Q = 16;

export class L2Memory extends Module {
  readonly base: number;
  readonly words: number;
  ar_valid = this.input(1);
  ar_addr = this.input(32);
  ar_id = this.input(6);
  ar_len = this.input(8);
  ar_size = this.input(3);
  ar_ready = this.output(1);
  r_valid = this.output(1);
  r_id = this.output(6);
  r_data: Output[] = [this.output(32), this.output(32)];
  r_last = this.output(1);
  r_ready = this.input(1);
  aw_valid = this.input(1);
  aw_addr = this.input(32);
  aw_id = this.input(6);
  aw_len = this.input(8);
  aw_size = this.input(3);
  aw_ready = this.output(1);
  w_valid = this.input(1);
  w_data: Input[] = [this.input(32), this.input(32)];
  w_strb = this.input(8);
  w_last = this.input(1);
  w_ready = this.output(1);
  b_valid = this.output(1);
  b_id = this.output(6);
  b_ready = this.input(1);

  mem: Memory;
  /** The L2's own time: counts the cycles in which a read or B response is queued or an AR / a last W beat is
   *  accepted, and holds while the L2 is idle. Each queued entry's due time is compared with it only while the entry
   *  is queued, in which cycles it counts with the clock, so the latencies are those of a free-running counter, and
   *  the idle L2's processes do not run. */
  cycle = this.reg(32);
  /** Due cycle (cycle + L) of an AR accepted / a burst's last W beat accepted this cycle, else 0: the queues read
   *  these instead of the free-running cycle, so their process runs only when something happens. */
  ar_due = this.wire(32);
  b_due = this.wire(32);
  // read queue
  rCount = this.reg(5);
  rHead = this.reg(4);
  rBeat = this.reg(8);
  rAddr: Reg[] = [];
  rId: Reg[] = [];
  rLen: Reg[] = [];
  rSize: Reg[] = [];
  rDue: Reg[] = [];
  // write address queue and the beat within the head burst
  awCount = this.reg(5);
  awHead = this.reg(4);
  wBeat = this.reg(8);
  awAddr: Reg[] = [];
  awId: Reg[] = [];
  awSize: Reg[] = [];
  // B queue
  bCount = this.reg(5);
  bHead = this.reg(4);
  bId: Reg[] = [];
  bDue: Reg[] = [];

  constructor(o: L2Options) {
    super();
    const L = o.latency;
    if (!Number.isInteger(L) || L < 1 || L > 10000) throw new RangeError(`l2.latency: must be an integer 1..10000 cycles, got ${L}`);
    if (!Number.isInteger(o.sizeBytes) || o.sizeBytes < 8 || o.sizeBytes % 8 !== 0) throw new RangeError(`l2.sizeBytes: must be a positive multiple of 8, got ${o.sizeBytes}`);
    this.base = o.base >>> 0;
    this.words = o.sizeBytes / 4;
    const base = this.base;
    const words = this.words;
    this.mem = this.memory(32, words, { writePorts: 2 });
    for (let k = 0; k < Q; k++) {
      this.rAddr.push(this.reg(32));
      this.rId.push(this.reg(6));
      this.rLen.push(this.reg(8));
      this.rSize.push(this.reg(3));
      this.rDue.push(this.reg(32));
      this.awAddr.push(this.reg(32));
      this.awId.push(this.reg(6));
      this.awSize.push(this.reg(3));
      this.bId.push(this.reg(6));
      this.bDue.push(this.reg(32));
    }
    /** Word index of byte address `a` in the memory, or -1 outside it. */
    const index = (a: number): number => {
      const off = (a - base) >>> 0;
      return off < words * 4 ? off >>> 2 : -1;
    };
    const beatAddr = (h: number, beat: number): number => (((this.rAddr[h]!.v + beat * (1 << this.rSize[h]!.v)) >>> 0) & ~7) >>> 0;

    this.comb('outputs', () => {
      const n = this.rCount.v;
      const h = this.rHead.v;
      const b = this.rBeat.v;
      this.ar_ready.v = n < Q;
      const valid = n > 0 && (b > 0 || this.cycle.v >= this.rDue[h]!.v);
      this.r_valid.v = valid;
      this.r_last.v = valid && b === this.rLen[h]!.v;
      this.r_id.v = valid ? this.rId[h]!.v : 0;
      this.aw_ready.v = this.awCount.v < Q;
      this.w_ready.v = this.awCount.v > 0;
      const bv = this.bCount.v > 0 && this.cycle.v >= this.bDue[this.bHead.v]!.v;
      this.b_valid.v = bv;
      this.b_id.v = bv ? this.bId[this.bHead.v]!.v : 0;
      const due = (this.cycle.v + L) >>> 0;
      this.ar_due.v = this.ar_valid.v && n < Q ? due : 0;
      this.b_due.v = this.w_valid.v && this.awCount.v > 0 && this.w_last.v ? due : 0;
      // The queue entries are read at the head index: declared, since learning reaches only a few indices.
    }, { reads: [...this.rAddr, ...this.rId, ...this.rLen, ...this.rSize, ...this.rDue, ...this.bId, ...this.bDue] });
    // The beat's data apart: a process reading a memory runs in every evaluation (its contents are not signals).
    this.comb('rdata', () => {
      if (this.r_valid.v) {
        const a = beatAddr(this.rHead.v, this.rBeat.v);
        const i0 = index(a);
        const i1 = index(a + 4);
        this.r_data[0]!.v = i0 < 0 ? 0 : this.mem.read(i0);
        this.r_data[1]!.v = i1 < 0 ? 0 : this.mem.read(i1);
      } else {
        this.r_data[0]!.v = 0;
        this.r_data[1]!.v = 0;
      }
    }, { reads: [...this.rAddr, ...this.rSize] });

    this.seq('time', () => {
      const busy = this.rCount.v > 0 || this.bCount.v > 0 || (this.ar_valid.v && this.rCount.v < Q) || (this.w_valid.v && this.awCount.v > 0 && this.w_last.v);
      if (busy) this.cycle.next = (this.cycle.v + 1) >>> 0;
    }, { reads: [this.cycle, this.rCount, this.bCount, this.ar_valid, this.w_valid, this.awCount, this.w_last], drives: [this.cycle], stable: true });
    // The W beats' memory writes apart from the queues: a process writing a memory runs every cycle.
    this.seq('write', () => {
      if (this.w_valid.v && this.w_ready.v) {
        const ah = this.awHead.v;
        const a = (((this.awAddr[ah]!.v + this.wBeat.v * (1 << this.awSize[ah]!.v)) >>> 0) & ~7) >>> 0;
        const s = this.w_strb.v;
        for (let lane = 0; lane < 2; lane++) {
          const st = (s >>> (4 * lane)) & 15;
          const i = index(a + 4 * lane);
          if (st === 0 || i < 0) continue;
          const mask = (st & 1 ? 0xff : 0) | (st & 2 ? 0xff00 : 0) | (st & 4 ? 0xff0000 : 0) | (st & 8 ? 0xff000000 : 0);
          this.mem.write(i, this.w_data[lane]!.v, mask);
        }
      }
    });

    this.seq('queues', () => {
      // reads
      let n = this.rCount.v;
      let h = this.rHead.v;
      if (this.r_valid.v && this.r_ready.v) {
        if (this.r_last.v) {
          h = (h + 1) & (Q - 1);
          n--;
          this.rBeat.next = 0;
        } else this.rBeat.next = this.rBeat.v + 1;
      }
      if (this.ar_valid.v && this.ar_ready.v) {
        const t = (this.rHead.v + this.rCount.v) & (Q - 1);
        this.rAddr[t]!.next = this.ar_addr.v;
        this.rId[t]!.next = this.ar_id.v;
        this.rLen[t]!.next = this.ar_len.v;
        this.rSize[t]!.next = this.ar_size.v;
        this.rDue[t]!.next = this.ar_due.v;
        n++;
      }
      this.rCount.next = n;
      this.rHead.next = h;
      // writes
      let an = this.awCount.v;
      let ah = this.awHead.v;
      let bn = this.bCount.v;
      let bh = this.bHead.v;
      if (this.b_valid.v && this.b_ready.v) {
        bh = (bh + 1) & (Q - 1);
        bn--;
      }
      if (this.w_valid.v && this.w_ready.v) {
        if (this.w_last.v) {
          const t = (this.bHead.v + this.bCount.v) & (Q - 1);
          this.bId[t]!.next = this.awId[ah]!.v;
          this.bDue[t]!.next = this.b_due.v;
          bn++;
          ah = (ah + 1) & (Q - 1);
          an--;
          this.wBeat.next = 0;
        } else this.wBeat.next = this.wBeat.v + 1;
      }
      if (this.aw_valid.v && this.aw_ready.v) {
        const t = (this.awHead.v + this.awCount.v) & (Q - 1);
        this.awAddr[t]!.next = this.aw_addr.v;
        this.awId[t]!.next = this.aw_id.v;
        this.awSize[t]!.next = this.aw_size.v;
        an++;
      }
      this.awCount.next = an;
      this.awHead.next = ah;
      this.bCount.next = bn;
      this.bHead.next = bh;
      // Every read declared: the head burst's id is read at the head index, the beat counters behind handshakes.
      // Every register declared too (the queue entries are written at the tail index, which learning reaches for a
      // few entries only): the others would commit in every cycle instead of the cycles this process runs.
    }, {
      drives: [
        this.rBeat, this.rCount, this.rHead, this.wBeat, this.awCount, this.awHead, this.bCount, this.bHead,
        ...this.rAddr, ...this.rId, ...this.rLen, ...this.rSize, ...this.rDue, ...this.awAddr, ...this.awId, ...this.awSize, ...this.bId, ...this.bDue,
      ],
      reads: [
        this.rCount, this.rHead, this.rBeat, this.r_valid, this.r_ready, this.r_last, this.ar_valid, this.ar_ready, this.ar_addr, this.ar_id,
        this.ar_len, this.ar_size, this.ar_due, this.awCount, this.awHead, this.wBeat, this.bCount, this.bHead, this.b_valid, this.b_ready,
        this.w_valid, this.w_ready, this.w_last, this.b_due, this.aw_valid, this.aw_ready, this.aw_addr, this.aw_id, this.aw_size, ...this.awId,
      ],
      stable: true,
    });
  }
}
