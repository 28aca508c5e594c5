// A small VCD reader for our own dumps (IEEE 1364-2005 §18 two-state subset plus GTKWave's
// `$var string` / `s<text>` extension). Used by tests and tools to check what the writer produced.

export interface VcdReadVar {
  type: string;
  size: number;
  id: string;
  name: string;
  /** The `[msb:lsb]` or `[bit]` token after the name, if any. */
  range?: string;
  /** Scope names and the variable name joined with '.'. */
  path: string;
}

export interface VcdReadScope {
  type: string;
  name: string;
  vars: VcdReadVar[];
  scopes: VcdReadScope[];
}

export interface VcdChange {
  time: number;
  /** Vectors and scalars as unsigned numbers; string variables as decoded text. */
  value: number | string;
}

export interface VcdDocument {
  date?: string;
  version?: string;
  timescale?: string;
  comments: string[];
  /** A pseudo-scope holding the top-level scopes. */
  root: VcdReadScope;
  /** Declarations in file order. */
  vars: VcdReadVar[];
  /** Per identifier code, every value change in file order (including the $dumpvars values). */
  changes: Map<string, VcdChange[]>;
  /** Every `#time` in file order. */
  times: number[];
}

class VcdSyntaxError extends Error {}

/** Decodes the C escapes GTKWave accepts in string values (\\, \n, \t, \xHH, ...). */
function decodeString(raw: string, fail: (msg: string) => never): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i];
    const simple: Record<string, string> = { '\\': '\\', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', "'": "'", '"': '"', '?': '?' };
    if (e !== undefined && e in simple) out += simple[e];
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else fail(`bad escape '\\${e ?? ''}' in string value '${raw}'`);
  }
  return out;
}

