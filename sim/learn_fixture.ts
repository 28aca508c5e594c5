// A small design for the tests of learned-access reuse (learn_key.test.ts, learn_store.test.ts), and the read and
// write sets of a design's processes as text.
import { Module } from './index.ts';
import type { Netlist } from './netlist.ts';

/** `runs` counts the comb process's calls. With `wide`, one more register (another shape). */
export class Pipe extends Module {
  runs = 0;
  a = this.input(8);
  sel = this.input(1);
  r = this.reg(8, 0);
  q = this.wire(8);
  mem = this.memory(8, 4);
  constructor(wide: boolean) {
    super();
    if (wide) this.reg(4, 0);
    this.comb('pick', () => {
      this.runs++;
      // A read behind a select: learning finds it only on the valuations where sel is 1.
      this.q.v = this.sel.v === 1 ? this.r.v : this.mem.read(this.a.v & 3);
    });
    this.seq('step', () => {
      this.r.next = this.q.v;
      if (this.a.v === 7) this.mem.write(1, this.r.v);
    });
  }
}

export const sets = (nl: Netlist): string[] =>
  nl.procs.map((p) => `${p.path} r[${p.reads.join(',')}] w[${p.writes.join(',')}] m[${p.memWrites.map((m) => m.path).join(',')}] ${p.memReads}`);
