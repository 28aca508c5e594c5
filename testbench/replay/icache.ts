// Replay adapter of the shared instruction cache (rtl/cluster/icache.ts) for the RTL vectors in
// testbench/fixtures/timing/cluster/icache/: the file's signal names mapped onto the model's ports, the recorded
// internal registers onto the model's state registers.
import { Icache } from '../../rtl/cluster/icache.ts';
import type { ReplayAdapter, ReplayBinding } from './adapter.ts';
import { Fields, ScenarioError, parseChangeListScenario, type Scenario } from './scenario.ts';

/** The refill latency the scenario's memory used (params.refill_latency). */
export function icacheRefillLatency(s: Scenario): number {
  const params = new Fields(s.file, '', s.json).record('params');
  return params.int('refill_latency', 1, 1000);
}

/** The model and its mapping table for a scenario (also used by the tests, which add their own checks). */
export function bindIcache(s: Scenario): ReplayBinding & { top: Icache } {
  const top = new Icache({ config: { refillLatency: icacheRefillLatency(s) } });
  return {
    top,
    inputs: {
      req: top.fetch_req,
      addr: top.fetch_addr,
      ctl_req: [top.ctl_req],
      ctl_add: [top.ctl_add],
      ctl_wen: [top.ctl_wen],
      ctl_wdata: [top.ctl_wdata],
      ar_ready: [top.ar_ready],
      r_valid: [top.r_valid],
      r_id: [top.r_id],
      r_data: [top.r_data],
      r_last: [top.r_last],
      r_resp: [top.r_resp],
    },
    outputs: {
      gnt: top.fetch_gnt,
      r_valid: top.fetch_rvalid,
      r_rdata: top.fetch_rdata,
      ar_valid: [top.ar_valid],
      ar_addr: [top.ar_addr],
      ar_id: [top.ar_id],
      ar_len: [top.ar_len],
      ar_size: [top.ar_size],
      ar_burst: [top.ar_burst],
      r_ready: [top.r_ready],
      ctl_gnt: [top.ctl_gnt],
      ctl_r_valid: [top.ctl_r_valid],
      ctl_r_rdata: [top.ctl_r_rdata],
    },
    internal: {
      bank_state: top.banks.map((b) => b.state),
      main_state: [top.central.state],
      cam_valid: [top.central.camValid],
      bypass_req: [top.ctrl.bypass_req],
      flush_req: [top.ctrl.flush_req],
      sel_flush_req: [top.ctrl.sel_flush_req],
      bypass_ack: [top.bypass_ack],
      flush_ack: [top.central.flush_ack],
      lfsr: top.banks.map((b) => b.lfsr),
    },
  };
}

export const icacheAdapter: ReplayAdapter = {
  name: 'icache',
  summary: 'shared instruction cache icache_mp_128_pf: 8 fetch ports, control unit, AXI refill port',
  parse(json: unknown, file: string): Scenario {
    const s = parseChangeListScenario(json, file);
    icacheRefillLatency(s);
    const req = s.stimulus.get('req');
    if (req !== undefined && req.ports !== 8) throw new ScenarioError(`${file}: stimulus.req: the cache has 8 fetch ports, the file gives ${req.ports}`);
    return s;
  },
  bind: bindIcache,
};
