// The memory of the single-core test system (testbench/fixtures/timing/README.md "The system the programs were
// measured in"): flat little-endian RAM regions of the config's memory map behind an instruction port and a
// data port. Per port: `gnt` is high when `req` has been high, not yet granted, for G earlier cycles of the same
// pending request (G = 0: combinational; an address change while waiting does not restart the count); memory is
// read and written in the grant cycle; `rvalid`/`rdata` come R cycles after the grant, in order.
import { Module, type Memory, type Reg } from '../../sim/index.ts';
import type { MemRegion, PortTiming } from '../../rtl/config/index.ts';
import { Obi } from '../../rtl/core/core.ts';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0');

export interface MemoryFault {
  port: 'instr' | 'data';
  addr: number;
  write: boolean;
  cycle: number;
}

class Port {
  wait: Reg;
  valid: Reg[] = [];
  data: Reg[] = [];
  /** The first stage of the delay line (assigned in the grant cycle) and the last (driving the port). */
  readonly valid0: Reg;
  readonly data0: Reg;
  readonly validOut: Reg;
  readonly dataOut: Reg;
  /** Region of the last granted access (where the next one is looked for first). */
  region = 0;
  constructor(
    readonly name: 'instr' | 'data',
    readonly timing: PortTiming,
    mk: (w: number, n: string) => Reg,
  ) {
    this.wait = mk(8, `${name}_wait`);
    for (let k = 0; k < timing.responseDelay; k++) {
      this.valid.push(mk(1, `${name}_rvalid_q${k}`));
      this.data.push(mk(32, `${name}_rdata_q${k}`));
    }
    this.valid0 = this.valid[0]!;
    this.data0 = this.data[0]!;
    this.validOut = this.valid[timing.responseDelay - 1]!;
    this.dataOut = this.data[timing.responseDelay - 1]!;
  }
}

export class SystemMemory extends Module {
  instr = this.flipped(Obi, 'instr');
  data = this.flipped(Obi, 'data');
  readonly mems: Memory[] = [];
  private readonly bases: number[];
  private readonly sizes: number[];
  private readonly ip: Port;
  private readonly dp: Port;
  /** First access outside every RAM region (the run stops with a model error). */
  fault: MemoryFault | null = null;
  private cycle = 0;

  constructor(
    readonly regions: MemRegion[],
    imem: PortTiming,
    dmem: PortTiming,
  ) {
    super();
    for (const [name, t] of [
      ['imem', imem],
      ['dmem', dmem],
    ] as const) {
      if (!Number.isInteger(t.grantDelay) || t.grantDelay < 0 || t.grantDelay > 200) {
        throw new RangeError(`${name}: grant delay G must be an integer 0..200, got ${t.grantDelay}`);
      }
      if (!Number.isInteger(t.responseDelay) || t.responseDelay < 1 || t.responseDelay > 16) {
        throw new RangeError(`${name}: response delay R must be an integer 1..16, got ${t.responseDelay}`);
      }
    }
    const rams = regions.filter((r) => r.kind === 'ram' || r.kind === 'rom');
    this.bases = rams.map((r) => r.base >>> 0);
    this.sizes = rams.map((r) => r.size >>> 0);
    rams.forEach((r) => this.mems.push(this.memory(32, Math.ceil(r.size / 4), {}, r.name)));
    const mk = (w: number, n: string): Reg => this.reg(w, 0, n);
    this.ip = new Port('instr', imem, mk);
    this.dp = new Port('data', dmem, mk);
    this.comb('instr_grant', () => {
      this.instr.gnt.v = this.instr.req.v && this.ip.wait.v >= imem.grantDelay ? 1 : 0;
    });
    this.comb('data_grant', () => {
      this.data.gnt.v = this.data.req.v && this.dp.wait.v >= dmem.grantDelay ? 1 : 0;
    });
    // the responses are the last stage of each port's delay line: the registers drive the ports directly
    this.connect(this.ip.validOut, this.instr.rvalid);
    this.connect(this.ip.dataOut, this.instr.rdata);
    this.connect(this.dp.validOut, this.data.rvalid);
    this.connect(this.dp.dataOut, this.data.rdata);
    this.seq('ports', () => {
      this.portSeq(this.ip, this.instr.req.v, this.instr.gnt.v, this.instr.addr.v, 0, 0, 0);
      this.portSeq(this.dp, this.data.req.v, this.data.gnt.v, this.data.addr.v, this.data.we.v, this.data.be.v, this.data.wdata.v);
      this.cycle++;
    });
  }

