// common_cells generic_fifo (pulpissimo-v1.0), used by the I$ for the per-core miss buffers, the AXI AR and R
// slices and the bypass tracking FIFO. No fall-through: a push into an empty FIFO shows at the output one cycle
// later. `data_o` is the register at the pop pointer, also when empty (the AR channel shows those stale fields).
// In EMPTY a pop is ignored; in FULL a push is ignored (grant_o = 0).
import { Module, defineEnum, type Input, type Output, type Reg } from '../../sim/index.ts';

export const FifoState = defineEnum('FifoState', ['EMPTY', 'FULL', 'MIDDLE']);

export class GenericFifo extends Module {
  readonly valid_i = this.input(1);
  readonly grant_o = this.output(1);
  readonly valid_o = this.output(1);
  readonly grant_i = this.input(1);
  readonly state = this.reg(FifoState, FifoState.EMPTY);
  readonly pushPtr: Reg;
  readonly popPtr: Reg;
  /** One input/output per data field (widths as given). */
  readonly data_i: Input[];
  readonly data_o: Output[];
  /** regs[entry][field]. */
  readonly regs: Reg[][];

  constructor(readonly depth: number, widths: readonly number[]) {
    super();
    if (!Number.isInteger(depth) || depth < 2 || (depth & (depth - 1)) !== 0) throw new RangeError(`GenericFifo: depth must be a power of two >= 2, got ${depth}`);
    const pw = Math.round(Math.log2(depth));
    this.pushPtr = this.reg(pw);
    this.popPtr = this.reg(pw);
    this.data_i = widths.map((w) => this.input(w));
    this.data_o = widths.map((w) => this.output(w));
    this.regs = Array.from({ length: depth }, () => widths.map((w) => this.reg(w)));
    const mask = depth - 1;
    const nf = widths.length;

    this.comb('out', () => {
      const st = this.state.v;
      this.grant_o.v = st === FifoState.EMPTY || st === FifoState.MIDDLE;
      this.valid_o.v = st === FifoState.FULL || st === FifoState.MIDDLE;
      const e = this.regs[this.popPtr.v & mask]!;
      for (let f = 0; f < nf; f++) this.data_o[f]!.v = e[f]!.v;
    });

    this.seq('update', () => {
      const st = this.state.v;
      const push = this.valid_i.v;
      const pop = this.grant_i.v;
      const pu = this.pushPtr.v & mask;
      const po = this.popPtr.v & mask;
      let grant = 0;
      if (st === FifoState.EMPTY) {
        grant = 1;
        if (push) {
          this.state.next = FifoState.MIDDLE;
          this.pushPtr.next = (pu + 1) & mask;
        }
      } else if (st === FifoState.MIDDLE) {
        grant = 1;
        if (push && pop) {
          this.pushPtr.next = (pu + 1) & mask;
          this.popPtr.next = (po + 1) & mask;
        } else if (pop) {
          if (po === ((pu - 1) & mask)) this.state.next = FifoState.EMPTY;
          this.popPtr.next = (po + 1) & mask;
        } else if (push) {
          if (pu === ((po - 1) & mask)) this.state.next = FifoState.FULL;
          this.pushPtr.next = (pu + 1) & mask;
        }
      } else if (st === FifoState.FULL) {
        if (pop) {
          this.state.next = FifoState.MIDDLE;
          this.popPtr.next = (po + 1) & mask;
        }
      } else {
        // The RTL's default branch (an unreachable encoding) empties the FIFO.
        this.state.next = FifoState.EMPTY;
        this.pushPtr.next = 0;
        this.popPtr.next = 0;
      }
      if (grant && push) {
        const e = this.regs[pu]!;
        for (let f = 0; f < nf; f++) e[f]!.next = this.data_i[f]!.v;
      }
      // The data inputs matter with a push only (a miss buffer's is the core's fetch address, which moves all the time).
    }, { stable: true, guarded: [{ reads: this.data_i, when: [this.valid_i] }] });
  }
}
