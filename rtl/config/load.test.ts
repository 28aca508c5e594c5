import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Gap8Config, preset } from './index.ts';
import { ConfigError, lineCol, parseConfigFile, presetNames, resolveConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-config-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('resolveConfig', () => {
  it('knows the single-core presets and gap8', () => {
    expect(presetNames().sort()).toEqual(['cv32e40p', 'gap8', 'ri5cy', 'ri5cy_v1']);
    const r = resolveConfig('ri5cy');
    expect(r.config).toEqual(preset('ri5cy'));
    expect(r.preset).toBe('ri5cy');
    expect((resolveConfig('gap8').config as Gap8Config).cluster.cores).toBe(8);
  });

  it('gives a fresh copy each time', () => {
    const a = resolveConfig('gap8').config as Gap8Config;
    a.cluster.cores = 2;
    expect((resolveConfig('gap8').config as Gap8Config).cluster.cores).toBe(8);
  });

  it('gives configs whose imem and dmem are distinct objects', () => {
    const c = resolveConfig('cv32e40p').config;
    c.dmem.grantDelay = 3;
    expect(c.imem.grantDelay).toBe(0);
  });

  it('reads a file with flat "set" names and nested overrides', () => {
    const p = file(
      'flat.json',
      JSON.stringify({ preset: 'gap8', set: { 'tcdm.banks': 32, 'icache.refillLatency': '20' }, l2: { latency: 7 }, cluster: { eventUnit: { dispatchDepth: 4 } } }, null, 2),
    );
    const r = resolveConfig(p);
    const c = r.config as Gap8Config;
    expect([c.cluster.tcdm.banks, c.icache.refillLatency, c.l2.latency, c.cluster.eventUnit.dispatchDepth]).toEqual([32, 20, 7, 4]);
    expect(r.set).toEqual({ 'cluster.tcdm.banks': 32, 'icache.refillLatency': '20', 'l2.latency': 7, 'cluster.eventUnit.dispatchDepth': 4 });
    expect(r.file).toBe(p);
  });

  it('resolves a relative file against the base directory', () => {
    mkdirSync(join(dir, 'sub'), { recursive: true });
    file('sub/slow.json', '{ "preset": "ri5cy", "set": { "imem.grantDelay": 2 } }');
    expect(resolveConfig('sub/slow.json', dir).config.imem.grantDelay).toBe(2);
  });
});

describe('configuration file errors', () => {
  it('points at the line and column of a JSON syntax error', () => {
    // Line 3, column 3: the stray comma's successor '}' where a key was expected.
    const p = file('syntax.json', '{\n  "preset": "gap8",\n}\n');
    expect(message(() => resolveConfig(p))).toMatch(new RegExp(`^${p.replace(/[.\\]/g, '\\$&')}:3:1: JSON syntax error`));
    // V8 names an unexpected token without its offset: the bare word gap8 starts at column 12.
    expect(message(() => parseConfigFile('{"preset": gap8}', 'u.json'))).toBe("u.json:1:12: JSON syntax error: Unexpected token 'g'");
  });

  it('names the field, its position and the closest valid parameter', () => {
    const text = '{\n  "preset": "gap8",\n  "set": {\n    "icache.refilLatency": 12\n  }\n}\n';
    expect(message(() => parseConfigFile(text, 'exp.json'))).toBe(
      "exp.json:4:5: unknown parameter 'icache.refilLatency' (did you mean 'icache.refillLatency'?)",
    );
    const nested = '{ "preset": "gap8",\n  "icache": { "ways": 3 } }';
    expect(message(() => parseConfigFile(nested, 'n.json'))).toBe("n.json:2:15: icache.ways: expected a power of two 1..16, got 3");
  });

  it('requires a known preset', () => {
    expect(message(() => parseConfigFile('{ "set": {} }', 'a.json'))).toMatch(/^a\.json: missing "preset" \(one of .*gap8/);
    expect(message(() => parseConfigFile('{ "preset": "gap9" }', 'b.json'))).toMatch(/^b\.json:1:3: preset: unknown preset "gap9"/);
    expect(message(() => parseConfigFile('[1]', 'c.json'))).toMatch(/^c\.json: a configuration file is a JSON object/);
  });

  it('refuses arrays, null and cross-field violations', () => {
    expect(message(() => parseConfigFile('{ "preset": "gap8", "set": { "cores": [8] } }', 'd.json'))).toMatch(/d\.json:1:30: 'cores' must be a number, boolean or string, not an array/);
    // 64 banks of 65536 words: row bits 2 + 6 + 16 = 24 reach above the test-and-set bit 20.
    expect(message(() => parseConfigFile('{ "preset": "gap8", "set": { "tcdm.banks": 64, "tcdm.bankWords": 65536 } }', 'e.json'))).toMatch(/^e\.json: cluster\.tcdm\.testSetBit: must be an integer in 24\.\.31, got 20/);
  });

  it('says when a spec is neither a preset nor a file', () => {
    expect(message(() => resolveConfig('gap9', dir))).toMatch(/unknown configuration 'gap9': not a preset \(cv32e40p, ri5cy, ri5cy_v1, gap8\)/);
    expect(message(() => resolveConfig('missing.json', dir))).toBe("configuration file 'missing.json' not found");
    expect(message(() => resolveConfig('sub', dir))).toMatch(/is a directory/);
  });
});

describe('lineCol', () => {
  it('counts lines and columns from 1', () => {
    expect(lineCol('ab\ncd', 0)).toEqual({ line: 1, col: 1 });
    expect(lineCol('ab\ncd', 4)).toEqual({ line: 2, col: 2 });
  });
});
