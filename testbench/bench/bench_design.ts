// The synthetic reference design of `npm run bench`: 8 pipelines of 6 stages. Each stage has an operand
// mux with forwarding from the two stages ahead (as an ID stage does), an adder/xor/shift datapath, a
// comparator and a pipeline register bank; a hazard unit per pipeline stalls on a tag match. ~450 signals,
// ~110 comb processes at a realistic depth (each stage depends on the previous one).
import { Module, defineEnum, type Input, type Output } from '../../sim/index.ts';

export const Fwd = defineEnum('Fwd', ['NONE', 'S1', 'S2', 'IMM']);

class Stage extends Module {
  in_data = this.input(32);
  in_valid = this.input(1);
  in_tag = this.input(4);
  stall = this.input(1);
  fwd1_data = this.input(32);
  fwd1_tag = this.input(4);
  fwd2_data = this.input(32);
  fwd2_tag = this.input(4);

  fwd_sel = this.wire(Fwd);
  operand = this.wire(32);
  result = this.wire(32);
  hit = this.wire(1);

  data_q = this.reg(32, 0);
  valid_q = this.reg(1, 0);
  tag_q = this.reg(4, 0);
  acc_q = this.reg(32, 0);

  out_data = this.output(32);
  out_valid = this.output(1);
  out_tag = this.output(4);

  constructor(readonly k: number) {
    super();
    this.connect(this.out_data, this.data_q);
    this.connect(this.out_valid, this.valid_q);
    this.connect(this.out_tag, this.tag_q);
    this.comb('fwd', () => {
      const t = this.in_tag.v;
      this.fwd_sel.v = t === 0 ? Fwd.IMM : t === this.fwd1_tag.v ? Fwd.S1 : t === this.fwd2_tag.v ? Fwd.S2 : Fwd.NONE;
    });
    this.comb('opmux', () => {
      const s = this.fwd_sel.v;
      this.operand.v = s === Fwd.S1 ? this.fwd1_data.v : s === Fwd.S2 ? this.fwd2_data.v : s === Fwd.IMM ? this.k * 0x01010101 : this.in_data.v;
    });
    this.comb('alu', () => {
      const a = this.operand.v;
      const b = this.acc_q.v;
      const sum = (a + b) >>> 0;
      this.result.v = this.in_tag.v & 1 ? (sum ^ (a << (this.k + 1))) >>> 0 : (sum - (b >>> 3)) >>> 0;
      this.hit.v = a < b;
    });
    this.seq('regs', () => {
      if (!this.stall.v) {
        this.data_q.next = this.result.v;
        this.valid_q.next = this.in_valid.v;
        this.tag_q.next = (this.in_tag.v + (this.hit.v ? 1 : 0)) & 15;
        if (this.in_valid.v) this.acc_q.next = (this.acc_q.v + (this.result.v & 0xffff)) >>> 0;
      }
    });
  }
}

class Pipeline extends Module {
  src_data = this.input(32);
  src_tag = this.input(4);
  sum = this.output(32);
  stalled = this.wire(1);
  stages: Stage[];

  constructor(depth: number, seed: number) {
    super();
    this.stages = Array.from({ length: depth }, (_, k) => new Stage((k + seed) % 7));
    const st = this.stages;
    st.forEach((s, k) => {
      if (k === 0) {
        this.connect(s.in_data, this.src_data);
        this.connect(s.in_tag, this.src_tag);
        this.tie(s.in_valid, 1);
      } else {
        this.connect(s.in_data, st[k - 1]!.out_data);
        this.connect(s.in_tag, st[k - 1]!.out_tag);
        this.connect(s.in_valid, st[k - 1]!.out_valid);
      }
      const f1 = st[Math.min(k + 1, depth - 1)]!;
      const f2 = st[Math.min(k + 2, depth - 1)]!;
      this.connect(s.fwd1_data, f1.out_data);
      this.connect(s.fwd1_tag, f1.out_tag);
      this.connect(s.fwd2_data, f2.out_data);
      this.connect(s.fwd2_tag, f2.out_tag);
      this.connect(s.stall, this.stalled);
    });
    this.comb('hazard', () => {
      // Stall when the last two stages carry the same non-zero tag and the first stage's result is odd.
      const a = st[depth - 1]!.out_tag.v;
      this.stalled.v = a !== 0 && a === st[depth - 2]!.out_tag.v && (st[0]!.result.v & 1) === 1;
    });
    this.comb('reduce', () => {
      let s = 0;
      for (const x of st) s = (s + x.out_data.v) >>> 0;
      this.sum.v = s;
    });
  }
}

export class BenchTop extends Module {
  lfsr = this.reg(32, 0xace1);
  pipes: Pipeline[];
  total = this.output(32);
  outs: Output[] = [];
  ins: Input[] = [];

  constructor(pipes = 8, depth = 6) {
    super();
    this.pipes = Array.from({ length: pipes }, (_, k) => new Pipeline(depth, k));
    for (const [k, p] of this.pipes.entries()) {
      const d = this.wire(32, `src_data${k}`);
      const t = this.wire(4, `src_tag${k}`);
      this.connect(p.src_data, d);
      this.connect(p.src_tag, t);
      this.comb(`src${k}`, () => {
        const l = this.lfsr.v;
        d.v = Math.imul(l, k + 3) >>> 0;
        t.v = (l >>> (k * 3)) & 15;
      });
    }
    this.comb('total_c', () => {
      let s = 0;
      for (const p of this.pipes) s ^= p.sum.v;
      this.total.v = s >>> 0;
    });
    this.seq('lfsr_step', () => {
      const l = this.lfsr.v;
      const bit = (l ^ (l >>> 2) ^ (l >>> 6) ^ (l >>> 7)) & 1;
      this.lfsr.next = ((l >>> 1) | (bit << 31)) >>> 0;
    });
  }
}
