/**
 * The server side of XML-RPC as PyPI speaks it: reads a methodCall, writes a methodResponse or a fault.
 * Written apart from Cloud Gazer's client codec on purpose: a stand-in that shared the client's parser
 * could not catch the client's mistakes.
 */

export type XmlRpcValue = string | number | boolean | null | XmlRpcValue[] | { [member: string]: XmlRpcValue };

/** A request the server cannot make sense of; answered with an XML-RPC fault. */
export class XmlRpcRequestError extends Error {
  constructor(readonly faultCode: number, message: string) {
    super(message);
    this.name = 'XmlRpcRequestError';
  }
}

// PyPI's fault codes (the XML-RPC spec-for-fault-codes values it uses).
export const PARSE_ERROR = -32700;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

const notWellFormed = (why: string) => new XmlRpcRequestError(PARSE_ERROR, `parse error. not well formed: ${why}`);

interface Node {
  tag: string;
  children: (Node | string)[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw notWellFormed('bare "&"');
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const char = ENTITIES[name];
    if (char === undefined) throw notWellFormed(`unknown entity ${whole}`);
    return char;
  });
}

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)\s*(\/?)>|<|([^<]+)/g;

function parseXml(xml: string): Node {
  const root: Node = { tag: '#document', children: [] };
  const stack: Node[] = [root];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m !== null; m = TOKEN.exec(xml)) {
    const [whole, cdata, closing, tag, selfClosing, text] = m;
    const top = stack[stack.length - 1]!;
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue;
    if (cdata !== undefined) top.children.push(cdata);
    else if (text !== undefined) top.children.push(unescape(text));
    else if (tag === undefined) throw notWellFormed(`unexpected "<" at offset ${m.index}`);
    else if (closing) {
      if (top.tag !== tag) throw notWellFormed(`</${tag}> closes <${top.tag}>`);
      stack.pop();
    } else {
      const node: Node = { tag, children: [] };
      top.children.push(node);
      if (!selfClosing) stack.push(node);
    }
    if (stack.length > 64) throw notWellFormed('nested too deeply');
  }
  if (stack.length !== 1) throw notWellFormed(`<${stack[stack.length - 1]!.tag}> is not closed`);
  const elements = root.children.filter((c): c is Node => typeof c !== 'string');
  if (elements.length !== 1 || root.children.some((c) => typeof c === 'string' && c.trim() !== '')) throw notWellFormed('one root element expected');
  return elements[0]!;
}

const elements = (node: Node) => node.children.filter((c): c is Node => typeof c !== 'string');
const text = (node: Node) => node.children.filter((c): c is string => typeof c === 'string').join('');

function child(node: Node, tag: string): Node {
  const found = elements(node).filter((c) => c.tag === tag);
  if (found.length !== 1) throw notWellFormed(`<${node.tag}> needs one <${tag}>`);
  return found[0]!;
}

function readValue(value: Node): XmlRpcValue {
  const [typed, ...rest] = elements(value);
  if (typed === undefined) return text(value);
  if (rest.length) throw notWellFormed('<value> holds more than one type');
  const body = text(typed).trim();
  switch (typed.tag) {
    case 'int':
    case 'i4':
    case 'i8': {
      if (!/^[+-]?\d+$/.test(body)) throw notWellFormed(`bad <${typed.tag}>: ${body.slice(0, 20)}`);
      return Number(body);
    }
    case 'boolean':
      if (body !== '0' && body !== '1') throw notWellFormed(`bad <boolean>: ${body.slice(0, 20)}`);
      return body === '1';
    case 'double': {
      const n = Number(body);
      if (body === '' || Number.isNaN(n)) throw notWellFormed(`bad <double>: ${body.slice(0, 20)}`);
      return n;
    }
    case 'string':
    case 'dateTime.iso8601':
    case 'base64':
      return text(typed);
    case 'nil':
      return null;
    case 'array':
      return elements(child(typed, 'data')).map(readValue);
    case 'struct': {
      const out: Record<string, XmlRpcValue> = {};
      for (const member of elements(typed)) out[text(child(member, 'name'))] = readValue(child(member, 'value'));
      return out;
    }
    default:
      throw notWellFormed(`unknown type <${typed.tag}>`);
  }
}

export interface MethodCall {
  method: string;
  params: XmlRpcValue[];
}

export function parseMethodCall(xml: string): MethodCall {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw notWellFormed('DTDs are not accepted');
  const root = parseXml(xml);
  if (root.tag !== 'methodCall') throw notWellFormed(`root element <${root.tag}> is not <methodCall>`);
  const method = text(child(root, 'methodName')).trim();
  const paramsNode = elements(root).find((c) => c.tag === 'params');
  const params = paramsNode ? elements(paramsNode).map((param) => readValue(child(param, 'value'))) : [];
  return { method, params };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function writeValue(value: XmlRpcValue): string {
  if (value === null) return '<value><nil/></value>';
  if (typeof value === 'string') return `<value><string>${escape(value)}</string></value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `<value><double>${value}</double></value>`;
    return Math.abs(value) < 2 ** 31 ? `<value><int>${value}</int></value>` : `<value><i8>${value}</i8></value>`;
  }
  if (Array.isArray(value)) return `<value><array><data>\n${value.map(writeValue).join('\n')}\n</data></array></value>`;
  const members = Object.entries(value).map(([k, v]) => `<member>\n<name>${escape(k)}</name>\n${writeValue(v)}\n</member>`);
  return `<value><struct>\n${members.join('\n')}\n</struct></value>`;
}

export function methodResponse(value: XmlRpcValue): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${writeValue(value)}\n</param>\n</params>\n</methodResponse>\n`;
}

export function faultResponse(faultCode: number, faultString: string): string {
  return `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n${writeValue({ faultCode, faultString })}\n</fault>\n</methodResponse>\n`;
}
