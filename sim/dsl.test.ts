// Semantics of the DSL on both back-ends: expected values are computed by hand from the described hardware.
import { describe, expect, it } from 'vitest';
import { Module, Simulator, SimulationError, defineBundle, defineEnum, inp, out, type BackendKind } from './index.ts';

const BACKENDS: BackendKind[] = ['interp', 'codegen'];

const St = defineEnum('St', ['IDLE', 'LOAD', 'RUN', 'DONE', 'ERR']);

class Counter extends Module {
  en = this.input(1);
  count = this.reg(4, 9);
  wrap = this.output(1);
  constructor() {
    super();
    this.comb('wrapc', () => {
      this.wrap.v = this.count.v === 15;
    });
    this.seq('tick', () => {
      if (this.en.v) this.count.next = (this.count.v + 1) & 15;
    });
  }
}

class Swap extends Module {
  a = this.reg(8, 1);
  b = this.reg(8, 2);
  st = this.reg(St, St.LOAD);
  constructor() {
    super();
    this.seq(() => {
      this.a.next = this.b.v;
      this.b.next = this.a.v;
      this.st.next = this.st.v === St.DONE ? St.IDLE : this.st.v + 1;
    });
  }
}

// Three comb stages declared against the data flow: the schedule must still order them.
class Chain extends Module {
  x = this.input(8);
  c = this.output(8);
  b = this.wire(8);
  a = this.wire(8);
  constructor() {
    super();
    this.comb('third', () => {
      this.c.v = (this.b.v * 3) & 0xff;
    });
    this.comb('second', () => {
      this.b.v = this.a.v ^ 0x5a;
    });
    this.comb('first', () => {
      this.a.v = (this.x.v + 1) & 0xff;
    });
  }
}

describe.each(BACKENDS)('DSL semantics (%s)', (backend) => {
  it('registers start at their reset values, count, and reset() restores them', () => {
    const top = new Counter();
    const sim = new Simulator(top, { backend });
    expect(sim.peek(top.count)).toBe(9);
    sim.poke(top.en, 1);
    sim.run(6); // 9+6 = 15
    expect(sim.peek(top.count)).toBe(15);
    expect(sim.peek(top.wrap)).toBe(1);
    sim.step();
    expect(sim.peek(top.count)).toBe(0); // 4-bit wrap
    expect(sim.cycle).toBe(7);
    sim.reset();
    expect(sim.peek(top.count)).toBe(9);
    sim.poke(top.en, 0);
    sim.run(3);
    expect(sim.peek(top.count)).toBe(9);
  });

  it('registers update together at the edge (non-blocking), enums step through their values', () => {
    const top = new Swap();
    const sim = new Simulator(top, { backend });
    const seen: string[] = [];
    sim.onSettled(() => seen.push(`${sim.peek(top.a)}${sim.peek(top.b)}${St.names[sim.peek(top.st)]}`));
    sim.run(5);
    expect(seen).toEqual(['12LOAD', '21RUN', '12DONE', '21IDLE', '12LOAD']);
    const ts = sim.traceSource().signals.find((s) => s.path === 'top.st')!;
    expect(ts.enumNames).toEqual(['IDLE', 'LOAD', 'RUN', 'DONE', 'ERR']);
    expect(ts.width).toBe(3);
    expect(ts.kind).toBe('reg');
  });

  it('evaluates comb processes in data-flow order whatever the declaration order', () => {
    const top = new Chain();
    const sim = new Simulator(top, { backend });
    for (const x of [0, 7, 200, 255]) {
      sim.poke(top.x, x);
      const a = (x + 1) & 0xff;
      expect(sim.peek(top.c)).toBe(((a ^ 0x5a) * 3) & 0xff);
    }
    expect(sim.schedule()).toEqual(['top.first', 'top.second', 'top.third']);
  });

  it('settled hooks see the settled cycle before the edge, then tracers sample', () => {
    const top = new Counter();
    const sim = new Simulator(top, { backend });
    sim.poke(top.en, 1);
    const log: string[] = [];
    sim.onSettled((c) => log.push(`hook${c}:${sim.peek(top.count)}`));
    sim.attachTracer({ sample: (c) => log.push(`trace${c}:${sim.values[sim.traceSource().signals.find((s) => s.path === 'top.count')!.slot]}`) });
    sim.run(2);
    expect(log).toEqual(['hook0:9', 'trace0:9', 'hook1:10', 'trace1:10']);
  });
});

