// Replay of the TCDM interconnect vectors (testbench/fixtures/timing/cluster/tcdm_interconnect/README.md): the
// file's own layout (per-master stimulus tuples, '0'/'1' strings, r_rdata change events, per-bank served master)
// becomes traces; `bank_served` is checked as two signals, `bank_served.valid` (the bank performs an access) and
// `bank_served.id` (whose; 0 when idle).
import { gap8Cluster, type ClusterConfig } from '../../../rtl/config/index.ts';
import { TcdmInterconnect } from '../../../rtl/cluster/tcdm_interconnect.ts';
import type { ReplayAdapter, ReplayBinding } from '../adapter.ts';
import { Fields, ScenarioError, denseFromBits, denseFromChanges, isRecord, type Scenario, type Trace } from '../scenario.ts';

const STIM = ['req', 'add', 'wen', 'be', 'wdata'] as const;

/** Initial word of (bank, row) for mem_init kind "hash" (formula quoted in the file and the README). */
export function hashWord(bank: number, row: number, banks: number, salt: number): number {
  const w = row * banks + bank;
  const x = (Math.imul(w, 0x9e3779b1) + 0x0badf00d + salt) >>> 0;
  return (x ^ (x >>> 15)) >>> 0;
}

function trace(name: string, values: Uint32Array[], scalar = false): Trace {
  return { name, ports: values.length, scalar, words: 1, values };
}

function clusterOf(f: Fields): ClusterConfig {
  const p = f.record('params');
  const masters = p.record('masters');
  const ch0 = masters.record('CH0');
  const ch1 = masters.record('CH1');
  const count = (g: Fields, k: string): number => g.array(k).length;
  const c: ClusterConfig = structuredClone(gap8Cluster);
  c.cores = count(ch0, 'cores');
  c.hwaccPorts = count(ch0, 'hwce');
  c.extPorts = count(ch1, 'ext_axi');
  c.dmaPorts = count(ch1, 'dma');
  const n = p.int('n_masters', 1, 32);
  if (n !== c.cores + c.hwaccPorts + c.extPorts + c.dmaPorts) p.fail('n_masters', `is ${n}, params.masters lists ${c.cores + c.hwaccPorts + c.extPorts + c.dmaPorts}`);
  c.tcdm.banks = p.int('banks', 1, 64);
  c.tcdm.bankWords = p.int('bank_words', 1, 1 << 16);
  c.tcdm.testSetBit = p.int('tas_bit', 0, 31);
  c.tcdm.arbPolicy = p.int('TCDM_arb_policy_i', 0, 3);
  return c;
}

