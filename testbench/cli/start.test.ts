import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from './start.ts';

const dir = mkdtempSync(join(tmpdir(), 'pulpsim-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pulpsim start', () => {
  it('runs the demo and writes a VCD and a .gtkw naming it', () => {
    const s = runDemo({ cycles: 1500, backend: 'codegen', outDir: dir });
    expect(s.cycles).toBe(1500);
    const vcd = readFileSync(s.vcdPath, 'utf8');
    expect(vcd).toContain('$enddefinitions');
    expect(vcd).toMatch(/\$scope module mac \$end/);
    expect(vcd).toMatch(/#14990\b/); // cycle 1499 at the default 10 time units per cycle
    const gtkw = readFileSync(s.gtkwPath, 'utf8');
    expect(gtkw).toContain(s.vcdPath);
    expect(gtkw).toContain('top.mac.state');
    // 1500 cycles with a 150-cycle pause: a batch takes 16 words + pipeline + 4 result cycles, so ~60.
    expect(s.results).toBeGreaterThan(30);
  });
});
