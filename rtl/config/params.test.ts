import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gap8, gap8ClusterSystem, preset, presets, validateCluster } from './index.ts';
import {
  ParamError,
  applySets,
  closestParam,
  editDistance,
  getParam,
  listParams,
  paramInfo,
  parseAssignment,
  resolveParam,
  setParam,
  validateConfig,
} from './params.ts';

const allPresets: Record<string, () => object> = {
  ...Object.fromEntries(Object.keys(presets).map((n) => [n, () => preset(n)])),
  gap8ClusterSystem,
  gap8,
};

/** An independent walk: every primitive leaf with its dotted path, arrays of named objects keyed by name. */
function expectedLeaves(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const rec = (v: unknown, p: string): void => {
    if (v === null || typeof v !== 'object') {
      out.set(p, v);
      return;
    }
    if (Array.isArray(v)) {
      for (const e of v) {
        const named = e as { name: string };
        for (const [k, x] of Object.entries(named)) if (k !== 'name') rec(x, `${p}.${named.name}.${k}`);
      }
      return;
    }
    for (const [k, x] of Object.entries(v)) rec(x, p ? `${p}.${k}` : k);
  };
  rec(node, prefix);
  return out;
}

describe('listParams', () => {
  for (const [name, make] of Object.entries(allPresets)) {
    it(`lists every leaf of preset ${name} with its value`, () => {
      const cfg = make();
      const listed = new Map(listParams(cfg).map((p) => [p.path, p.value]));
      expect(listed).toEqual(expectedLeaves(cfg));
    });
    it(`documents every leaf of preset ${name} and the preset passes its own schema`, () => {
      const cfg = make();
      const undocumented = listParams(cfg).filter((p) => !p.documented || p.doc === '').map((p) => p.path);
      expect(undocumented).toEqual([]);
      expect(() => validateConfig(cfg)).not.toThrow();
    });
  }

  it('names the GAP-8 parameters as the brief and fact sheets do', () => {
    const paths = listParams(gap8()).map((p) => p.path);
    for (const p of ['cluster.cores', 'cluster.tcdm.banks', 'icache.refillLatency', 'l2.latency', 'memory.tcdm.base', 'core.version']) {
      expect(paths).toContain(p);
    }
    // The region name is the entry's identity, not a parameter.
    expect(paths).not.toContain('memory.tcdm.name');
    expect(paramInfo(gap8(), 'memory.l2.base').value).toBe(0x1c00_0000);
  });
});

describe('getParam / setParam', () => {
  it('reads the GAP-8 values of the fact sheet (8 cores, 16 banks of 1024 words, TAS bit 20)', () => {
    const c = gap8();
    expect(getParam(c, 'cluster.cores')).toBe(8);
    expect(getParam(c, 'cluster.tcdm.banks')).toBe(16);
    expect(getParam(c, 'cluster.tcdm.bankWords')).toBe(1024);
    expect(getParam(c, 'cluster.tcdm.testSetBit')).toBe(20);
  });

  it('parses strings by the leaf type and leaves the input untouched', () => {
    const c = gap8();
    const d = setParam(c, 'icache.refillLatency', '10');
    expect(d.icache.refillLatency).toBe(10);
    const e = setParam(c, 'icache.ideal', 'true');
    expect(e.icache.ideal).toBe(true);
    expect(c.icache.ideal).toBe(false);
    expect(setParam(c, 'bootAddr', '0x1c00_8000').bootAddr).toBe(0x1c00_8000);
    expect(setParam(c, 'icache.sizeBytes', '8KiB').icache.sizeBytes).toBe(8192);
    expect(setParam(preset('ri5cy'), 'core.version', 'cv32e40p').core.version).toBe('cv32e40p');
    expect(setParam(preset('ri5cy'), 'memory.ram_hi.size', '0x200000').memory[1]!.size).toBe(0x200000);
  });

  it('changes only the named leaf although the presets share one port object for imem and dmem', () => {
    const c = preset('ri5cy');
    const d = setParam(c, 'dmem.grantDelay', '2');
    expect([d.dmem.grantDelay, d.imem.grantDelay]).toEqual([2, 0]);
    const e = applySets(c, ['imem.responseDelay=3']);
    expect([e.imem.responseDelay, e.dmem.responseDelay]).toEqual([3, 1]);
  });

  it('accepts a unique tail of a name and refuses an ambiguous one', () => {
    const c = gap8();
    expect(resolveParam(c, 'tcdm.banks')).toBe('cluster.tcdm.banks');
    expect(resolveParam(c, 'refillLatency')).toBe('icache.refillLatency');
    expect(setParam(c, 'cores', '4').cluster.cores).toBe(4);
    expect(() => getParam(c, 'grantDelay')).toThrow(/ambiguous: imem\.grantDelay, dmem\.grantDelay/);
  });

  it('round-trips every integer parameter through its text form (property)', () => {
    // The single-core port timings are refused on a cluster configuration (tested below).
    const params = listParams(gap8()).filter((p) => p.type === 'int' && p.min !== undefined && p.max !== undefined && !/^(imem|dmem)\./.test(p.path));
    fc.assert(
      fc.property(fc.constantFrom(...params), fc.nat(), fc.boolean(), (p, seed, asHex) => {
        const span = p.max! - p.min! + 1;
        let v = p.min! + (seed % span);
        if (p.pow2) v = 2 ** Math.floor(Math.log2(Math.max(1, v)));
        if (v < p.min!) return;
        const text = asHex ? '0x' + v.toString(16) : String(v);
        expect(getParam(setParam(gap8(), p.path, text), p.path)).toBe(v);
      }),
    );
  });
});

