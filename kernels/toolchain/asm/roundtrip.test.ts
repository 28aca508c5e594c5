// Round trip through the whole toolchain: for every encoding of the table, in both flavours, a word with random
// operand bits is decoded, printed by the disassembler (rtl/isa/disasm.ts, llvm-objdump spelling without
// aliases, so each instruction prints under its own mnemonic), assembled back at the same address, and must give
// the same word. Branch targets print as absolute addresses, which the GNU dialect reads as addresses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldMask } from '../../../rtl/isa/fields.ts';
import { makeDecoder } from '../../../rtl/isa/decoder.ts';
import { disassemble } from '../../../rtl/isa/disasm.ts';
import { encodingsOf } from '../../../rtl/isa/table.ts';
import type { Flavour } from '../../../rtl/isa/types.ts';
import { assembleAt } from './index.ts';

function wordAt(b: Uint8Array, size: number): number {
  return size === 2 ? b[0]! | (b[1]! << 8) : (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

for (const flavour of ['xpulpv2', 'corev'] as Flavour[]) {
  describe(`assemble(disassemble(word)) === word, ${flavour}`, () => {
    const decode = makeDecoder(flavour);
    const encs = encodingsOf(flavour);
    it('covers the whole table', () => {
      expect(encs.length).toBeGreaterThan(flavour === 'xpulpv2' ? 250 : 200);
    });
    for (const { def, enc } of encs) {
      it(`${def.id} (${enc.mnemonic} ${enc.syntax})`, () => {
        const covered = (enc.mask | enc.fields.reduce((m, f) => m | fieldMask(f), 0)) >>> 0;
        const full = enc.size === 2 ? 0xffff : 0xffffffff;
        let tried = 0;
        fc.assert(
          fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x100, max: 0x7ff00 }), (rnd, pc0) => {
            const word = ((enc.match | (rnd & ~enc.mask)) & full) >>> 0;
            const d = decode(word);
            // Random operands may hit a reserved form or a more specific entry; those words belong to others.
            const entry = d?.rvc ?? d;
            if (!d || !entry || entry.def.id !== def.id) return;
            tried++;
            const pc = pc0 & ~3;
            const text = disassemble(word, pc, flavour, { style: 'llvm', aliases: false });
            const src = `${enc.size === 2 ? '.option rvc' : '.option norvc'}\n${text}\n`;
            const bytes = assembleAt(src, pc, { flavour, rvc: true, dialect: 'gnu' });
            expect(bytes.length, text).toBe(enc.size);
            const back = wordAt(bytes, enc.size);
            if ((covered & full) === full) expect(back.toString(16), text).toBe(word.toString(16));
            else expect(disassemble(back, pc, flavour, { style: 'llvm', aliases: false }), text).toBe(text);
          }),
          { numRuns: 40, seed: 0x5eed },
        );
        expect(tried, 'random words of this encoding decode to it').toBeGreaterThan(0);
      });
    }
  });
}
