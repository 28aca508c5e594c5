// One hardware barrier (event_unit_flex pulp-v1.0 `hw_barrier_unit`), as seen from the cores' demux ports.
// STATUS accumulates arrivals (TRIGGER writes of any core, and TRIGGER_WAIT(_CLEAR) reads reported by the cores'
// units); it is compared with TRIGGER_MASK from the registers, so an arrival is seen one cycle after it is
// applied; in the matched cycle the barrier event goes to the TARGET_MASK cores and STATUS is cleared
// unconditionally (an arrival applied in that cycle is lost). Offsets: +0x00 TRIGGER_MASK, +0x04 STATUS,
// +0x0C TARGET_MASK, +0x10 TRIGGER; +0x08 and +0x14 are not decoded. `gnt` is always 1 and a response always
// follows (the interface mux answers for it); reads return the register selected one cycle earlier.
import { Module, type Input, type Output, type Reg } from '../../sim/index.ts';

export class HwBarrierUnit extends Module {
  /** Bit k: core k's demux access is addressed to this barrier (other than TRIGGER_WAIT(_CLEAR)). One vector, so
   *  the idle cycles of a barrier (nearly all) cost one read. */
  req: Input;
  add: Input[] = [];
  wen: Input[] = [];
  wdata: Input[] = [];
  /** Arrivals reported by the cores' units (sleep reads of TRIGGER_WAIT(_CLEAR)). */
  barrier_trigger_core: Input;
  /** Cores the barrier event goes to this cycle. */
  barrier_events: Output;
  /** The registers may change at this edge (an access, an arrival, a match): the barrier's clock enable. Idle
   *  (nearly every cycle), every register holds, so gating its clock changes no value. */
  clk_en = this.output(1);

  trigger_mask: Reg;
  target_mask: Reg;
  trigger_status: Reg;
  /** Bits 2k+1..2k: which register core k's last read selected (1 TRIGGER_MASK, 2 STATUS, 3 TARGET_MASK, 0 none).
   *  The read data itself is muxed by the event unit's response mux (`readData`) for the one core it answers, so
   *  no per-core data word is driven every cycle. */
  read_sel: Reg;

  constructor(nbCores: number) {
    super();
    const mask = nbCores === 32 ? 0xffffffff : (1 << nbCores) - 1;
    this.req = this.input(nbCores);
    for (let k = 0; k < nbCores; k++) {
      this.add.push(this.input(32));
      this.wen.push(this.input(1));
      this.wdata.push(this.input(32));
    }
    this.read_sel = this.reg(2 * nbCores, 0);
    this.barrier_trigger_core = this.input(nbCores);
    this.barrier_events = this.output(nbCores);
    this.trigger_mask = this.reg(nbCores, 0);
    this.target_mask = this.reg(nbCores, 0);
    this.trigger_status = this.reg(nbCores, 0);

    this.comb('outputs', () => {
      const tm = this.trigger_mask.v;
      const st = this.trigger_status.v;
      const tg = this.target_mask.v;
      this.barrier_events.v = tm !== 0 && st === tm ? tg : 0;
    });

    // Every input read unconditionally: a short-circuit would hide reads from the learned read set.
    this.comb('clk_en_p', () => {
      const tm = this.trigger_mask.v;
      const st = this.trigger_status.v;
      const busy = this.req.v | this.barrier_trigger_core.v;
      this.clk_en.v = busy !== 0 || (tm !== 0 && st === tm);
    });

    this.seq('regs', () => {
      const tm = this.trigger_mask.v;
      const st = this.trigger_status.v;
      const reqs = this.req.v;
      let trig = this.barrier_trigger_core.v;
      if (reqs !== 0) {
        let newTm = -1;
        let newTg = -1;
        let sels = 0;
        for (let m = reqs; m !== 0; m &= m - 1) {
          const k = 31 - Math.clz32(m & -m);
          let sel = 0;
          const a = (this.add[k]!.v >>> 2) & 7;
          const wd = this.wdata[k]!.v & mask;
          if (this.wen[k]!.v) sel = a === 0 ? 1 : a === 1 ? 2 : a === 3 ? 3 : 0;
          else if (a === 0) newTm = (newTm < 0 ? 0 : newTm) | wd;
          else if (a === 3) newTg = (newTg < 0 ? 0 : newTg) | wd;
          else if (a === 4) trig |= wd;
          sels |= sel << (2 * k);
        }
        // A request cycle reloads every core's selection (0 for the cores not reading this barrier).
        this.read_sel.next = sels >>> 0;
        // Several cores writing a mask in one cycle: the RTL ORs their data.
        if (newTm >= 0) this.trigger_mask.next = newTm;
        if (newTg >= 0) this.target_mask.next = newTg;
      }
      const matched = tm !== 0 && st === tm;
      if (matched) this.trigger_status.next = 0;
      else if (trig !== 0) this.trigger_status.next = st | trig;
    }, { reads: [...this.add, ...this.wen, ...this.wdata], stable: true });
  }

  /** Core k's read data: the register its last read selected, as it is now (hw_barrier_unit's read mux). */
  readData(k: number): number {
    const sel = (this.read_sel.v >>> (2 * k)) & 3;
    return sel === 1 ? this.trigger_mask.v : sel === 2 ? this.trigger_status.v : sel === 3 ? this.target_mask.v : 0;
  }
}