describe('errors', () => {
  const err = (f: () => unknown): ParamError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ParamError) return e;
      throw e;
    }
    throw new Error('expected a ParamError');
  };

  it('suggests the closest name for a misspelt parameter', () => {
    expect(err(() => setParam(gap8(), 'icache.refilLatency', '3')).message).toBe(
      "unknown parameter 'icache.refilLatency' (did you mean 'icache.refillLatency'?)",
    );
    expect(err(() => getParam(gap8(), 'cluster.tcdm.bank')).message).toMatch(/did you mean 'cluster\.tcdm\.banks'/);
    expect(err(() => getParam(gap8(), 'tcdm.bnaks')).message).toMatch(/did you mean 'cluster\.tcdm\.banks'/);
    expect(err(() => getParam(gap8(), 'frobnicator.widgetCount')).message).not.toMatch(/did you mean/);
    expect(err(() => getParam(preset('ri5cy'), 'cluster.cores')).param).toBe('cluster.cores');
  });

  it('says what a bad value should have been', () => {
    expect(err(() => setParam(gap8(), 'cluster.tcdm.banks', '12')).message).toBe(
      "cluster.tcdm.banks: expected a power of two 1..64, got '12'",
    );
    expect(err(() => setParam(gap8(), 'icache.refillLatency', '0')).message).toBe(
      "icache.refillLatency: expected an integer 1..1000 cycles, got '0'",
    );
    expect(err(() => setParam(gap8(), 'icache.ideal', 'maybe')).message).toMatch(/icache\.ideal: expected true or false/);
    expect(err(() => setParam(gap8(), 'core.version', 'ri5cy_v2')).message).toMatch(/expected one of cv32e40p, ri5cy, ri5cy_v1/);
    expect(err(() => setParam(gap8(), 'l2.latency', 'abc')).message).toMatch(/l2\.latency: expected an integer/);
    expect(err(() => setParam(gap8(), 'cluster.cores', 3)).message).toMatch(/cluster\.cores: expected a power of two 1\.\.16, got 3/);
  });

  it('names a group that is not a single parameter', () => {
    expect(err(() => setParam(gap8(), 'icache', '3')).message).toMatch(/'icache' is a group of parameters.*icache\.sizeBytes/);
  });

  it('applySets checks key=value syntax and the cross-field rules of index.ts', () => {
    expect(err(() => applySets(gap8(), ['cluster.cores'])).message).toMatch(/'cluster\.cores': expected key=value/);
    expect(() => parseAssignment('=3')).toThrow(ParamError);
    const ok = applySets(gap8(), ['cluster.cores=4', 'icache.refillLatency=20', 'cluster.tcdm.banks = 32']);
    expect([ok.cluster.cores, ok.icache.refillLatency, ok.cluster.tcdm.banks]).toEqual([4, 20, 32]);
    // 64 banks x 65536 words puts the row bits (2 + 6 + 16 = 24) above the test-and-set bit 20.
    expect(err(() => applySets(gap8(), ['tcdm.banks=64', 'tcdm.bankWords=65536'])).message).toMatch(/cluster\.tcdm\.testSetBit/);
    // 16 cores (with GAP-8's 4 HWCE ports: 20 masters on channel 0) build; 32 or 12 cores do not (power of two to 16).
    expect(applySets(gap8(), ['cores=16']).cluster.cores).toBe(16);
    expect(err(() => applySets(gap8(), ['cores=32'])).message).toBe("cluster.cores: expected a power of two 1..16, got '32'");
    const twelve = gap8();
    twelve.cluster.cores = 12;
    expect(err(() => validateConfig(twelve)).message).toBe('cluster.cores: expected a power of two 1..16, got 12');
    const c = gap8();
    c.cluster.cores = 12;
    expect(() => validateCluster(c.cluster)).toThrow('cluster.cores: must be a power of two 1..16, got 12');
    // 4 ways need 8 banks x 16 bytes x 4 ways x 2 rows = 1 KiB at least.
    expect(err(() => applySets(gap8(), ['icache.sizeBytes=512'])).message).toMatch(/icache\.sizeBytes/);
  });
});

