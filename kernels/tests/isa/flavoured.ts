/**
 * One test source for both encodings of the PULP extensions (rtl/isa/types.ts `Flavour`): RI5CY / PULP GCC
 * (`p.*`, `pv.*`, `lp.*`) and CORE-V v2 as LLVM 19 spells it (`cv.*`). A neutral source (`*.S.in`) is assembly
 * for our assembler with two additions, rendered into one program per flavour:
 *
 * - `@<id> operands`: the instruction with that rtl/isa table id, written with the flavour's mnemonic and operand
 *   syntax from the table (so `@pv.pack.h` becomes `pv.pack.h` or `cv.pack`, and the post-increment forms
 *   `p.lw rd, imm(rs1!)` or `cv.lw rd, (rs1), imm`). Operands come in the neutral order: the table syntax's
 *   operands with an address (`off(base)`, `off(base!)`, `(base), off`) read as `base, off`, e.g.
 *   `@p.lw.ri.post a1, a0, 4`. Outside a flavour block the id must have an encoding in both flavours.
 * - `.ifflavour <flavour>` / `.else` / `.endif`: lines for one flavour only, where the two differ in meaning
 *   (hardware-loop end labels, instructions of one flavour). Inside, instructions may use the flavour's own
 *   mnemonics; outside, a PULP mnemonic of either flavour is an error, so a one-flavour spelling cannot hide in the
 *   shared part.
 *
 * Rendering keeps every line in place (lines of the other flavour and the block directives become empty), so the
 * assembler's messages name the line of the neutral source.
 */
import { type Diagnostic, AsmFailure } from '../../toolchain/asm/diagnostics.ts';
import { allInstrs, findId, syntaxOperands } from '../../../rtl/isa/table.ts';
import type { Encoding, Flavour, InstrDef, OperandName } from '../../../rtl/isa/types.ts';

export const FLAVOUR_NAMES: readonly Flavour[] = ['xpulpv2', 'corev'];

/**
 * The operand names of a syntax template in neutral order: an address `off(base)` / `off(base!)` (PULP GCC) or
 * `(base), off` (CORE-V) reads as `base, off`, the order both spellings agree on.
 */
export function neutralOperands(syntax: string): OperandName[] {
  const flat = syntax.replace(/(\w+)\s*\(\s*(\w+)\s*!?\s*\)/g, '$2, $1').replace(/\(\s*(\w+)\s*\)/g, '$1');
  return syntaxOperands(flat);
}

/**
 * The neutral operand order of an entry, the same for every flavour it has; throws naming the id when the two
 * flavours' templates disagree (their operands could not be written once).
 */
export function neutralOrderOf(def: InstrDef): OperandName[] {
  const orders = FLAVOUR_NAMES.flatMap((f) => (def.enc[f] ? [{ f, order: neutralOperands(def.enc[f]!.syntax) }] : []));
  const [first, ...rest] = orders;
  if (!first) throw new Error(`rtl/isa entry '${def.id}' has no PULP encoding`);
  for (const o of rest) {
    if (o.order.join(',') !== first.order.join(',')) {
      throw new Error(
        `rtl/isa entry '${def.id}': operand order ${first.f} (${first.order.join(', ')}) differs from ${o.f} (${o.order.join(', ')})`,
      );
    }
  }
  return first.order;
}

/** Every mnemonic (and alias) of the PULP extensions, with the flavours that spell it so. */
const pulpMnemonics: ReadonlyMap<string, ReadonlySet<Flavour>> = (() => {
  const m = new Map<string, Set<Flavour>>();
  for (const d of allInstrs) {
    if (!d.ext.startsWith('Xpulp')) continue;
    for (const f of FLAVOUR_NAMES) {
      const e = d.enc[f];
      for (const name of e ? [e.mnemonic, ...(e.aliases ?? []).map((a) => a.mnemonic)] : []) {
        let s = m.get(name);
        if (!s) m.set(name, (s = new Set()));
        s.add(f);
      }
    }
  }
  return m;
})();

