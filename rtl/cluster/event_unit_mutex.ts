// The hardware mutex (event_unit_flex pulp-v1.0 `hw_mutex_unit`). A lock request (a core unit's sleep read of
// the mutex register) on a free mutex, or an unlock with requests waiting, hands the mutex to the lowest waiting
// core id and sends it the mutex event in that same cycle; the unlock's write data becomes the message every
// later lock read returns.
import { Module, defineEnum, type Input, type Output, type Reg } from '../../sim/index.ts';

export const MutexState = defineEnum('MutexState', ['UNLOCKED', 'LOCKED']);

/** ff1_loop: index of the lowest set bit, 0 if none. */
const lowest = (v: number): number => (v === 0 ? 0 : 31 - Math.clz32(v & -v));

export class HwMutexUnit extends Module {
  lock_req: Input;
  unlock_req: Input;
  mutex_msg_wdata = this.input(32);
  mutex_msg_rdata = this.output(32);
  mutex_event: Output;

  mutex_cs = this.reg(MutexState, MutexState.UNLOCKED);
  mutex_msg = this.reg(32, 0);
  req_mask: Reg;

  constructor(nbCores: number) {
    super();
    this.lock_req = this.input(nbCores);
    this.unlock_req = this.input(nbCores);
    this.mutex_event = this.output(nbCores);
    this.req_mask = this.reg(nbCores, 0);

    /** Who gets the mutex this cycle (one-hot), 0 if nobody. */
    const handOver = (cs: number, lock: number, unlock: number, waiting: number): number => {
      const cand = waiting | lock;
      if (cs === MutexState.UNLOCKED) return lock !== 0 ? 1 << lowest(cand) : 0;
      return unlock !== 0 && cand !== 0 ? 1 << lowest(cand) : 0;
    };

    this.comb('msg', () => {
      this.mutex_msg_rdata.v = this.mutex_msg.v;
    });
    this.comb('event', () => {
      const cs = this.mutex_cs.v;
      const lock = this.lock_req.v;
      const unlock = this.unlock_req.v;
      const waiting = this.req_mask.v;
      this.mutex_event.v = handOver(cs, lock, unlock, waiting);
    });
    this.seq('regs', () => {
      const cs = this.mutex_cs.v;
      const lock = this.lock_req.v;
      const unlock = this.unlock_req.v;
      const waiting = this.req_mask.v;
      const wdata = this.mutex_msg_wdata.v;
      const given = handOver(cs, lock, unlock, waiting);
      this.req_mask.next = (waiting | lock) & ~given;
      if (unlock !== 0) this.mutex_msg.next = wdata;
      if (cs === MutexState.UNLOCKED && lock !== 0) this.mutex_cs.next = MutexState.LOCKED;
      else if (cs === MutexState.LOCKED && unlock !== 0 && (waiting | lock) === 0) this.mutex_cs.next = MutexState.UNLOCKED;
    }, { stable: true });
  }
}
