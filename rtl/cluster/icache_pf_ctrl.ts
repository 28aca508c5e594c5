// The software prefetcher's private controller (icache_bank_mp_PF), as far as the cache's mode switches see it: it
// never issues a prefetch here (PF_ADDR writes are not modelled beyond the control unit's acknowledgement), but its
// bypass status is bit 8 of the control unit's bypass_ack and part of every ENTER_BYPASS wait.
import { Module } from '../../sim/index.ts';
import { BankState } from './icache_private_ctrl.ts';

export class IcachePfCtrl extends Module {
  readonly bypass_req = this.input(1);
  readonly empty_fifo = this.input(1);
  readonly is_bypassed = this.output(1);
  readonly state = this.reg(BankState, BankState.DISABLED_ICACHE);

  constructor() {
    super();
    this.comb('status', () => {
      const st = this.state.v;
      this.is_bypassed.v = st === BankState.DISABLED_ICACHE || st === BankState.WAIT_EMPTY_FIFOS;
    });
    this.seq('update', () => {
      const st = this.state.v;
      if (st === BankState.DISABLED_ICACHE) {
        if (!this.bypass_req.v) this.state.next = BankState.WAIT_EMPTY_FIFOS;
      } else if (st === BankState.WAIT_EMPTY_FIFOS) {
        if (this.empty_fifo.v) this.state.next = BankState.OPERATIVE;
      } else if (st === BankState.OPERATIVE) {
        // No prefetch is ever pending, so a bypass request disables it at once.
        if (this.bypass_req.v) this.state.next = BankState.DISABLED_ICACHE;
      } else {
        this.state.next = BankState.DISABLED_ICACHE;
      }
    }, { stable: true });
  }
}