// ---- memories ----
class Ram extends Module {
  we = this.input(1);
  addr = this.input(3);
  wdata = this.input(16);
  be = this.input(2);
  rdata = this.output(16);
  mem = this.memory(16, 8, { init: [0x1111, 0x2222] });
  constructor() {
    super();
    this.comb('rd', () => {
      this.rdata.v = this.mem.read(this.addr.v);
    });
    this.seq('wr', () => {
      if (this.we.v) this.mem.write(this.addr.v, this.wdata.v, (this.be.v & 1 ? 0x00ff : 0) | (this.be.v & 2 ? 0xff00 : 0));
    });
  }
}

class TwoPort extends Module {
  mem = this.memory(8, 4, { writePorts: 2 });
  n = this.reg(2, 0);
  constructor() {
    super();
    this.seq(() => {
      this.n.next = (this.n.v + 1) & 3;
      this.mem.write(this.n.v, this.n.v + 10);
      this.mem.write((this.n.v + 2) & 3, this.n.v + 20);
    });
  }
}

describe.each(BACKENDS)('memories (%s)', (backend) => {
  it('reads see the start-of-cycle contents; writes land at the edge with bit masks', () => {
    const top = new Ram();
    const sim = new Simulator(top, { backend });
    sim.poke(top.addr, 1);
    expect(sim.peek(top.rdata)).toBe(0x2222);
    sim.poke(top.we, 1);
    sim.poke(top.wdata, 0xabcd);
    sim.poke(top.be, 1); // low byte only
    expect(sim.peek(top.rdata)).toBe(0x2222); // not yet written
    sim.step();
    expect(sim.peek(top.rdata)).toBe(0x22cd);
    sim.poke(top.be, 3);
    sim.poke(top.wdata, 0x1234);
    sim.step();
    sim.poke(top.we, 0);
    expect(sim.peek(top.rdata)).toBe(0x1234);
    sim.poke(top.addr, 0);
    expect(sim.peek(top.rdata)).toBe(0x1111);
    sim.reset(); // memories keep their contents
    sim.poke(top.addr, 1);
    expect(sim.peek(top.rdata)).toBe(0x1234);
    expect(top.mem.data[1]).toBe(0x1234);
  });

  it('accepts as many writes per cycle as write ports, applied in order', () => {
    const top = new TwoPort();
    const sim = new Simulator(top, { backend });
    sim.run(4);
    // Cycle n writes [n]=n+10 and [n+2 mod 4]=n+20; cycles 2 and 3 overwrite all four words last.
    expect([...top.mem.data]).toEqual([22, 23, 12, 13]);
  });
});

// ---- bundles ----
const Obi = defineBundle('obi', {
  req: out(1),
  gnt: inp(1),
  addr: out(8),
  we: out(1),
  wdata: out(16),
  rvalid: inp(1),
  rdata: inp(16),
});

class Master extends Module {
  bus = this.port(Obi);
  addr = this.reg(8, 0);
  got = this.reg(16, 0);
  constructor() {
    super();
    this.comb('drive', () => {
      this.bus.req.v = 1;
      this.bus.addr.v = this.addr.v;
      this.bus.we.v = 0;
      this.bus.wdata.v = 0;
    });
    this.seq('adv', () => {
      if (this.bus.gnt.v) this.addr.next = (this.addr.v + 1) & 0xff;
      if (this.bus.rvalid.v) this.got.next = this.bus.rdata.v;
    });
  }
}
class Slave extends Module {
  bus = this.flipped(Obi);
  pend = this.reg(1, 0);
  paddr = this.reg(8, 0);
  constructor() {
    super();
    this.comb('resp', () => {
      this.bus.gnt.v = this.bus.req.v;
      this.bus.rvalid.v = this.pend.v;
      this.bus.rdata.v = (this.paddr.v * 7) & 0xffff;
    });
    this.seq('acc', () => {
      this.pend.next = this.bus.req.v & this.bus.gnt.v;
      this.paddr.next = this.bus.addr.v;
    });
  }
}
class Sys extends Module {
  m = new Master();
  s = new Slave();
  constructor() {
    super();
    this.connect(this.m.bus, this.s.bus);
  }
}