describe('port timings on a cluster configuration', () => {
  const err = (f: () => unknown): ParamError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ParamError) return e;
      throw e;
    }
    throw new Error('expected a ParamError');
  };
  it('refuses imem.* and dmem.* on gap8, naming the parameter, and keeps them on a single-core system', () => {
    for (const name of ['dmem.grantDelay', 'dmem.responseDelay', 'imem.grantDelay', 'imem.responseDelay']) {
      const e = err(() => setParam(gap8(), name, 2));
      expect(e.param).toBe(name);
      expect(e.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: has no effect on a cluster configuration`));
      expect(() => applySets(gap8(), [`${name}=2`])).toThrow(ParamError);
    }
    expect(setParam(preset('ri5cy_v1'), 'dmem.grantDelay', 2).dmem.grantDelay).toBe(2);
    // The values stay readable (the cluster's config is still a SystemConfig).
    expect(getParam(gap8(), 'dmem.responseDelay')).toBe(1);
  });
});

describe('editDistance', () => {
  it('matches a hand-computed table', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Banks', 'banks')).toBe(0);
    expect(editDistance('refilLatency', 'refillLatency')).toBe(1);
  });
  it('is symmetric and zero only for equal strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });
  it('closestParam gives nothing for far names', () => {
    expect(closestParam(gap8(), 'xyzzy')).toBeUndefined();
  });
});

describe('core what-if parameters', () => {
  it.each(Object.keys(allPresets))('preset %s lists the ISA switch and the core timing with the RTL values', (name) => {
    const cfg = allPresets[name]!();
    if (!('core' in cfg)) return;
    const values = Object.fromEntries(listParams(cfg).filter((p) => p.path.startsWith('core.')).map((p) => [p.path, p.value]));
    expect(values).toMatchObject({
      'core.isa.xpulpnn': false,
      'core.branch': 'rtl',
      'core.loadUseCycles': 1,
      'core.mulCycles': 1,
      'core.mulhCycles': 5,
      'core.divCycles': 0,
    });
  });

  it('are settable by --set on every preset, single core and cluster', () => {
    for (const make of [() => preset('ri5cy'), gap8]) {
      const c = applySets(make(), ['core.isa.xpulpnn=true', 'branch=btfn', 'loadUseCycles=0', 'mulCycles=3', 'mulhCycles=2', 'divCycles=10']);
      expect(c.core).toMatchObject({ isa: { xpulpnn: true }, branch: 'btfn', loadUseCycles: 0, mulCycles: 3, mulhCycles: 2, divCycles: 10 });
    }
  });

  it('refuses bad values naming the parameter', () => {
    const bad: Array<[string, RegExp]> = [
      ['core.branch=always', /^core\.branch: expected one of rtl, btfn, got 'always'/],
      ['core.loadUseCycles=17', /^core\.loadUseCycles: expected an integer 0\.\.16 cycles/],
      ['core.mulCycles=0', /^core\.mulCycles: expected an integer 1\.\.32 cycles/],
      ['core.mulhCycles=-1', /^core\.mulhCycles: expected an integer 1\.\.32/],
      ['core.divCycles=65', /^core\.divCycles: expected an integer 0\.\.64/],
      ['core.isa.xpulpnn=maybe', /^core\.isa\.xpulpnn: expected true or false/],
    ];
    for (const [set, msg] of bad) {
      let err: unknown;
      try {
        applySets(gap8(), [set]);
      } catch (e) {
        err = e;
      }
      expect(err, set).toBeInstanceOf(ParamError);
      expect((err as ParamError).param, set).toBe(set.split('=')[0]);
      expect((err as Error).message, set).toMatch(msg);
    }
  });

  it('refuses XpulpNN on the CORE-V encodings (its words exist only in the xpulpv2 flavour)', () => {
    expect(() => applySets(preset('cv32e40p'), ['core.isa.xpulpnn=true'])).toThrow(/core\.isa\.xpulpnn: the XpulpNN extension needs core\.flavour=xpulpv2/);
    try {
      applySets(preset('cv32e40p'), ['core.isa.xpulpnn=true']);
    } catch (e) {
      expect((e as ParamError).param).toBe('core.isa.xpulpnn');
    }
  });
});
