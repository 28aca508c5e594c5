import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepError, parseSweep } from './format.ts';

const FIX = join(import.meta.dirname, '../fixtures/timing/ri5cy');
const dir = mkdtempSync(join(tmpdir(), 'pulpsim-sweepfmt-'));
const elf = (n: string): string => join(FIX, `${n}.elf`);
const plan = (doc: unknown) => parseSweep(JSON.stringify(doc, null, 2), join(dir, 's.json'), dir);
const errors = (doc: unknown): string[] => {
  try {
    plan(doc);
  } catch (e) {
    if (e instanceof SweepError) return e.errors;
    throw e;
  }
  throw new Error('expected a SweepError');
};
const job = (name: string, extra: object = {}) => ({ name, kind: 'program', elf: elf(name), ...extra });

describe('sweep plan', () => {
  it('crosses jobs with the list of variations and the product (first key slowest)', () => {
    const p = plan({
      jobs: [job('alu_chain'), job('branch_loop')],
      variations: [{ name: 'ri5cy' }, { name: 'cv32', config: 'cv32e40p' }],
      product: { 'dmem.grantDelay': [0, 2], 'imem.responseDelay': [1, 3] },
    });
    expect(p.runs.length).toBe(2 * 2 * 4);
    expect(p.variations.slice(0, 4)).toEqual([
      'ri5cy dmem.grantDelay=0 imem.responseDelay=1',
      'ri5cy dmem.grantDelay=0 imem.responseDelay=3',
      'ri5cy dmem.grantDelay=2 imem.responseDelay=1',
      'ri5cy dmem.grantDelay=2 imem.responseDelay=3',
    ]);
    const r = p.runs.find((x) => x.id === 'branch_loop/cv32 dmem.grantDelay=2 imem.responseDelay=3')!;
    expect(r.config.core.version).toBe('cv32e40p');
    expect([r.config.dmem.grantDelay, r.config.dmem.responseDelay, r.config.imem.grantDelay, r.config.imem.responseDelay]).toEqual([2, 1, 0, 3]);
    expect(r.params).toEqual({ config: 'cv32e40p', 'dmem.grantDelay': 2, 'imem.responseDelay': 3 });
    // First-seen order: the first variation has no config of its own.
    expect(p.paramNames).toEqual(['dmem.grantDelay', 'imem.responseDelay', 'config']);
    expect(p.runs.map((x) => x.index)).toEqual([...Array(16).keys()]);
  });

  it('layers the configs: variation over job over sweep over the kind default; sets in the same order', () => {
    const p = plan({
      config: 'ri5cy_v1',
      set: { 'imem.grantDelay': 1 },
      jobs: [job('alu_chain', { set: { 'imem.grantDelay': 2 } }), job('div_divu', { config: 'cv32e40p' })],
      variations: [{ name: 'a' }, { name: 'b', set: { 'imem.grantDelay': 3 } }, { name: 'c', config: 'ri5cy' }],
    });
    const get = (id: string) => p.runs.find((r) => r.id === id)!.config;
    expect([get('alu_chain/a').core.version, get('alu_chain/a').imem.grantDelay]).toEqual(['ri5cy_v1', 2]);
    expect(get('alu_chain/b').imem.grantDelay).toBe(3);
    expect([get('div_divu/a').core.version, get('div_divu/a').imem.grantDelay]).toEqual(['cv32e40p', 1]);
    expect(get('div_divu/c').core.version).toBe('ri5cy');
    expect(p.runs.find((r) => r.id === 'div_divu/a')!.configName).toBe('cv32e40p');
  });

  it('resolves ELF and config paths against the sweep file', () => {
    writeFileSync(join(dir, 'slow.json'), '{ "preset": "ri5cy", "set": { "dmem.responseDelay": 4 } }');
    const p = plan({ jobs: [{ name: 'j', kind: 'program', elf: relative(dir, join(FIX, 'alu_chain.elf')) }], config: 'slow.json' });
    expect(p.runs[0]!.spec.elf).toBe(join(FIX, 'alu_chain.elf'));
    expect(p.runs[0]!.config.dmem.responseDelay).toBe(4);
  });

  it('accepts a cluster config as the base of a product of cluster parameters', () => {
    // No job kind for the cluster exists yet, so the program kind refuses it: the combination is named.
    const e = errors({ jobs: [job('alu_chain')], config: 'gap8', product: { 'cluster.cores': [2, 4] } });
    expect(e).toContain('run "alu_chain/cluster.cores=2" (jobs[0] "alu_chain" on the base variation × product {cluster.cores=2}, config gap8): a program job runs on the single-core system; this configuration is a cluster');
    expect(e.length).toBe(2);
  });
});

