// GTKWave group layouts for the systems the testbench builds: per core its pipeline as the RTL names it (fetch,
// decode, execute, LSU, stalls, hardware loops) with the monitors' probes (function, kernel phase, cycle class,
// branch outcome) on top; for the cluster also the TCDM interconnect and the event unit. Entries the design does
// not have (another core version, another IF stage) are dropped, so one layout serves every configuration.
import type { GtkwGroup } from './gtkw.ts';
import type { TraceSource } from './trace_source.ts';

function known(source: TraceSource): Set<string> {
  return new Set([...source.signals.map((s) => s.path), ...(source.strings ?? []).map((s) => s.path)]);
}

function group(have: Set<string>, name: string, signals: readonly string[], closed = false): GtkwGroup | null {
  const s = signals.filter((p) => have.has(p));
  return s.length === 0 ? null : { name, signals: s, closed };
}

/**
 * The groups of one core whose hierarchical name is `core` (e.g. 'top.core', 'top.regions_0.core');
 * `region` is the cluster's core region around it (clock gate, busy), when there is one.
 */
export function coreGroups(source: TraceSource, core: string, label: string, region?: string): GtkwGroup[] {
  const have = known(source);
  const c = (p: string): string => `${core}.${p}`;
  const out = [
    // What a user looks at first: where the core is, what it runs in ID and EX, and why a cycle is lost.
    group(have, `${label} monitor`, [
      c('monitor.function'),
      c('monitor.phase'),
      c('instr_id_asm'),
      c('instr_ex_asm'),
      c('monitor.stall'),
      c('monitor.branch'),
      c('ex_stage.branch_taken_ex'),
    ]),
    group(have, `${label} fetch`, [
      c('if_stage.pc_if'),
      c('instr_if'),
      c('if_stage.fetch_valid'),
      c('if_stage.perf_imiss'),
      c('instr_req'),
      c('instr_addr'),
      c('instr_gnt'),
      c('instr_rvalid'),
      c('if_stage.prefetch.cs'),
      c('if_stage.prefetch.l0.cs'),
    ]),
    group(have, `${label} decode`, [
      c('if_stage.pc_id'),
      c('instr_id_asm'),
      c('if_stage.instr_valid_id'),
      c('controller.ctrl_fsm_cs'),
      c('controller.is_decoding'),
      c('id_stage.id_ready'),
      c('id_stage.id_valid'),
      c('controller.pc_set'),
      c('controller.pc_mux'),
    ]),
    group(have, `${label} execute`, [
      c('ex_stage.pc_ex'),
      c('instr_ex_asm'),
      c('ex_stage.valid_ex'),
      c('ex_stage.branch_in_ex'),
      c('ex_stage.branch_decision'),
      c('ex_stage.branch_taken_ex'),
      c('ex_stage.branch_target_ex'),
      c('ex_stage.alu_ready'),
      c('ex_stage.mult_ready'),
      c('ex_stage.ex_ready'),
      c('ex_stage.mulh_cs'),
      c('ex_stage.div_cs'),
    ]),
    group(have, `${label} LSU`, [
      c('data_req'),
      c('data_addr'),
      c('data_we'),
      c('data_gnt'),
      c('data_rvalid'),
      c('data_rdata'),
      c('load_store_unit.lsu_cs'),
      c('load_store_unit.lsu_ready_ex'),
      c('load_store_unit.lsu_ready_wb'),
      c('load_store_unit.data_misaligned'),
    ]),
    group(have, `${label} stalls`, [
      c('controller.stall_cause'),
      c('controller.load_stall'),
      c('controller.jr_stall'),
      c('controller.halt_if'),
      c('controller.halt_id'),
      c('controller.deassert_we'),
      c('controller.perf_pipeline_stall'),
      ...(region ? [`${region}.clk_en`, `${region}.core_busy`, `${region}.eu_clock_en`] : []),
    ]),
    group(
      have,
      `${label} hardware loops`,
      [
        c('hwloop_regs.hwlp_start0'),
        c('hwloop_regs.hwlp_end0'),
        c('hwloop_regs.hwlp_counter0'),
        c('hwloop_regs.hwlp_start1'),
        c('hwloop_regs.hwlp_end1'),
        c('hwloop_regs.hwlp_counter1'),
        c('if_stage.hwlp_jump'),
        c('if_stage.is_hwlp_id'),
      ],
      true,
    ),
  ];
  return out.filter((g): g is GtkwGroup => g !== null);
}

/** The single-core test system (testbench/system): core 'top.core'. */
export function systemLayout(source: TraceSource): GtkwGroup[] {
  return coreGroups(source, 'top.core', 'core');
}

/**
 * The cluster: the full groups of the cores in `detailed` (default core 0), every core's monitor probes in one
 * group, the TCDM interconnect's core ports and the event unit's per-core sleep state, barrier and dispatch.
 */
export function clusterLayout(source: TraceSource, cores: number, detailed: readonly number[] = [0]): GtkwGroup[] {
  const have = known(source);
  const out: (GtkwGroup | null)[] = [];
  for (const k of detailed) out.push(...coreGroups(source, `top.regions_${k}.core`, `core ${k}`, `top.regions_${k}`));
  const ks = Array.from({ length: cores }, (_, k) => k);
  out.push(
    group(
      have,
      'all cores: phase and cycle class',
      ks.flatMap((k) => [`top.regions_${k}.core.monitor.phase`, `top.regions_${k}.core.monitor.stall`]),
    ),
  );
  out.push(group(have, 'TCDM interconnect (core ports)', ks.flatMap((k) => [`top.tcdm.req_${k}`, `top.tcdm.gnt_${k}`, `top.tcdm.add_${k}`, `top.tcdm.req_bank_${k}`]), true));
  out.push(
    group(
      have,
      'event unit',
      [
        ...ks.flatMap((k) => [`top.eu.cores_${k}.core_clock_cs`, `top.eu.clock_en_${k}`]),
        'top.eu.barriers_0.trigger_status',
        'top.eu.barriers_0.target_mask',
        'top.eu.barriers_0.barrier_events',
        'top.eu.dispatch.dispatch_event',
        'top.eu.dispatch.write_ptr',
      ],
      true,
    ),
  );
  return out.filter((g): g is GtkwGroup => g !== null);
}
