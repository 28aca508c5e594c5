// Every TCDM interconnect RTL scenario replays with every expected signal matching in every cycle; corrupted
// copies are caught at the right cycle and signal, and malformed files are refused naming the field.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tcdmInterconnectAdapter, hashWord } from './adapters/tcdm_interconnect.ts';
import { replayScenario } from './replay.ts';
import { ScenarioError } from './scenario.ts';

const DIR = 'testbench/fixtures/timing/cluster/tcdm_interconnect';
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (f: string): Record<string, unknown> => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Record<string, unknown>;
const replay = (json: unknown, file: string, backend: 'interp' | 'codegen' = 'codegen') =>
  replayScenario(tcdmInterconnectAdapter, tcdmInterconnectAdapter.parse(json, file), { backend });

describe('TCDM interconnect scenarios (codegen)', () => {
  it('there are 19 scenario files', () => expect(FILES.length).toBe(19));
  it.each(FILES)('%s matches every signal in every cycle', (f) => {
    const j = load(f);
    const r = replay(j, f);
    expect(r.first).toBeNull();
    expect(r.mismatches).toBe(0);
    // 20 masters x (gnt, r_valid, r_rdata) + 16 banks x (valid, id, ts_set), every cycle.
    expect(r.checked).toBe((j.cycles as number) * (20 * 3 + 16 * 3));
  });
});

describe('TCDM interconnect scenarios (interp)', () => {
  it.each(['tas_mixed_bank.json', 'p3_ch0_ch1_samebank.json', 'all20_random.json'])('%s matches', (f) => {
    expect(replay(load(f), f, 'interp').mismatches).toBe(0);
  });
});

describe('TCDM interconnect replay catches differences', () => {
  it('a flipped grant is reported at its cycle, master and value', () => {
    const j = load('samebank_k8_loads.json');
    const gnt = (j.expected as { gnt: string[] }).gnt;
    const c = gnt[3]!.indexOf('1', 10);
    gnt[3] = gnt[3]!.slice(0, c) + '0' + gnt[3]!.slice(c + 1);
    const r = replay(j, 'k8');
    expect(r.first).toEqual({ cycle: c, signal: 'gnt', port: 3, expected: 0, got: 1 });
    expect(r.mismatches).toBe(1);
  });

  it('a wrong arbitration policy in the parameters changes the outcome', () => {
    const j = load('samebank_k8_loads.json');
    (j.params as Record<string, unknown>).TCDM_arb_policy_i = 1;
    expect(replay(j, 'k8').mismatches).toBeGreaterThan(0);
  });

  it('the hash formula of mem_init matches the touched words the file lists', () => {
    const j = load('tas_mixed_bank.json');
    const mi = j.mem_init as { salt: number; touched: [number, number, number][] };
    expect(mi.touched.length).toBeGreaterThan(0);
    for (const [b, row, v] of mi.touched) expect(hashWord(b, row, 16, mi.salt)).toBe(v);
  });
});

describe('TCDM interconnect scenario validation', () => {
  interface Tcdm {
    stimulus: { masters: unknown[][] };
    expected: { gnt: string[]; bank_served: number[][]; r_rdata?: unknown };
    mem_init: { kind: string };
  }
  const refuse = (mut: (j: Tcdm) => void, re: RegExp): void => {
    const j = load('samebank_k3_mixed.json');
    mut(j as unknown as Tcdm);
    let err: unknown = null;
    try {
      replay(j, 'k3.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(re);
  };
  it('refuses a missing master', () => refuse((j) => j.stimulus.masters.pop(), /k3\.json: stimulus\.masters: has 19 masters, params say 20/));
  it('refuses stimulus events out of order', () =>
    refuse((j) => j.stimulus.masters[4]!.push([0, 1, 0, 1, 15, 0]), /stimulus\.masters\[4\] \(req\)\[\d+\]: cycle 0 out of order/));
  it('refuses a short grant string', () => refuse((j) => (j.expected.gnt[7] = '01'), /expected\.gnt\[7\]: has 2 characters/));
  it('refuses a missing expected signal', () => refuse((j) => delete j.expected.r_rdata, /k3\.json: expected\.r_rdata: missing/));
  it('refuses a bank index out of range', () => refuse((j) => (j.expected.bank_served[2]![5] = 20), /expected\.bank_served\[2\]\[5\]: 20 is not a master index/));
  it('refuses an unknown memory kind', () => refuse((j) => (j.mem_init.kind = 'random'), /mem_init\.kind: must be "hash" or "zero"/));
});