function parse(json: unknown, file: string): Scenario {
  if (!isRecord(json)) throw new ScenarioError(`${file}: the scenario must be a JSON object`);
  const f = new Fields(file, '', json);
  const cycles = f.int('cycles', 1, 10_000_000);
  const cfg = clusterOf(f);
  const nm = cfg.cores + cfg.hwaccPorts + cfg.extPorts + cfg.dmaPorts;
  const nb = cfg.tcdm.banks;

  const st = f.record('stimulus');
  const masters = st.array('masters');
  if (masters.length !== nm) st.fail('masters', `has ${masters.length} masters, params say ${nm}`);
  const stim = STIM.map(() => [] as Uint32Array[]);
  masters.forEach((events, m) => {
    const where = `stimulus.masters[${m}]`;
    if (!Array.isArray(events)) throw new ScenarioError(`${file}: ${where}: must be a list of [cycle, req, add, wen, be, wdata]`);
    // Split the tuples into one change list per signal, then expand each.
    const lists: unknown[][] = STIM.map(() => []);
    events.forEach((e, k) => {
      if (!Array.isArray(e) || e.length !== 6) throw new ScenarioError(`${file}: ${where}[${k}]: must be [cycle, req, add, wen, be, wdata]`);
      STIM.forEach((_, s) => lists[s]!.push([e[0], e[s + 1]]));
    });
    STIM.forEach((name, s) => stim[s]!.push(denseFromChanges(lists[s], cycles, `${where} (${name})`, file)));
  });
  const stimulus = new Map<string, Trace>(STIM.map((name, s) => [name, trace(name, stim[s]!)]));

  const ex = f.record('expected');
  const perMaster = (name: string): unknown[] => {
    const a = ex.array(name);
    if (a.length !== nm) ex.fail(name, `has ${a.length} entries, expected one per master (${nm})`);
    return a;
  };
  const gnt = perMaster('gnt').map((s, m) => denseFromBits(s, cycles, `expected.gnt[${m}]`, file));
  const rValid = perMaster('r_valid').map((s, m) => denseFromBits(s, cycles, `expected.r_valid[${m}]`, file));
  const rData = perMaster('r_rdata').map((l, m) => denseFromChanges(l, cycles, `expected.r_rdata[${m}]`, file, 1));
  const served = ex.array('bank_served');
  if (served.length !== nb) ex.fail('bank_served', `has ${served.length} entries, expected one per bank (${nb})`);
  const bValid: Uint32Array[] = [];
  const bId: Uint32Array[] = [];
  served.forEach((row, b) => {
    const where = `expected.bank_served[${b}]`;
    if (!Array.isArray(row) || row.length !== cycles) throw new ScenarioError(`${file}: ${where}: must list ${cycles} master indices (-1 = idle)`);
    const v = new Uint32Array(cycles);
    const id = new Uint32Array(cycles);
    row.forEach((x, t) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < -1 || x >= nm) throw new ScenarioError(`${file}: ${where}[${t}]: ${JSON.stringify(x)} is not a master index or -1`);
      v[t] = x >= 0 ? 1 : 0;
      id[t] = x >= 0 ? x : 0;
    });
    bValid.push(v);
    bId.push(id);
  });
  const tsList = ex.array('bank_ts_set');
  if (tsList.length !== nb) ex.fail('bank_ts_set', `has ${tsList.length} entries, expected one per bank (${nb})`);
  const ts = tsList.map((l, b) => {
    const where = `expected.bank_ts_set[${b}]`;
    if (!Array.isArray(l)) throw new ScenarioError(`${file}: ${where}: must be a list of cycles`);
    const d = new Uint32Array(cycles);
    let prev = -1;
    l.forEach((c, k) => {
      if (typeof c !== 'number' || !Number.isInteger(c) || c <= prev || c >= cycles) {
        throw new ScenarioError(`${file}: ${where}[${k}]: ${JSON.stringify(c)} is not a cycle in increasing order below ${cycles}`);
      }
      prev = c;
      d[c] = 1;
    });
    return d;
  });
  const expected = new Map<string, Trace>([
    ['gnt', trace('gnt', gnt)],
    ['r_valid', trace('r_valid', rValid)],
    ['r_rdata', trace('r_rdata', rData)],
    ['bank_served.valid', trace('bank_served.valid', bValid)],
    ['bank_served.id', trace('bank_served.id', bId)],
    ['bank_ts_set', trace('bank_ts_set', ts)],
  ]);

  // Initial memory, checked here so a bad file fails before simulation.
  const mi = f.record('mem_init');
  const kind = mi.string('kind');
  if (kind !== 'hash' && kind !== 'zero') mi.fail('kind', `must be "hash" or "zero", got "${kind}"`);
  if (kind === 'hash') mi.int('salt', 0, 0xffffffff);
  if (mi.has('bank_q_init') && mi.int('bank_q_init', 0, 0xffffffff) !== 0) mi.fail('bank_q_init', 'only 0 is supported (the banks\' output registers reset to 0)');
  return { file, name: f.has('name') ? f.string('name') : file, cycles, stimulus, expected, internal: new Map(), json };
}

function bind(s: Scenario): ReplayBinding {
  const f = new Fields(s.file, '', s.json);
  const cfg = clusterOf(f);
  const top = new TcdmInterconnect(cfg);
  const mi = f.record('mem_init');
  const hash = mi.string('kind') === 'hash';
  const salt = hash ? mi.int('salt', 0, 0xffffffff) : 0;
  return {
    top,
    inputs: { req: top.req, add: top.add, wen: top.wen, be: top.be, wdata: top.wdata },
    outputs: {
      gnt: top.gnt,
      r_valid: top.r_valid,
      r_rdata: top.r_rdata,
      'bank_served.valid': top.bank_valid,
      'bank_served.id': top.bank_id,
      bank_ts_set: top.bank_ts_set,
    },
    prepare(sim) {
      sim.poke(top.arb_policy, cfg.tcdm.arbPolicy);
      top.banks.forEach((bank, b) => {
        const d = bank.mem.data;
        for (let r = 0; r < d.length; r++) d[r] = hash ? hashWord(b, r, cfg.tcdm.banks, salt) : 0;
      });
    },
  };
}

export const tcdmInterconnectAdapter: ReplayAdapter = {
  name: 'tcdm_interconnect',
  summary: 'TCDM interconnect + banks (cluster_interconnect pulp-v1.0 XBAR_TCDM in pulp_cluster 9fd9c3e)',
  parse,
  bind,
};