/** `text` split at the commas outside parentheses, each part trimmed. */
function splitOperands(text: string): string[] {
  if (text.trim() === '') return [];
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The template with each operand name replaced by its value. */
function fillTemplate(enc: Encoding, values: ReadonlyMap<OperandName, string>): string {
  const ops = enc.syntax.replace(/[A-Za-z][A-Za-z0-9]*/g, (tok) => values.get(tok as OperandName) ?? tok);
  return ops === '' ? enc.mnemonic : `${enc.mnemonic} ${ops}`;
}

interface Block {
  /** A `.ifflavour` block, or an ordinary assembler conditional passed through. */
  kind: 'flavour' | 'asm';
  flavour?: Flavour;
  /** The lines of this branch are rendered for the target flavour (and every enclosing block's are). */
  active: boolean;
  inElse: boolean;
  line: number;
}

// Optional labels, then the first word of the statement.
const STATEMENT = /^(\s*(?:[A-Za-z_.$][A-Za-z0-9_.$]*:\s*|[0-9]+:\s*)*)(@?[A-Za-z_.][A-Za-z0-9_.]*)(.*)$/;

/**
 * The program of one flavour from a neutral source. Checks the source for both flavours, whichever is rendered,
 * and throws an AsmFailure listing every error by file, line and column.
 */
export function renderFlavoured(source: string, file: string, flavour: Flavour): string {
  const errors: Diagnostic[] = [];
  const err = (line: number, col: number, message: string) => errors.push({ severity: 'error', loc: { file, line, col }, message });
  const stack: Block[] = [];
  const out: string[] = [];
  const lines = source.split('\n');

  lines.forEach((text, i) => {
    const lineNo = i + 1;
    const active = stack.every((b) => b.active);
    const blockFlavour = [...stack].reverse().find((b) => b.kind === 'flavour')?.flavour;
    const m = STATEMENT.exec(text);
    const word = m ? m[2]!.toLowerCase() : '';
    const col = m ? m[1]!.length + 1 : 1;

    if (word === '.ifflavour') {
      const arg = m![3]!.replace(/#.*/, '').trim();
      if (!(FLAVOUR_NAMES as readonly string[]).includes(arg)) {
        err(lineNo, col, `.ifflavour needs a flavour (${FLAVOUR_NAMES.join(' or ')}), got '${arg}'`);
      } else if (blockFlavour !== undefined) {
        err(lineNo, col, `.ifflavour ${arg} inside the .ifflavour ${blockFlavour} block of line ${stack.find((b) => b.kind === 'flavour')!.line}`);
      }
      stack.push({ kind: 'flavour', flavour: arg as Flavour, active: arg === flavour, inElse: false, line: lineNo });
      out.push('');
      return;
    }
    if (word.startsWith('.if')) {
      stack.push({ kind: 'asm', active: true, inElse: false, line: lineNo });
      out.push(active ? text : '');
      return;
    }
    if (word === '.else' || word === '.elseif' || word === '.endif') {
      const top = stack[stack.length - 1];
      if (!top) {
        err(lineNo, col, `${word} without .if`);
        out.push(text);
        return;
      }
      if (top.kind === 'asm') {
        if (word === '.endif') stack.pop();
        out.push(active ? text : '');
        return;
      }
      if (word === '.elseif') err(lineNo, col, '.elseif in an .ifflavour block: use .else');
      else if (word === '.else') {
        if (top.inElse) err(lineNo, col, `second .else of the .ifflavour block of line ${top.line}`);
        top.inElse = true;
        top.active = !top.active;
        top.flavour = FLAVOUR_NAMES.find((f) => f !== top.flavour)!;
      } else stack.pop();
      out.push('');
      return;
    }

    if (word.startsWith('@')) {
      const id = word.slice(1);
      const def = findId(id);
      if (!def || !def.ext.startsWith('Xpulp')) {
        err(lineNo, col, def ? `'${id}' is not a PULP extension instruction: write it as is` : `no rtl/isa instruction with id '${id}'`);
        out.push('');
        return;
      }
      const needed = blockFlavour ? [blockFlavour] : FLAVOUR_NAMES;
      const missing = needed.filter((f) => !def.enc[f]);
      if (missing.length > 0) {
        const has = FLAVOUR_NAMES.filter((f) => def.enc[f]);
        err(lineNo, col, `'${id}' has no ${missing.join('/')} encoding (only ${has.join('/')}): put it in an '.ifflavour ${has[0]}' block`);
        out.push('');
        return;
      }
      let order: OperandName[];
      try {
        order = neutralOrderOf(def);
      } catch (e) {
        err(lineNo, col, (e as Error).message);
        out.push('');
        return;
      }
      const rest = m![3]!;
      const hash = rest.indexOf('#');
      const operandText = hash < 0 ? rest : rest.slice(0, hash);
      const comment = hash < 0 ? '' : ` ${rest.slice(hash)}`;
      const values = splitOperands(operandText);
      if (values.length !== order.length || values.some((v) => v === '')) {
        err(lineNo, col + word.length + 1, `'${id}' takes ${order.length} operands (${order.join(', ')}), got ${values.length}: '${operandText.trim()}'`);
        out.push('');
        return;
      }
      if (!active) {
        out.push('');
        return;
      }
      const enc = def.enc[flavour]!;
      out.push(`${m![1]}${fillTemplate(enc, new Map(order.map((n, k) => [n, values[k]!])))}${comment}`);
      return;
    }

    const spelledBy = pulpMnemonics.get(word);
    if (spelledBy) {
      const owner = [...spelledBy].join('/');
      if (!blockFlavour) err(lineNo, col, `'${word}' is the ${owner} spelling: write it by table id ('@<id>') or in an '.ifflavour' block`);
      else if (!spelledBy.has(blockFlavour)) err(lineNo, col, `'${word}' is the ${owner} spelling, in the .ifflavour ${blockFlavour} block`);
    }
    out.push(active ? text : '');
  });

  for (const b of stack) err(b.line, 1, `${b.kind === 'flavour' ? '.ifflavour' : '.if'} without .endif`);
  if (errors.length > 0) throw new AsmFailure(errors);
  return out.join('\n');
}
