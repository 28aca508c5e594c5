// Replay of the event unit vectors (testbench/fixtures/timing/cluster/event_unit/README.md): change lists per
// core; the internal registers the RTL run recorded (FSM, buffers, masks, barrier status, mutex) are checked too.
import { gap8Cluster, type ClusterConfig } from '../../../rtl/config/index.ts';
import { EventUnit } from '../../../rtl/cluster/event_unit.ts';
import type { ReplayAdapter, ReplayBinding } from '../adapter.ts';
import { Fields, parseChangeListScenario, type Scenario } from '../scenario.ts';

function clusterOf(s: Scenario): ClusterConfig {
  const f = new Fields(s.file, '', s.json);
  const c: ClusterConfig = structuredClone(gap8Cluster);
  if (!f.has('params')) return c;
  const p = f.record('params');
  if (!p.has('eu_params')) return c;
  const e = p.record('eu_params');
  if (e.has('NB_CORES')) c.cores = e.int('NB_CORES', 1, 16);
  if (e.has('NB_SW_EVT')) c.eventUnit.swEvents = e.int('NB_SW_EVT', 1, 8);
  if (e.has('NB_BARR')) c.eventUnit.barriers = e.int('NB_BARR', 1, 16);
  if (e.has('DISP_FIFO_DEPTH')) c.eventUnit.dispatchDepth = e.int('DISP_FIFO_DEPTH', 1, 256);
  if (e.has('NB_HW_MUT') && e.int('NB_HW_MUT', 0, 16) !== 1) e.fail('NB_HW_MUT', 'the model has exactly one hardware mutex (pulp_cluster)');
  if (e.has('MUTEX_MSG_W') && e.int('MUTEX_MSG_W', 1, 32) !== 32) e.fail('MUTEX_MSG_W', 'the model has 32-bit mutex messages');
  return c;
}

function bind(s: Scenario): ReplayBinding {
  const top = new EventUnit(clusterOf(s));
  return {
    top,
    inputs: {
      req: top.req,
      add: top.add,
      wen: top.wen,
      wdata: top.wdata,
      be: top.be,
      core_busy: top.core_busy,
      irq_ack: top.irq_ack,
      irq_ack_id: top.irq_ack_id,
      acc_events: top.acc_events,
      dma_events: top.dma_events,
      timer_events: top.timer_events,
      cluster_events: top.cluster_events,
    },
    optionalInputs: ['acc_events', 'dma_events', 'timer_events', 'cluster_events'],
    outputs: {
      gnt: top.gnt,
      r_valid: top.r_valid,
      r_rdata: top.r_rdata,
      clock_en: top.clock_en,
      irq_req: top.irq_req,
      irq_id: top.irq_id,
    },
    internal: {
      fsm: top.cores.map((c) => c.core_clock_cs),
      event_buffer: top.cores.map((c) => c.event_buffer),
      event_mask: top.cores.map((c) => c.event_mask),
      irq_mask: top.cores.map((c) => c.irq_mask),
      barrier_status: top.barriers.map((b) => b.trigger_status),
      mutex_req_mask: [top.mutex.req_mask],
      mutex_locked: [top.mutex.mutex_cs],
      mutex_msg: [top.mutex.mutex_msg],
    },
  };
}

export const eventUnitAdapter: ReplayAdapter = {
  name: 'event_unit',
  summary: 'cluster event unit (event_unit_flex pulp-v1.0 in pulp_cluster 9fd9c3e)',
  parse: parseChangeListScenario,
  bind,
};
