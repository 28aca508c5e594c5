import { describe, expect, it } from 'vitest';
import { parseVcd, valueAt } from './vcd_reader.ts';

// The minimal file of fact sheet hdl-dsl-anchors §3.1.
const EXAMPLE = `$timescale 1ns $end
$scope module top $end
$scope module core0 $end
$var wire 1 ! clk $end
$var wire 32 " pc [31:0] $end
$var string 1 # stage $end
$upscope $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
b10000000000000000000000000000000 "
sIF #
$end
#5
1!
`;

describe('VCD reader', () => {
  it('reads the fact-sheet example: hierarchy, declarations and values', () => {
    const doc = parseVcd(EXAMPLE);
    expect(doc.timescale).toBe('1ns');
    expect(doc.root.scopes.map((s) => s.name)).toEqual(['top']);
    expect(doc.root.scopes[0].scopes[0].vars.map((v) => v.name)).toEqual(['clk', 'pc', 'stage']);
    expect(doc.vars.map((v) => [v.path, v.type, v.size, v.id, v.range])).toEqual([
      ['top.core0.clk', 'wire', 1, '!', undefined],
      ['top.core0.pc', 'wire', 32, '"', '[31:0]'],
      ['top.core0.stage', 'string', 1, '#', undefined],
    ]);
    expect(doc.times).toEqual([0, 5]);
    expect(valueAt(doc, '!', 4)).toBe(0);
    expect(valueAt(doc, '!', 5)).toBe(1);
    expect(valueAt(doc, '"', 100)).toBe(0x80000000);
    expect(valueAt(doc, '#', 0)).toBe('IF');
  });

  it('left-extends short vectors with zeros and decodes string escapes', () => {
    const doc = parseVcd(`$scope module t $end $var reg 8 a v [7:0] $end $var string 1 b s $end $upscope $end $enddefinitions $end
#0 b101 a sa\\x20b\\\\c b #3 b0 a s b`);
    expect(doc.changes.get('a')).toEqual([{ time: 0, value: 5 }, { time: 3, value: 0 }]);
    expect(doc.changes.get('b')).toEqual([{ time: 0, value: 'a b\\c' }, { time: 3, value: '' }]);
    expect(valueAt(doc, 'a', -1)).toBeUndefined();
  });

  it('reports the line of malformed input', () => {
    const head = '$scope module t $end\n$var wire 2 ! v [1:0] $end\n$upscope $end\n$enddefinitions $end\n';
    expect(() => parseVcd(`${head}#0\nb111 !\n`)).toThrow(/line 6: value 'b111' has 3 bits but 't\.v' is declared with 2/);
    expect(() => parseVcd(`${head}#0\nb1 ?\n`)).toThrow(/line 6: value change for undeclared identifier '\?'/);
    expect(() => parseVcd(`${head}#4\n#2\n`)).toThrow(/line 6: time 2 goes back from 4/);
    expect(() => parseVcd(`${head}#0\nbx1 !\n`)).toThrow(/x\/z are not supported/);
    expect(() => parseVcd(`${head}b1 !\n`)).toThrow(/before the first #time/);
    expect(() => parseVcd('$scope module t $end\n$enddefinitions $end\n')).toThrow(/line 2: \$enddefinitions inside scope 't'/);
    expect(() => parseVcd('$var wire 1 ! a $end\n$var wire 2 ! b [1:0] $end\n$enddefinitions $end')).toThrow(/aliases 'a' with a different size/);
  });
});
