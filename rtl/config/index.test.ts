import { describe, expect, it } from 'vitest';
import { gap8ClusterSystem, preset, presets } from './index.ts';

describe('presets', () => {
  it('give each port its own timing object, so setting one port leaves the other alone', () => {
    for (const name of Object.keys(presets)) {
      const cfg = preset(name);
      cfg.dmem.grantDelay = 2;
      expect(cfg.imem.grantDelay, name).toBe(0);
    }
    const cl = gap8ClusterSystem();
    cl.dmem.responseDelay = 7;
    expect(cl.imem.responseDelay).toBe(1);
  });
  it('refuse an unknown preset naming the known ones', () => {
    expect(() => preset('gap9')).toThrow(/unknown configuration preset 'gap9' \(known: cv32e40p, ri5cy, ri5cy_v1\)/);
  });
});
