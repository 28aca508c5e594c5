// The dispatch FIFO (event_unit_flex pulp-v1.0 `hw_dispatch`): a push stores a value with the current TEAM_CONFIG
// as the set of cores that may pop it; every core has its own read pointer. A waiting pop whose entry is for
// this core raises the dispatch event; otherwise the pointer moves one entry per cycle towards the write
// pointer. The pop is acknowledged by the core unit when it grants the read; the pointer advances one cycle
// after. No overflow protection (as in the RTL).
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';

export class HwDispatch extends Module {
  pop_req: Input;
  pop_ack: Input;
  w_req: Input;
  /** Per core: the demux port's write data and address (bits 3:2 select the register), used with `w_req`. */
  w_data: Input[] = [];
  w_add: Input[] = [];
  dispatch_value: Output[] = [];
  dispatch_event: Output;

  fifo: Reg[] = [];
  /** Per entry: the cores that may still pop it. */
  core_set_stat: Reg[] = [];
  core_set_conf: Reg;
  req_in_progr: Reg;
  incr_rptr_del: Reg;
  read_ptr: Reg[] = [];
  write_ptr: Reg;

  constructor(nbCores: number, depth: number) {
    super();
    const ptrBits = Math.max(1, Math.log2(depth));
    const coreMask = nbCores === 32 ? 0xffffffff : (1 << nbCores) - 1;
    this.pop_req = this.input(nbCores);
    this.pop_ack = this.input(nbCores);
    this.w_req = this.input(nbCores);
    this.dispatch_event = this.output(nbCores);
    this.core_set_conf = this.reg(nbCores, 0);
    this.req_in_progr = this.reg(nbCores, 0);
    this.incr_rptr_del = this.reg(nbCores, 0);
    this.write_ptr = this.reg(ptrBits, 0);
    for (let k = 0; k < nbCores; k++) {
      this.w_data.push(this.input(32));
      this.w_add.push(this.input(32));
      this.dispatch_value.push(this.output(32));
      this.read_ptr.push(this.reg(ptrBits, 0));
    }
    for (let e = 0; e < depth; e++) {
      this.fifo.push(this.reg(32, 0));
      this.core_set_stat.push(this.reg(nbCores, 0));
    }

    this.comb('value', () => {
      for (let k = 0; k < nbCores; k++) {
        const rp = this.read_ptr[k]!.v;
        this.dispatch_value[k]!.v = this.fifo[rp]!.v;
      }
    }, { reads: this.fifo });

    this.comb('event', () => {
      const pop = this.pop_req.v;
      const inProg = this.req_in_progr.v;
      let ev = 0;
      for (let k = 0; k < nbCores; k++) {
        const rp = this.read_ptr[k]!.v;
        const stat = this.core_set_stat[rp]!.v;
        if ((((pop | inProg) >>> k) & 1) === 1 && ((stat >>> k) & 1) === 1) ev |= 1 << k;
      }
      this.dispatch_event.v = ev;
    }, { reads: this.core_set_stat });

    const clr = new Uint32Array(depth);
    this.seq('regs', () => {
      const pop = this.pop_req.v;
      const ack = this.pop_ack.v;
      const wreq = this.w_req.v;
      const inProg = this.req_in_progr.v;
      const incr = this.incr_rptr_del.v;
      const wp = this.write_ptr.v;
      // No pop requested or in progress, no pointer to move, no write: every register holds (most cycles).
      if ((pop | inProg | incr | wreq) === 0) return;
      const conf = this.core_set_conf.v;
      let nextInProg = 0;
      let nextIncr = 0;
      clr.fill(0);
      for (let k = 0; k < nbCores; k++) {
        const rp = this.read_ptr[k]!.v;
        const stat = this.core_set_stat[rp]!.v;
        let inp = (inProg >>> k) & 1;
        let rpn = rp;
        if ((((pop | inProg) >>> k) & 1) === 1) {
          inp = 1;
          if (((stat >>> k) & 1) === 0 && rp !== wp) rpn = (rp + 1) % depth;
        }
        if (((inProg & ack) >>> k) & 1) {
          inp = 0;
          nextIncr |= 1 << k;
          clr[rp] = clr[rp]! | (1 << k);
        }
        if ((incr >>> k) & 1) rpn = (rp + 1) % depth;
        nextInProg |= inp << k;
        this.read_ptr[k]!.next = rpn;
      }
      this.req_in_progr.next = nextInProg;
      this.incr_rptr_del.next = nextIncr;
      // Pushes (reg_sel 0) and TEAM_CONFIG writes (reg_sel 1) of several cores in one cycle OR their data.
      let push = false;
      let pushData = 0;
      let cfg = false;
      let cfgData = 0;
      for (let k = 0; k < nbCores; k++) {
        if (((wreq >>> k) & 1) === 0) continue;
        const sel = (this.w_add[k]!.v >>> 2) & 3;
        const d = this.w_data[k]!.v;
        if (sel === 0) {
          push = true;
          pushData |= d;
        } else if (sel === 1) {
          cfg = true;
          cfgData |= d;
        }
      }
      for (let e = 0; e < depth; e++) {
        let st = this.core_set_stat[e]!.v & ~clr[e]!;
        if (push && e === wp) {
          st = conf;
          this.fifo[e]!.next = pushData;
        }
        this.core_set_stat[e]!.next = st & coreMask;
      }
      if (push) this.write_ptr.next = (wp + 1) % depth;
      if (cfg) this.core_set_conf.next = cfgData & coreMask;
      // The cores' demux address and data move with their every TCDM access; only a write here makes them matter.
    }, { reads: this.read_ptr, stable: true, guarded: [{ reads: [...this.w_add, ...this.w_data], when: [this.w_req] }] });
  }
}
