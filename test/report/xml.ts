// A tiny XML well-formedness checker for the SVG tests: balanced tags, quoted attributes, known
// entities, no raw `<` or `&` in text. Returns the problems it finds and the elements it saw.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

export interface XmlCheck {
  problems: string[];
  elements: XmlElement[];
}

const NAMED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

function isNameChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '-' || ch === '_' || ch === ':' || ch === '.';
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

function checkEntities(text: string, where: string, problems: string[]): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') problems.push(`raw '<' in ${where}`);
    if (text[i] !== '&') continue;
    const end = text.indexOf(';', i);
    const name = end < 0 ? '' : text.slice(i + 1, end);
    const numeric = name.startsWith('#x') ? /^#x[0-9a-fA-F]+$/.test(name) : name.startsWith('#') && /^#[0-9]+$/.test(name);
    if (!NAMED_ENTITIES.has(name) && !numeric) problems.push(`bad entity near '${text.slice(i, i + 10)}' in ${where}`);
  }
}

export function checkXml(source: string): XmlCheck {
  const problems: string[] = [];
  const elements: XmlElement[] = [];
  const open: string[] = [];
  let i = 0;
  let sawRoot = false;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = lt < 0 ? source.slice(i) : source.slice(i, lt);
    checkEntities(text, 'text', problems);
    if (open.length === 0 && text.trim() !== '') problems.push('text outside the root element');
    if (lt < 0) break;
    if (source.startsWith('<?', lt)) {
      i = source.indexOf('?>', lt) + 2;
      continue;
    }
    if (source.startsWith('<!--', lt)) {
      i = source.indexOf('-->', lt) + 3;
      continue;
    }
    const gt = source.indexOf('>', lt);
    if (gt < 0) {
      problems.push('unterminated tag');
      break;
    }
    const tag = source.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const expected = open.pop();
      if (name !== expected) problems.push(`closing </${name}> but <${expected}> is open`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    let p = 0;
    while (p < body.length && isNameChar(body[p])) p++;
    const name = body.slice(0, p);
    if (!name) problems.push(`tag without a name: <${tag}>`);
    const attributes: Record<string, string> = {};
    while (p < body.length) {
      while (p < body.length && isSpace(body[p])) p++;
      if (p >= body.length) break;
      const start = p;
      while (p < body.length && isNameChar(body[p])) p++;
      const attr = body.slice(start, p);
      if (!attr || body[p] !== '=' || (body[p + 1] !== '"' && body[p + 1] !== "'")) {
        problems.push(`malformed attribute in <${name}>`);
        break;
      }
      const quote = body[p + 1];
      const close = body.indexOf(quote, p + 2);
      if (close < 0) {
        problems.push(`unterminated attribute ${attr} in <${name}>`);
        break;
      }
      const value = body.slice(p + 2, close);
      checkEntities(value, `attribute ${attr}`, problems);
      if (attr in attributes) problems.push(`duplicate attribute ${attr} in <${name}>`);
      attributes[attr] = value;
      p = close + 1;
      if (p < body.length && !isSpace(body[p])) problems.push(`no space after attribute ${attr} in <${name}>`);
    }
    if (open.length === 0 && sawRoot) problems.push(`second root element <${name}>`);
    sawRoot = true;
    elements.push({ name, attributes });
    if (!selfClosing) open.push(name);
  }
  if (open.length > 0) problems.push(`unclosed elements: ${open.join(', ')}`);
  if (!sawRoot) problems.push('no root element');
  return { problems, elements };
}
