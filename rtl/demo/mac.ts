// A two-stage multiply-accumulate over batches of 16 words, run by a small FSM:
//   IDLE -> RUN (a word is available) -> DRAIN (16 words taken; wait for the pipeline) -> DONE (result
//   held for 4 cycles) -> IDLE. Stage 1 multiplies the two bytes of a word, stage 2 accumulates.
import { Module, defineEnum } from '../../sim/index.ts';
import { Stream16 } from './stream.ts';

export const MacState = defineEnum('MacState', ['IDLE', 'RUN', 'DRAIN', 'DONE']);
export const BATCH = 16;

export class Mac extends Module {
  in = this.flipped(Stream16);
  state = this.reg(MacState, MacState.IDLE);
  taken = this.reg(5, 0);
  hold = this.reg(3, 0);
  // stage 1
  prod_valid = this.reg(1, 0);
  prod = this.reg(16, 0);
  // stage 2
  acc = this.reg(24, 0);
  result = this.reg(24, 0);
  result_valid = this.output(1);
  take = this.wire(1);
  busy = this.output(1);

  constructor() {
    super();
    this.comb('control', () => {
      const st = this.state.v;
      this.take.v = st === MacState.RUN && this.in.valid.v;
      this.in.ready.v = st === MacState.RUN;
      this.result_valid.v = st === MacState.DONE;
      this.busy.v = st !== MacState.IDLE;
    });
    this.seq('fsm', () => {
      const st = this.state.v;
      switch (st) {
        case MacState.IDLE:
          if (this.in.valid.v) this.state.next = MacState.RUN;
          this.taken.next = 0;
          break;
        case MacState.RUN:
          if (this.take.v) {
            this.taken.next = this.taken.v + 1;
            if (this.taken.v === BATCH - 1) this.state.next = MacState.DRAIN;
          }
          break;
        case MacState.DRAIN:
          if (!this.prod_valid.v) {
            this.state.next = MacState.DONE;
            this.hold.next = 3;
          }
          break;
        default:
          if (this.hold.v === 0) this.state.next = MacState.IDLE;
          else this.hold.next = this.hold.v - 1;
      }
    });
    this.seq('pipe', () => {
      const d = this.in.data.v;
      this.prod_valid.next = this.take.v;
      if (this.take.v) this.prod.next = (d & 0xff) * (d >>> 8) & 0xffff;
      if (this.prod_valid.v) this.acc.next = (this.acc.v + this.prod.v) & 0xffffff;
      if (this.state.v === MacState.DRAIN && !this.prod_valid.v) {
        this.result.next = this.acc.v;
        this.acc.next = 0;
      }
    });
  }
}