  private readonly portSeq = (p: Port, req: number, gnt: number, addr: number, we: number, be: number, wdata: number): void => {
    // G = 0: gnt = req, so a request never waits and the counter stays 0.
    if (p.timing.grantDelay !== 0) {
      const wait = p.wait.v;
      const waitNext = req && !gnt ? Math.min(wait + 1, 255) : 0;
      if (waitNext !== wait) p.wait.next = waitNext;
    }
    if (p.timing.responseDelay > 1) {
      for (let k = p.valid.length - 1; k > 0; k--) {
        p.valid[k]!.next = p.valid[k - 1]!.v;
        p.data[k]!.next = p.data[k - 1]!.v;
      }
    }
    p.valid0.next = gnt;
    if (!gnt) {
      p.data0.next = 0;
      return;
    }
    const a = addr >>> 0;
    // the region of the previous access first: a port mostly stays in one region
    let m = p.region;
    if (((a - this.bases[m]!) >>> 0) >= this.sizes[m]!) {
      m = -1;
      for (let k = 0; k < this.bases.length; k++) {
        const off = (a - this.bases[k]!) >>> 0;
        if (off < this.sizes[k]!) {
          m = k;
          break;
        }
      }
    }
    if (m < 0) {
      this.fault ??= { port: p.name, addr: a, write: we === 1, cycle: this.cycle };
      p.data0.next = 0;
      return;
    }
    p.region = m;
    const mem = this.mems[m]!;
    const idx = ((a - this.bases[m]!) >>> 0) >>> 2;
    p.data0.next = mem.read(idx);
    if (we) {
      const mask = ((be & 1 ? 0xff : 0) | (be & 2 ? 0xff00 : 0) | (be & 4 ? 0xff0000 : 0) | (be & 8 ? 0xff000000 : 0)) >>> 0;
      mem.write(idx, wdata, mask);
    }
  };

  /** Clears what the elaboration's trial runs left behind. */
  clearFault(): void {
    this.fault = null;
    this.cycle = 0;
  }

  describeFault(): string {
    const f = this.fault;
    if (!f) return '';
    return `${f.port} port: ${f.write ? 'store to' : f.port === 'instr' ? 'fetch from' : 'load from'} unmapped address ${hex(f.addr)} in cycle ${f.cycle}`;
  }

  private locate(addr: number): { mem: Memory; idx: number } | undefined {
    const a = addr >>> 0;
    for (let k = 0; k < this.bases.length; k++) {
      const off = (a - this.bases[k]!) >>> 0;
      if (off < this.sizes[k]!) return { mem: this.mems[k]!, idx: off >>> 2 };
    }
    return undefined;
  }

  /** Backdoor word read (no cycle). */
  peekWord(addr: number): number {
    const l = this.locate(addr);
    if (!l) throw new RangeError(`memory read: address ${hex(addr)} is outside every RAM region`);
    return l.mem.data[l.idx]! >>> 0;
  }

  /** Backdoor byte writes (program loading). */
  writeBytes(addr: number, bytes: Uint8Array): void {
    for (let k = 0; k < bytes.length; k++) {
      const a = (addr + k) >>> 0;
      const l = this.locate(a);
      if (!l) throw new RangeError(`memory write: address ${hex(a)} is outside every RAM region`);
      const sh = (a & 3) * 8;
      l.mem.data[l.idx] = ((l.mem.data[l.idx]! & ~(0xff << sh)) | (bytes[k]! << sh)) >>> 0;
    }
  }

  pokeWord(addr: number, value: number): void {
    const l = this.locate(addr);
    if (!l) throw new RangeError(`memory write: address ${hex(addr)} is outside every RAM region`);
    l.mem.data[l.idx] = value >>> 0;
  }
}