/** Parses a whole VCD text. Throws with the line number of the first problem. */
export function parseVcd(text: string): VcdDocument {
  const tokenRe = /\S+/g;
  let lastIndex = 0;
  const lineAt = (index: number): number => {
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const fail = (msg: string): never => {
    throw new VcdSyntaxError(`VCD line ${lineAt(lastIndex)}: ${msg}`);
  };
  const next = (): string | undefined => {
    const m = tokenRe.exec(text);
    if (m === null) return undefined;
    lastIndex = m.index;
    return m[0];
  };
  const need = (what: string): string => next() ?? fail(`unexpected end of file, expected ${what}`);
  const untilEnd = (kw: string): string[] => {
    const words: string[] = [];
    for (let t = need(`$end closing ${kw}`); t !== '$end'; t = need(`$end closing ${kw}`)) words.push(t);
    return words;
  };

  const doc: VcdDocument = {
    comments: [],
    root: { type: 'root', name: '', vars: [], scopes: [] },
    vars: [],
    changes: new Map(),
    times: [],
  };
  const byId = new Map<string, VcdReadVar>();
  const stack: VcdReadScope[] = [doc.root];

  // Declarations.
  for (;;) {
    const t = need('$enddefinitions');
    if (t === '$enddefinitions') {
      untilEnd(t);
      if (stack.length !== 1) fail(`$enddefinitions inside scope '${stack[stack.length - 1].name}'`);
      break;
    }
    switch (t) {
      case '$date':
        doc.date = untilEnd(t).join(' ');
        break;
      case '$version':
        doc.version = untilEnd(t).join(' ');
        break;
      case '$timescale':
        doc.timescale = untilEnd(t).join('');
        break;
      case '$comment':
        doc.comments.push(untilEnd(t).join(' '));
        break;
      case '$scope': {
        const w = untilEnd(t);
        if (w.length !== 2) fail(`$scope needs a type and a name, got '${w.join(' ')}'`);
        const s: VcdReadScope = { type: w[0], name: w[1], vars: [], scopes: [] };
        stack[stack.length - 1].scopes.push(s);
        stack.push(s);
        break;
      }
      case '$upscope':
        if (untilEnd(t).length !== 0) fail('$upscope takes no arguments');
        if (stack.length === 1) fail('$upscope without an open $scope');
        stack.pop();
        break;
      case '$var': {
        const w = untilEnd(t);
        if (w.length !== 4 && w.length !== 5) fail(`$var needs type, size, id, name [range], got '${w.join(' ')}'`);
        const size = Number(w[1]);
        if (!Number.isInteger(size) || size < 1) fail(`$var size '${w[1]}' is not a positive integer`);
        const path = [...stack.slice(1).map((s) => s.name), w[3]].join('.');
        const v: VcdReadVar = { type: w[0], size, id: w[2], name: w[3], path, ...(w[4] !== undefined ? { range: w[4] } : {}) };
        const other = byId.get(v.id);
        // Aliases (one code, several names) may differ in net type (a reg seen through a wire port)
        // but not in size or in being a string.
        if (other !== undefined && (other.size !== v.size || (other.type === 'string') !== (v.type === 'string'))) {
          fail(`identifier '${v.id}' of '${path}' aliases '${other.path}' with a different size or kind`);
        }
        byId.set(v.id, other ?? v);
        if (!doc.changes.has(v.id)) doc.changes.set(v.id, []);
        stack[stack.length - 1].vars.push(v);
        doc.vars.push(v);
        break;
      }
      default:
        fail(`unexpected '${t}' in the declarations`);
    }
  }

  // Value changes.
  let time = -1;
  const record = (id: string, value: number | string): void => {
    const v = byId.get(id) ?? fail(`value change for undeclared identifier '${id}'`);
    if (time < 0) fail(`value change for '${v.path}' before the first #time`);
    doc.changes.get(id)!.push({ time, value });
  };
  for (let t = next(); t !== undefined; t = next()) {
    const c = t[0];
    if (c === '#') {
      const n = Number(t.slice(1));
      if (!/^#\d+$/.test(t) || !Number.isSafeInteger(n)) fail(`bad time '${t}'`);
      if (n < time) fail(`time ${n} goes back from ${time}`);
      time = n;
      doc.times.push(n);
    } else if (t === '$dumpvars' || t === '$dumpall' || t === '$dumpon' || t === '$dumpoff' || t === '$end') {
      // Section markers: the values inside are ordinary changes.
    } else if (t === '$comment') {
      doc.comments.push(untilEnd(t).join(' '));
    } else if (c === '0' || c === '1') {
      const id = t.slice(1);
      const v = byId.get(id) ?? fail(`value change for undeclared identifier '${id}'`);
      if (v.type === 'string') fail(`scalar value for string variable '${v.path}'`);
      record(id, c === '1' ? 1 : 0);
    } else if (c === 'b' || c === 'B') {
      const bits = t.slice(1);
      const id = need('identifier after vector value');
      if (!/^[01]+$/.test(bits)) fail(`vector value '${t}' has bits other than 0/1 (x/z are not supported)`);
      const v = byId.get(id) ?? fail(`value change for undeclared identifier '${id}'`);
      if (bits.length > v.size) fail(`value '${t}' has ${bits.length} bits but '${v.path}' is declared with ${v.size}`);
      if (bits.length > 53) fail(`value '${t}' is too wide for this reader`);
      record(id, parseInt(bits, 2));
    } else if (c === 's' || c === 'S') {
      const id = need('identifier after string value');
      const v = byId.get(id) ?? fail(`value change for undeclared identifier '${id}'`);
      if (v.type !== 'string') fail(`string value for non-string variable '${v.path}'`);
      record(id, decodeString(t.slice(1), fail));
    } else if (c === 'x' || c === 'z' || c === 'X' || c === 'Z') {
      fail(`x/z value '${t}' is not supported by this reader`);
    } else {
      fail(`unexpected '${t}' in the value changes`);
    }
  }
  return doc;
}

/** The value a variable holds at `time` (the last change at or before it), or undefined before its first. */
export function valueAt(doc: VcdDocument, id: string, time: number): number | string | undefined {
  const list = doc.changes.get(id);
  if (list === undefined) throw new Error(`no variable with identifier '${id}'`);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : list[lo - 1].value;
}
