// A small XML well-formedness checker for the SVG and XHTML-compatible pages the report helpers write (tests use
// it; browsers are lenient, an XML parser is not): one root element, properly nested and closed tags, quoted and
// unique attributes, no raw '<' or bare '&' in text or attribute values. Throws naming line and column.

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

export function checkXml(text: string): { root: string; elements: number } {
  let i = 0;
  const stack: string[] = [];
  let root: string | undefined;
  let elements = 0;
  const at = (k: number): string => {
    const before = text.slice(0, k);
    return `line ${before.split('\n').length}, column ${k - before.lastIndexOf('\n')}`;
  };
  const fail = (msg: string, k = i): never => {
    throw new Error(`XML: ${msg} at ${at(k)}`);
  };
  const checkText = (s: string, start: number): void => {
    for (let k = 0; k < s.length; k++) {
      if (s[k] === '<') fail(`raw '<' in text`, start + k);
      if (s[k] === '&' && !ENTITY.test(s.slice(k))) fail(`bare '&' (not an entity)`, start + k);
    }
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length === 0 && chunk.trim() !== '') fail('text outside the root element');
    checkText(chunk, i);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) fail('unterminated comment');
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) fail('unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      if (root !== undefined) fail('DOCTYPE after the root element');
      const end = text.indexOf('>', i);
      i = end + 1;
    } else if (text.startsWith('</', i)) {
      const m = NAME.exec(text.slice(i + 2));
      if (!m) return fail('bad closing tag');
      const close = text.indexOf('>', i);
      if (text.slice(i + 2 + m[0].length, close).trim() !== '') fail(`junk in closing tag </${m[0]}>`);
      const open = stack.pop();
      if (open !== m[0]) fail(open ? `</${m[0]}> closes <${open}>` : `</${m[0]}> without an open element`);
      i = close + 1;
    } else {
      const m = NAME.exec(text.slice(i + 1));
      if (!m) return fail(`'<' not starting a tag`);
      const name = m[0];
      if (stack.length === 0) {
        if (root !== undefined) fail(`second root element <${name}>`);
        root = name;
      }
      elements++;
      let k = i + 1 + name.length;
      const attrs = new Set<string>();
      for (;;) {
        while (/\s/.test(text[k] ?? '')) k++;
        if (text.startsWith('/>', k)) {
          k += 2;
          break;
        }
        if (text[k] === '>') {
          stack.push(name);
          k++;
          break;
        }
        if (k >= text.length) fail(`unterminated tag <${name}>`, i);
        const a = NAME.exec(text.slice(k));
        if (!a) fail(`bad attribute in <${name}>`, k);
        const an = a![0];
        if (attrs.has(an)) fail(`duplicate attribute ${an} in <${name}>`, k);
        attrs.add(an);
        k += an.length;
        if (text[k] !== '=') fail(`attribute ${an} of <${name}> without a value`, k);
        const q = text[k + 1];
        if (q !== '"' && q !== "'") fail(`unquoted value of ${an} in <${name}>`, k + 1);
        const end = text.indexOf(q!, k + 2);
        if (end < 0) fail(`unterminated value of ${an}`, k);
        checkText(text.slice(k + 2, end), k + 2);
        k = end + 1;
      }
      i = k;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]}> not closed`);
  if (root === undefined) fail('no root element');
  return { root: root!, elements };
}
