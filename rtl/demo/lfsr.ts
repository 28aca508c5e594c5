// 16-bit Galois LFSR (taps 16,14,13,11: mask 0xB400, maximal length 65535) offering its state as a
// stream word whenever enabled; it advances only when the word is taken.
import { Module } from '../../sim/index.ts';
import { Stream16 } from './stream.ts';

export class Lfsr extends Module {
  en = this.input(1);
  out = this.port(Stream16);
  state = this.reg(16, 0xace1);

  constructor() {
    super();
    this.comb('offer', () => {
      this.out.valid.v = this.en.v;
      this.out.data.v = this.state.v;
    });
    this.seq('advance', () => {
      if (this.out.valid.v && this.out.ready.v) {
        const s = this.state.v;
        this.state.next = s & 1 ? (s >>> 1) ^ 0xb400 : s >>> 1;
      }
    });
  }
}
