import { findClosingQuote, unescapeLogItem } from '../../../actors/access-log/apache-escape.js';

describe("unescapeLogItem: Apache's log escaping undone", () => {
  it.each([
    ['plain text', 'plain text'],
    ['only \\"quotes\\"', 'only "quotes"'],
    ['back\\\\slash', 'back\\slash'],
    ['\\\\\\"', '\\"'],
    ['ctl \\b\\n\\r\\t\\v', 'ctl \b\n\r\t\v'],
    ['hex \\x41\\x7e', 'hex A~'],
    ['utf-8 \\xe2\\x82\\xac!', 'utf-8 €!'],
    ['invalid utf-8 \\xff', 'invalid utf-8 \ufffd'],
    ['unknown \\q escape', 'unknown \\q escape'],
    ['short \\x4', 'short \\x4'],
    ['trailing \\', 'trailing \\'],
    ['JSON-only escapes \\/ \\u0041 \\f stay as written', 'JSON-only escapes \\/ \\u0041 \\f stay as written'],
    ['a raw\ttab beside \\"quotes\\"', 'a raw\ttab beside "quotes"'],
    ['pip {\\"cpu\\":\\"armv7l\\",\\"x\\":\\"a\\\\b\\"}', 'pip {"cpu":"armv7l","x":"a\\b"}'],
  ])('%j → %j', (raw, text) => {
    expect(unescapeLogItem(raw)).toBe(text);
  });
});

describe('findClosingQuote', () => {
  it('skips quotes escaped by an odd number of backslashes', () => {
    expect(findClosingQuote('a\\"b" rest', 0)).toBe(4);
    expect(findClosingQuote('a\\\\" rest', 0)).toBe(3);
    expect(findClosingQuote('\\\\\\"x"', 0)).toBe(5);
  });

  it('returns -1 when the field never closes', () => {
    expect(findClosingQuote('abc\\"', 0)).toBe(-1);
  });
});