describe.each(BACKENDS)('bundles (%s)', (backend) => {
  it('connects every field with one call; the flipped side sees the initiator outputs as inputs', () => {
    const top = new Sys();
    const sim = new Simulator(top, { backend });
    sim.run(5);
    // Address k is granted in cycle k; its data (7k) returns in cycle k+1 and is registered at its edge.
    expect(sim.peek(top.m.addr)).toBe(5);
    expect(sim.peek(top.m.got)).toBe(7 * 3);
    const ts = sim.traceSource().signals;
    const slot = (p: string): number => ts.find((s) => s.path === p)!.slot;
    expect(slot('top.m.bus_rdata')).toBe(slot('top.s.bus_rdata'));
    expect(slot('top.m.bus_req')).toBe(slot('top.s.bus_req'));
    expect(slot('top.m.bus_req')).not.toBe(slot('top.m.bus_gnt'));
    expect(top.s.bus.req.kind).toBe('input');
    expect(top.m.bus.req.kind).toBe('output');
  });
});

// ---- clock enables ----
let leafSeqCalls = 0;
class Leaf extends Module {
  n = this.reg(8, 5);
  mem = this.memory(8, 2);
  constructor() {
    super();
    this.seq(() => {
      leafSeqCalls++;
      this.n.next = (this.n.v + 1) & 0xff;
      this.mem.write(0, this.n.v);
    });
  }
}
class Mid extends Module {
  en2 = this.input(1);
  m = this.reg(8, 0);
  leaf = new Leaf();
  constructor() {
    super();
    this.clockGate(this.leaf, this.en2);
    this.seq(() => {
      this.m.next = (this.m.v + 1) & 0xff;
    });
  }
}
class Gated extends Module {
  en1 = this.input(1);
  en2 = this.input(1);
  free = this.reg(8, 0);
  mid = new Mid();
  constructor() {
    super();
    this.connect(this.en2, this.mid.en2);
    this.clockGate(this.mid, this.en1);
    this.seq(() => {
      this.free.next = (this.free.v + 1) & 0xff;
    });
  }
}

