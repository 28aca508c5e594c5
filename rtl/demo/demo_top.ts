// The demo design of `npm start`: an LFSR streams words through a FIFO into a pipelined MAC with an FSM;
// a cycle counter runs free and a bank of counters is clock-gated while the MAC is idle.
import { Module } from '../../sim/index.ts';
import { Counter } from './counter.ts';
import { Fifo } from './fifo.ts';
import { Lfsr } from './lfsr.ts';
import { Mac, MacState } from './mac.ts';

/** Counters that only tick while their subtree's clock is enabled. */
export class CounterBank extends Module {
  a = new Counter(4);
  b = new Counter(6);
  constructor() {
    super();
    this.tie(this.a.en, 1);
    this.connect(this.b.en, this.a.tc);
  }
}

export class DemoTop extends Module {
  run = this.input(1);
  src = new Lfsr();
  fifo = new Fifo(3);
  mac = new Mac();
  cycles = new Counter(16);
  bank = new CounterBank();
  result = this.output(24);
  result_valid = this.output(1);
  bank_en = this.wire(1);

  constructor() {
    super();
    this.connect(this.src.en, this.run);
    this.connect(this.src.out, this.fifo.in);
    this.connect(this.fifo.out, this.mac.in);
    this.tie(this.cycles.en, 1);
    this.connect(this.result, this.mac.result);
    this.connect(this.result_valid, this.mac.result_valid);
    this.comb('bank_gate', () => {
      this.bank_en.v = this.mac.busy.v;
    });
    this.clockGate(this.bank, this.bank_en);
    this.probe('status', () => `${MacState.names[this.mac.state.v]} level=${this.fifo.level.v}`);
  }
}
