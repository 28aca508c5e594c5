// Every committed timing-vector ELF runs on the ISS with its core's preset and must end with the tohost value the
// RTL stored (1 = the program's own functional checks passed; xpulp_isa_check checks 457 XpulpV2 results).
// The ELFs were built by GCC/clang from the vectors' own sources, so this is independent of our assembler.
//
// instret is compared through each README's definition:
// * RI5CY (both versions): expected.json's instret is PCCR1 ("instructions leaving ID") sampled when the tohost
//   store is in EX. The counter increments one cycle after an instruction leaves ID, so the store itself is not
//   included: expected = the ISS's PCCR1 minus the store. (The ISS's PCCR1 also leaves out fence, fence.i, mret
//   and, on v1.0, ebreak, which the RTL retires through a flush; see versions.ts.)
// * CV32E40P: the harness counts retire events in cycles [0, total_cycles]; in the last of those cycles the store
//   is in EX and the instruction after it (the program's final `j .`) leaves ID, so expected = ISS instret + 1.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CoreVersion, preset } from '../../rtl/config/index.ts';
import { readElf } from '../../kernels/toolchain/elf.ts';
import { Iss } from './iss.ts';

const ROOT = 'testbench/fixtures/timing';

interface Vector {
  elf: string;
  tohost: number;
  instret: number;
}

function vectors(version: CoreVersion): Array<[string, Vector]> {
  const json = JSON.parse(readFileSync(join(ROOT, version, 'expected.json'), 'utf8')) as {
    vectors: Record<string, Vector>;
  };
  // Memory-timing variants (name@dgN ...) run the same ELF with the same functional result.
  return Object.entries(json.vectors).filter(([name]) => !name.includes('@'));
}

for (const version of ['ri5cy', 'ri5cy_v1', 'cv32e40p'] as const) {
  describe(`timing-vector ELFs on the ISS: ${version}`, () => {
    const list = vectors(version);
    it('has the committed ELF of every vector', () => {
      const files = new Set(readdirSync(join(ROOT, version)));
      expect(list.length).toBeGreaterThan(40);
      for (const [, v] of list) expect(files.has(v.elf)).toBe(true);
    });
    for (const [name, v] of list) {
      const path = join(ROOT, version, v.elf);
      it(`${name}: tohost ${v.tohost}, instret ${v.instret}`, () => {
        const iss = new Iss(preset(version), { maxInstructions: 2_000_000 });
        iss.load(readElf(readFileSync(path), path));
        const r = iss.run();
        expect(r.exit, r.message).toBe('tohost');
        expect(r.tohost, r.message).toBe(v.tohost);
        if (version === 'cv32e40p') {
          expect(r.instret + 1).toBe(v.instret);
        } else {
          // PCCR1 after the store counted it (the store is an ordinary counted instruction).
          expect(iss.csrs.ri5cyPerf.pccr[1]! - 1).toBe(v.instret);
        }
      });
    }
  });
}
