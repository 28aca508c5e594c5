// Every event unit RTL scenario replays with every expected output and every recorded internal register
// matching in every cycle; corrupted copies are caught where they differ; malformed files are refused.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventUnitAdapter } from './adapters/event_unit.ts';
import { replayScenario } from './replay.ts';
import { ScenarioError } from './scenario.ts';

const DIR = 'testbench/fixtures/timing/cluster/event_unit';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
type Json = Record<string, Record<string, unknown[]>> & { cycles: number; params: { eu_params: Record<string, number> } };
const load = (f: string): Json => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Json;
const replay = (json: unknown, file: string, backend: 'interp' | 'codegen' = 'codegen', internal = true) =>
  replayScenario(eventUnitAdapter, eventUnitAdapter.parse(json, file), { backend, internal });

// Per cycle: 8 cores x 6 outputs, 8 cores x 4 internal registers, 8 barrier statuses, 3 mutex registers.
const PER_CYCLE = 8 * 6 + 8 * 4 + 8 + 3;

describe('event unit scenarios (codegen)', () => {
  it('there are 16 scenario files', () => expect(FILES.length).toBe(16));
  it.each(FILES)('%s matches every output and internal register in every cycle', (f) => {
    const j = load(f);
    const r = replay(j, f);
    expect(r.first).toBeNull();
    expect(r.mismatches).toBe(0);
    expect(r.checked).toBe(j.cycles * PER_CYCLE);
  });
});

describe('event unit scenarios (interp)', () => {
  it.each(['irq_during_barrier_wait.json', 'fork_join_dispatch_barrier.json', 'mutex_staggered_message.json', 'external_event_lines.json'])(
    '%s matches',
    (f) => {
      expect(replay(load(f), f, 'interp').mismatches).toBe(0);
    },
  );
});

describe('event unit replay catches differences', () => {
  it('a clock enable shifted by one cycle is reported at that cycle', () => {
    const j = load('barrier8_same_cycle.json');
    const ce = j.expected.clock_en![3] as [number, number][];
    const rise = ce.findIndex(([, v], k) => k > 0 && v === 1);
    expect(rise).toBeGreaterThan(0);
    ce[rise] = [ce[rise]![0] + 1, 1];
    const r = replay(j, 'b8');
    expect(r.first).toEqual({ cycle: ce[rise]![0] - 1, signal: 'clock_en', port: 3, expected: 0, got: 1 });
  });

  it('r_rdata is compared while r_valid is low (a pending sleep read shows BUFFER_MASKED)', () => {
    const j = load('sw_event_trigger_mask.json');
    const rd = j.expected.r_rdata![1] as [number, number][];
    const rv = j.expected.r_valid![1] as [number, number][];
    const valid = new Set<number>();
    rv.forEach(([c, v], k) => {
      const end = k + 1 < rv.length ? rv[k + 1]![0] : j.cycles;
      if (v) for (let t = c; t < end; t++) valid.add(t);
    });
    // A cycle with r_valid low where the recorded r_rdata is not 0.
    const idx = rd.findIndex(([c, v]) => v !== 0 && !valid.has(c));
    expect(idx).toBeGreaterThanOrEqual(0);
    rd[idx] = [rd[idx]![0], (rd[idx]![1] ^ 1) >>> 0];
    const r = replay(j, 'sw');
    expect(r.first).toMatchObject({ cycle: rd[idx]![0], signal: 'r_rdata', port: 1 });
  });

  it('internal registers are checked unless turned off', () => {
    const j = load('mutex_staggered_message.json');
    const msg = j.internal.mutex_msg as [number, number][];
    msg[msg.length - 1] = [msg[msg.length - 1]![0], 0xdead];
    expect(replay(j, 'm').first).toMatchObject({ signal: 'internal.mutex_msg', expected: 0xdead });
    expect(replay(j, 'm', 'codegen', false).mismatches).toBe(0);
  });

  it('a different barrier count in the parameters is refused by the port count', () => {
    const j = load('two_barriers_concurrent.json');
    j.params.eu_params.NB_BARR = 4;
    expect(() => replay(j, 'two.json')).toThrow(/two\.json: internal\.barrier_status: the file has 8 port\(s\), the module has 4/);
  });
});

describe('event unit scenario validation', () => {
  const refuse = (mut: (j: Json) => void, re: RegExp): void => {
    const j = load('barrier8_same_cycle.json');
    mut(j);
    let err: unknown = null;
    try {
      replay(j, 'b8.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(re);
  };
  it('refuses a missing stimulus signal', () => refuse((j) => delete j.stimulus.core_busy, /b8\.json: stimulus\.core_busy: missing/));
  it('refuses a missing expected signal', () => refuse((j) => delete j.expected.irq_id, /b8\.json: expected\.irq_id: missing/));
  it('refuses a signal the module lacks', () => refuse((j) => (j.stimulus.debug_req = j.stimulus.req!), /stimulus\.debug_req: the module has no such input/));
  it('refuses a core too many', () => refuse((j) => j.expected.gnt!.push([[0, 0]]), /expected\.gnt: the file has 9 port\(s\), the module has 8/));
  it('refuses change lists out of order', () =>
    refuse((j) => (j.stimulus.req![2] = [[0, 0], [9, 1], [4, 0]]), /stimulus\.req\[2\]\[2\]: cycle 4 out of order \(after cycle 9\)/));
  it('refuses a second hardware mutex', () => refuse((j) => (j.params.eu_params.NB_HW_MUT = 2), /params\.eu_params\.NB_HW_MUT/));
});