describe.each(BACKENDS)('clock enables (%s)', (backend) => {
  it('a gated subtree holds its registers and memories and its seq processes do not run', () => {
    const top = new Gated();
    const sim = new Simulator(top, { backend });
    leafSeqCalls = 0;
    sim.run(3); // both enables 0
    expect([sim.peek(top.free), sim.peek(top.mid.m), sim.peek(top.mid.leaf.n)]).toEqual([3, 0, 5]);
    expect(leafSeqCalls).toBe(0);
    expect(top.mid.leaf.mem.data[0]).toBe(0);
    sim.poke(top.en1, 1);
    sim.run(2); // mid runs, leaf still gated by en2
    expect([sim.peek(top.free), sim.peek(top.mid.m), sim.peek(top.mid.leaf.n)]).toEqual([5, 2, 5]);
    expect(leafSeqCalls).toBe(0);
    sim.poke(top.en2, 1);
    sim.run(2);
    expect([sim.peek(top.free), sim.peek(top.mid.m), sim.peek(top.mid.leaf.n)]).toEqual([7, 4, 7]);
    expect(leafSeqCalls).toBe(2);
    expect(top.mid.leaf.mem.data[0]).toBe(6);
    sim.poke(top.en1, 0); // the outer gate also stops the inner subtree
    sim.run(2);
    expect([sim.peek(top.free), sim.peek(top.mid.m), sim.peek(top.mid.leaf.n)]).toEqual([9, 4, 7]);
    expect(leafSeqCalls).toBe(2);
  });

  it('a register enable gates by its value before the edge, though the edge changes it; a wire enable nests inside', () => {
    // The top's registers commit before the gated children's, so a gate read after that commit would see the
    // enable's next value: `on` is 1 in cycles 0-2 and 5-6 (a 3-bit phase counter), and `sub` counts in them.
    class Sub extends Module {
      n = this.reg(8, 0);
      constructor() {
        super();
        this.seq(() => {
          this.n.next = (this.n.v + 1) & 0xff;
        });
      }
    }
    class Inner extends Module {
      sub = new Sub();
      odd = this.wire(1);
      k = this.reg(8, 0);
      constructor() {
        super();
        this.comb(() => {
          this.odd.v = this.k.v & 1;
        });
        this.clockGate(this.sub, this.odd);
        this.seq(() => {
          this.k.next = (this.k.v + 1) & 0xff;
        });
      }
    }
    class RegGated extends Module {
      phase = this.reg(3, 0);
      on = this.reg(1, 1);
      sub = new Sub();
      inner = new Inner();
      constructor() {
        super();
        this.seq(() => {
          const p = (this.phase.v + 1) & 7;
          this.phase.next = p;
          this.on.next = p <= 2 || p === 5 || p === 6 ? 1 : 0;
        });
        this.clockGate(this.sub, this.on);
        this.clockGate(this.inner, this.on);
      }
    }
    const top = new RegGated();
    const sim = new Simulator(top, { backend });
    const seen: number[][] = [];
    for (let t = 0; t < 16; t++) {
      seen.push([sim.peek(top.sub.n), sim.peek(top.inner.k), sim.peek(top.inner.sub.n)]);
      sim.step();
    }
    // Hand-computed: sub counts at the edges of cycles 0-2 and 5-6 of each 8; inner.k likewise; inner.sub counts at
    // those edges where inner.k is odd.
    let n = 0;
    let k = 0;
    let m = 0;
    const want: number[][] = [];
    for (let t = 0; t < 16; t++) {
      want.push([n, k, m]);
      const ph = t & 7;
      if (ph <= 2 || ph === 5 || ph === 6) {
        if (k & 1) m++;
        n++;
        k++;
      }
    }
    expect(seen).toEqual(want);
  });
});

// ---- ties, probes, pokes ----
class Adder extends Module {
  a = this.input(8);
  b = this.input(8);
  s = this.output(9);
  constructor() {
    super();
    this.comb(() => {
      this.s.v = this.a.v + this.b.v;
    });
  }
}
class Tied extends Module {
  x = this.input(8);
  y = this.output(9);
  adder = new Adder();
  constructor() {
    super();
    this.connect(this.x, this.adder.a);
    this.tie(this.adder.b, 100);
    this.connect(this.adder.s, this.y);
    this.probe('note', () => `y=${this.y.v}`);
  }
}

describe.each(BACKENDS)('ties, probes, poke/peek (%s)', (backend) => {
  it('drives tied inputs with their constant and exposes probes as trace strings', () => {
    const top = new Tied();
    const sim = new Simulator(top, { backend });
    sim.poke(top.x, 200);
    expect(sim.peek(top.y)).toBe(300);
    const probe = sim.traceSource().strings!.find((p) => p.path === 'top.note')!;
    expect(probe.get()).toBe('y=300');
  });

  it('rejects pokes of non-inputs and values that do not fit, naming the signal', () => {
    const top = new Tied();
    const sim = new Simulator(top, { backend });
    expect(() => sim.poke(top.adder.b, 1)).toThrow(/'top\.adder\.b' is not an input of the top module/);
    expect(() => sim.poke(top.x, 256)).toThrow(/256 does not fit in 'top\.x' \(8 bit/);
    expect(() => sim.peek(new Adder().s)).toThrow(SimulationError);
    expect(sim.signal('top.adder.s')).toBe(top.adder.s);
  });
});
