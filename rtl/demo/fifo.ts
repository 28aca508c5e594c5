// A synchronous FIFO over a memory: write at the edge, read combinationally from the head (first-word
// fall-through). Full/empty from a count register.
import { Module, type Memory, type Reg } from '../../sim/index.ts';
import { Stream16 } from './stream.ts';

export class Fifo extends Module {
  in = this.flipped(Stream16);
  out = this.port(Stream16);
  level: Reg;
  head: Reg;
  tail: Reg;
  push = this.wire(1);
  pop = this.wire(1);
  mem: Memory;

  constructor(readonly depthLog2: number) {
    super();
    const depth = 1 << depthLog2;
    this.mem = this.memory(16, depth);
    this.level = this.reg(depthLog2 + 1, 0, 'level');
    this.head = this.reg(depthLog2, 0, 'head');
    this.tail = this.reg(depthLog2, 0, 'tail');
    // Status and handshake are separate processes: the consumer's ready may depend on our valid, and
    // the schedule orders whole processes.
    this.comb('status', () => {
      const level = this.level.v;
      this.in.ready.v = level < depth;
      this.out.valid.v = level > 0;
      this.out.data.v = this.mem.read(this.head.v);
    });
    this.comb('handshake', () => {
      const level = this.level.v;
      this.push.v = this.in.valid.v && level < depth;
      this.pop.v = this.out.ready.v && level > 0;
    });
    this.seq('update', () => {
      const push = this.push.v;
      const pop = this.pop.v;
      if (push) {
        this.mem.write(this.tail.v, this.in.data.v);
        this.tail.next = (this.tail.v + 1) & (depth - 1);
      }
      if (pop) this.head.next = (this.head.v + 1) & (depth - 1);
      this.level.next = this.level.v + push - pop;
    });
  }
}
