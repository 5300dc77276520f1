/**
 * A small, strict XML-RPC codec: writes a methodCall, reads a methodResponse or fault. Types: string, int,
 * i4, i8, double, boolean, nil, array, struct (namespace prefixes such as `ex:nil` are ignored, as Python's
 * xmlrpc.client does). Anything else — DOCTYPEs, unknown entities, unknown types, stray text, mismatched
 * tags — is an XmlRpcMalformedError; a fault is an XmlRpcFaultError carrying its code and string.
 */
import { XmlRpcFaultError, XmlRpcMalformedError } from './errors.js';

export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [member: string]: XmlRpcValue };

// ---------------------------------------------------------------------------------------------- writing

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function writeValue(value: XmlRpcValue): string {
  if (value === null) return '<value><nil/></value>';
  switch (typeof value) {
    case 'string':
      return `<value><string>${escapeText(value)}</string></value>`;
    case 'boolean':
      return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
    case 'number':
      if (Number.isSafeInteger(value)) {
        return value >= INT32_MIN && value <= INT32_MAX ? `<value><int>${value}</int></value>` : `<value><i8>${value}</i8></value>`;
      }
      if (!Number.isFinite(value)) throw new TypeError(`XML-RPC cannot carry ${value}`);
      return `<value><double>${value}</double></value>`;
  }
  if (Array.isArray(value)) return `<value><array><data>${value.map(writeValue).join('')}</data></array></value>`;
  const members = Object.entries(value).map(([k, v]) => `<member><name>${escapeText(k)}</name>${writeValue(v)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

/** The request body for `method(...params)`. */
export function encodeMethodCall(method: string, params: readonly XmlRpcValue[]): string {
  if (!/^[A-Za-z0-9_.:/]+$/.test(method)) throw new TypeError(`invalid XML-RPC method name: ${method}`);
  const body = params.map((p) => `<param>${writeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${body}</params></methodCall>\n`;
}

// ---------------------------------------------------------------------------------------------- reading

interface XmlElement {
  readonly name: string;
  readonly children: (XmlElement | string)[];
}

const MAX_DEPTH = 64;
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+[A-Za-z_:][-A-Za-z0-9_:.]*\s*=\s*(?:"[^"<]*"|'[^'<]*')/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const malformed = (detail: string) => new XmlRpcMalformedError(detail);

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw malformed(`unterminated entity "${whole.slice(0, 20)}"`);
    const predefined = PREDEFINED[body];
    if (predefined !== undefined) return predefined;
    const ref = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    if (ref === null) throw malformed(`unknown entity &${body};`);
    const code = ref[1] !== undefined ? parseInt(ref[1], 16) : parseInt(ref[2]!, 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw malformed(`invalid character reference &${body};`);
    return String.fromCodePoint(code);
  });
}

/** A minimal non-validating XML reader: elements, text, CDATA; comments and PIs skipped; no DTDs. */
class XmlReader {
  #pos = 0;
  constructor(readonly src: string) {}

  document(): XmlElement {
    if (this.src.charCodeAt(0) === 0xfeff) this.#pos = 1;
    this.#misc();
    if (!this.src.startsWith('<', this.#pos)) throw malformed('no root element');
    const root = this.#element(0);
    this.#misc();
    if (this.#pos !== this.src.length) throw malformed('content after the root element');
    return root;
  }

  /** Whitespace, comments and processing instructions outside the root element. */
  #misc(): void {
    for (;;) {
      while (this.#pos < this.src.length && /\s/.test(this.src[this.#pos]!)) this.#pos += 1;
      if (this.src.startsWith('<?', this.#pos)) this.#skipTo('?>');
      else if (this.src.startsWith('<!--', this.#pos)) this.#skipTo('-->');
      else if (this.src.startsWith('<!', this.#pos)) throw malformed('DTDs are not accepted');
      else return;
    }
  }

  #skipTo(end: string): string {
    const at = this.src.indexOf(end, this.#pos);
    if (at < 0) throw malformed(`unterminated "${this.src.slice(this.#pos, this.#pos + 9)}"`);
    const skipped = this.src.slice(this.#pos, at);
    this.#pos = at + end.length;
    return skipped;
  }

  #name(): string {
    NAME.lastIndex = this.#pos;
    const m = NAME.exec(this.src);
    if (m === null) throw malformed(`bad tag at offset ${this.#pos}`);
    this.#pos = NAME.lastIndex;
    return m[0];
  }

  #element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw malformed('nested too deeply');
    this.#pos += 1; // '<'
    const name = this.#name();
    for (;;) {
      ATTRIBUTE.lastIndex = this.#pos;
      if (ATTRIBUTE.exec(this.src) === null) break;
      this.#pos = ATTRIBUTE.lastIndex;
    }
    while (/\s/.test(this.src[this.#pos] ?? '')) this.#pos += 1;
    if (this.src.startsWith('/>', this.#pos)) {
      this.#pos += 2;
      return { name, children: [] };
    }
    if (this.src[this.#pos] !== '>') throw malformed(`bad tag <${name}>`);
    this.#pos += 1;
    const children: (XmlElement | string)[] = [];
    let text = '';
    for (;;) {
      const lt = this.src.indexOf('<', this.#pos);
      if (lt < 0) throw malformed(`<${name}> is not closed`);
      text += decodeEntities(this.src.slice(this.#pos, lt).replace(/\r\n?/g, '\n'));
      this.#pos = lt;
      if (this.src.startsWith('</', lt)) {
        this.#pos += 2;
        const end = this.#name();
        while (/\s/.test(this.src[this.#pos] ?? '')) this.#pos += 1;
        if (end !== name || this.src[this.#pos] !== '>') throw malformed(`<${name}> closed by </${end}>`);
        this.#pos += 1;
        if (text) children.push(text);
        return { name, children };
      }
      if (this.src.startsWith('<![CDATA[', lt)) {
        this.#pos += 9;
        text += this.#skipTo(']]>').replace(/\r\n?/g, '\n');
      } else if (this.src.startsWith('<!--', lt)) {
        this.#skipTo('-->');
      } else if (this.src.startsWith('<?', lt)) {
        this.#skipTo('?>');
      } else if (this.src.startsWith('<!', lt)) {
        throw malformed('DTDs are not accepted');
      } else {
        if (text) children.push(text);
        text = '';
        children.push(this.#element(depth + 1));
      }
    }
  }
}

/** The tag without a namespace prefix (`ex:nil` → `nil`). */
const local = (el: XmlElement) => el.name.slice(el.name.lastIndexOf(':') + 1);

const textOf = (el: XmlElement): string => {
  if (el.children.some((c) => typeof c !== 'string')) throw malformed(`<${el.name}> holds elements`);
  return el.children.join('');
};

/** The element children of `el`, which may hold nothing else but whitespace. */
function elementsOf(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      if (c.trim() !== '') throw malformed(`unexpected text in <${el.name}>`);
    } else {
      out.push(c);
    }
  }
  return out;
}

function only(el: XmlElement, name: string): XmlElement {
  const kids = elementsOf(el);
  if (kids.length !== 1 || local(kids[0]!) !== name) throw malformed(`<${el.name}> must hold exactly one <${name}>`);
  return kids[0]!;
}

function readInt(text: string, tag: string): number {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw malformed(`bad <${tag}> "${t.slice(0, 30)}"`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw malformed(`<${tag}> ${t} is out of range`);
  return n;
}

function readValue(value: XmlElement): XmlRpcValue {
  if (local(value) !== 'value') throw malformed(`<${value.name}> where <value> was expected`);
  const kids = value.children.filter((c): c is XmlElement => typeof c !== 'string');
  // A <value> with no type element is a string, whitespace and all.
  if (kids.length === 0) return textOf(value);
  const typed = only(value, local(kids[0]!));
  const tag = local(typed);
  switch (tag) {
    case 'string':
      return textOf(typed);
    case 'int':
    case 'i4':
    case 'i8':
      return readInt(textOf(typed), tag);
    case 'double': {
      const t = textOf(typed).trim();
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) throw malformed(`bad <double> "${t.slice(0, 30)}"`);
      return Number(t);
    }
    case 'boolean': {
      const t = textOf(typed).trim();
      if (t !== '0' && t !== '1') throw malformed(`bad <boolean> "${t.slice(0, 30)}"`);
      return t === '1';
    }
    case 'nil':
      if (typed.children.length > 0) throw malformed('<nil> must be empty');
      return null;
    case 'array':
      return elementsOf(only(typed, 'data')).map(readValue);
    case 'struct': {
      const out: { [member: string]: XmlRpcValue } = Object.create(null);
      for (const member of elementsOf(typed)) {
        if (local(member) !== 'member') throw malformed(`<${member.name}> in <struct>`);
        const parts = elementsOf(member);
        if (parts.length !== 2 || local(parts[0]!) !== 'name') throw malformed('<member> must hold <name> then <value>');
        out[textOf(parts[0]!)] = readValue(parts[1]!);
      }
      return out;
    }
    default:
      throw malformed(`unsupported type <${typed.name}>`);
  }
}

/** The single return value of a methodResponse; throws XmlRpcFaultError for a fault. */
export function decodeMethodResponse(xml: string): XmlRpcValue {
  const root = new XmlReader(xml).document();
  if (local(root) !== 'methodResponse') throw malformed(`root element is <${root.name}>, not <methodResponse>`);
  const kids = elementsOf(root);
  if (kids.length !== 1) throw malformed('<methodResponse> must hold <params> or <fault>');
  const body = kids[0]!;
  if (local(body) === 'params') return readValue(only(only(body, 'param'), 'value'));
  if (local(body) !== 'fault') throw malformed(`<${body.name}> in <methodResponse>`);
  const fault = readValue(only(body, 'value'));
  if (fault === null || typeof fault !== 'object' || Array.isArray(fault)) throw malformed('<fault> must hold a struct');
  const { faultCode, faultString } = fault;
  if (typeof faultCode !== 'number' || !Number.isInteger(faultCode) || typeof faultString !== 'string') {
    throw malformed('<fault> must carry an int faultCode and a string faultString');
  }
  throw new XmlRpcFaultError(faultCode, faultString);
}