describe('sweep validation names the entry at fault', () => {
  it('reports a JSON syntax error with its line and column', () => {
    try {
      parseSweep('{\n  "jobs": [\n    { "name": "x" },\n  ]\n}', 'bad.json', dir);
      throw new Error('no error');
    } catch (e) {
      expect((e as Error).message).toBe('bad.json: 1 error in the sweep:\n  line 4:3: JSON syntax error: Unexpected token \']\'');
    }
  });

  it('collects every problem of the file at once', () => {
    const e = errors({
      name: 'x',
      varations: [],
      jobs: [
        job('alu_chain'),
        { name: 'alu_chain', kind: 'program', elf: 'nope.elf' },
        { name: 'k', kind: 'progam' },
        { kind: 'program' },
        job('branch_loop', { modle: 'iss', maxCycles: 0 }),
      ],
      report: { chart: 'pie', metric: 'cycles' },
    });
    expect(e).toEqual([
      'unknown field "varations" (did you mean "variations"?)',
      'jobs[1] "alu_chain": duplicate job name',
      `jobs[1] "alu_chain": "elf": file 'nope.elf' not found`,
      'jobs[2] "k": unknown kind "progam" (did you mean "program"?) (known: program, kernel)',
      'jobs[3]: "name" must be a non-empty string',
      'jobs[4] "branch_loop": unknown field "modle" for kind program (did you mean "model"?)',
      'jobs[4] "branch_loop": "maxCycles" must be a positive integer, got 0',
      'report: unknown field "metric" (did you mean "metrics"?)',
      'report."chart" must be "bars" or "lines", got "pie"',
    ]);
  });

  it('names the variation and the parameter, with the closest valid name', () => {
    const e = errors({
      jobs: [job('alu_chain')],
      variations: [{ name: 'v1', set: { 'dmem.grantDelya': 1 } }, { name: 'v2', set: { 'dmem.grantDelay': 999 } }],
    });
    expect(e).toEqual([
      `variations[0] "v1": "set": unknown parameter 'dmem.grantDelya' (did you mean 'dmem.grantDelay'?) (on config ri5cy)`,
      `variations[1] "v2": "set": dmem.grantDelay: expected an integer 0..200 cycles, got 999 (on config ri5cy)`,
    ]);
  });

  it('names the product point of a bad value and refuses malformed products', () => {
    expect(errors({ jobs: [job('alu_chain')], product: { 'imem.responseDelay': [1, 0] } })).toEqual([
      'product {imem.responseDelay=0}: imem.responseDelay: expected an integer 1..16 cycles, got 0 (on config ri5cy)',
    ]);
    expect(errors({ jobs: [job('alu_chain')], product: { 'imem.responseDelay': [] } })).toEqual([
      'product."imem.responseDelay" must be a non-empty list of numbers, booleans or strings',
    ]);
    expect(errors({ jobs: [job('alu_chain')], product: { 'imem.responseDelay': [1, 1] } })).toEqual(['product."imem.responseDelay" lists a value twice']);
  });

  it('refuses an unknown config and an empty job list', () => {
    expect(errors({ jobs: [job('alu_chain')], config: 'gap9' })[0]).toMatch(/^config gap9: unknown configuration 'gap9'/);
    expect(errors({ jobs: [] })).toEqual(['"jobs" must be a non-empty list of jobs']);
  });
});

describe('the example sweep file', () => {
  it('is valid: 3 jobs x 2 versions x 3 delays', () => {
    const file = join(import.meta.dirname, 'examples/dmem_latency.json');
    const p = parseSweep(readFileSync(file, 'utf8'), file);
    expect(p.runs.length).toBe(18);
    expect(p.variations[0]).toBe('ri5cy dmem.grantDelay=0');
    expect(p.report).toEqual({ metrics: ['cycles', 'cpi'], chart: 'bars', relative: true });
  });
});
