// A free-running counter with enable and a terminal-count pulse.
import { Module, type Reg } from '../../sim/index.ts';

export class Counter extends Module {
  en = this.input(1);
  count: Reg;
  tc = this.output(1);

  constructor(readonly width: number) {
    super();
    this.count = this.reg(width, 0, 'count');
    this.comb('terminal', () => {
      this.tc.v = this.en.v && this.count.v === 2 ** this.width - 1;
    });
    this.seq('tick', () => {
      if (this.en.v) this.count.next = this.count.v === 2 ** this.width - 1 ? 0 : this.count.v + 1;
    });
  }
}
