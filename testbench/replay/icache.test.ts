// The shared I$ model against the RTL vectors (testbench/fixtures/timing/cluster/icache/): every expected signal of
// every cycle through the generic replay (r_rdata also while r_valid is low), the recorded internal registers
// (private/central controller states, CAM valid bits, bypass/flush handshakes, LFSRs) and every TAG-array write
// the RTL made (internal.tag_write), on both back-ends for a few scenarios.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Simulator, type BackendKind, type Input } from '../../sim/index.ts';
import { getAdapter } from './adapter.ts';
import { registerBuiltinAdapters } from './adapters/index.ts';
import { bindIcache, icacheAdapter } from './icache.ts';
import { replayFile, replayScenario } from './replay.ts';
import { ScenarioError, loadJson, type Scenario } from './scenario.ts';

const DIR = 'testbench/fixtures/timing/cluster/icache';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (f: string): Scenario => icacheAdapter.parse(loadJson(join(DIR, f)), join(DIR, f));

/** Signal-port-cycles a full compare must check: every expected signal and port, plus the mapped internals. */
function expectedChecks(s: Scenario): number {
  let n = 0;
  for (const t of s.expected.values()) n += t.ports * s.cycles;
  for (const name of ['bank_state', 'main_state', 'cam_valid', 'bypass_req', 'flush_req', 'sel_flush_req', 'bypass_ack', 'flush_ack', 'lfsr']) {
    const t = s.internal.get(name);
    if (t !== undefined) n += t.ports * s.cycles;
  }
  return n;
}

/** Runs the scenario's stimulus open-loop and records the TAG writes as the file does: [cycle, bank, set, ways, wdata]. */
function tagWrites(s: Scenario, backend: BackendKind): number[][] {
  const b = bindIcache(s);
  const sim = new Simulator(b.top, { backend });
  const c = b.top.central;
  const sets = b.top.geometry.setsPerBank;
  const out: number[][] = [];
  sim.onSettled((t) => {
    if (sim.peek(c.tag_we)) {
      const row = sim.peek(c.tag_row);
      out.push([t, Math.floor(row / sets), row % sets, sim.peek(c.tag_ways), sim.peek(c.tag_wdata)]);
    }
  });
  for (let t = 0; t < s.cycles; t++) {
    for (const [name, trace] of s.stimulus) {
      const table = b.inputs[name]!;
      table.forEach((e, p) => {
        const ws = (Array.isArray(e) ? e : [e]) as Input[];
        ws.forEach((sig, w) => sim.poke(sig, trace.values[p]![t * trace.words + w]!));
      });
    }
    sim.step();
  }
  return out;
}

describe('icache: RTL scenarios, every signal of every cycle', () => {
  it('has the 16 scenario files of the README', () => {
    expect(FILES).toHaveLength(16);
  });
  for (const f of FILES) {
    it(f, () => {
      const s = load(f);
      const r = replayScenario(icacheAdapter, s, { backend: 'codegen' });
      expect(r.first).toBeNull();
      expect(r.mismatches).toBe(0);
      expect(r.checked).toBe(expectedChecks(s));
      expect(tagWrites(s, 'codegen')).toEqual(s.json.internal !== undefined ? (s.json.internal as Record<string, unknown>).tag_write : []);
    });
  }
});

describe('icache: the interpreter agrees', () => {
  for (const f of ['same_line_spread_L10.json', 'disable_deadlock_pending_miss_L5.json', 'early_start_L5.json', 'same_set_conflict_8cores_L5.json']) {
    it(f, () => {
      const s = load(f);
      const r = replayScenario(icacheAdapter, s, { backend: 'interp' });
      expect(r.mismatches).toBe(0);
      expect(r.checked).toBe(expectedChecks(s));
      expect(tagWrites(s, 'interp')).toEqual((s.json.internal as Record<string, unknown>).tag_write);
    });
  }
});

describe('icache: replay refuses or reports what is wrong', () => {
  it('reports a corrupted expected line at its cycle, port and signal (hex, r_valid low)', () => {
    const json = JSON.parse(readFileSync(join(DIR, 'cold_seq_1core_L10.json'), 'utf8')) as { expected: { r_rdata: [number, string][][] } };
    // Core 3 never fetches; its r_rdata still shows the central line register: 0 before cycle 86.
    json.expected.r_rdata[3] = [[0, '00000000000000000000000000000000'], [50, '00000000000000000000000000000001'], [51, '00000000000000000000000000000000'], ...json.expected.r_rdata[3]!.slice(1)];
    const r = replayScenario(icacheAdapter, icacheAdapter.parse(json, 'corrupt.json'));
    expect(r.mismatches).toBe(1);
    expect(r.first).toEqual({ cycle: 50, signal: 'r_rdata', port: 3, expected: '00000000000000000000000000000001', got: '00000000000000000000000000000000' });
  });
  it('refuses a file without the refill latency, naming the field', () => {
    const json = JSON.parse(readFileSync(join(DIR, 'early_start_L5.json'), 'utf8')) as { params: Record<string, unknown> };
    delete json.params.refill_latency;
    expect(() => icacheAdapter.parse(json, 'x.json')).toThrow(new ScenarioError('x.json: params.refill_latency: missing'));
  });
  it('is registered as `icache` for pulpsim replay', () => {
    registerBuiltinAdapters();
    expect(getAdapter('icache')).toBe(icacheAdapter);
    expect(replayFile('icache', join(DIR, 'bypass_disabled_L5.json')).mismatches).toBe(0);
  });
});
