import { XmlRpcFaultError, XmlRpcMalformedError } from '../../../actors/cloud-gazer/errors.js';
import { decodeMethodResponse, encodeMethodCall } from '../../../actors/cloud-gazer/xmlrpc.js';

const response = (value: string) =>
  `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n${value}\n</param>\n</params>\n</methodResponse>\n`;

const malformed = (xml: string) => {
  expect(() => decodeMethodResponse(xml)).toThrow(XmlRpcMalformedError);
};

describe('XML-RPC codec (the changelog_since_serial transport, spec/behaviours.md A.4)', () => {
  describe('methodCall', () => {
    test('changelog_since_serial(serial) as Python writes it', () => {
      expect(encodeMethodCall('changelog_since_serial', [1234567])).toBe(
        '<?xml version="1.0"?>\n<methodCall><methodName>changelog_since_serial</methodName>' +
          '<params><param><value><int>1234567</int></value></param></params></methodCall>\n',
      );
    });

    test('every type, with text escaped', () => {
      const xml = encodeMethodCall('m', ['a<b&c>', true, false, null, 1.5, 2 ** 40, [1, 'x'], { 'k&': -3 }]);
      expect(xml).toContain('<value><string>a&lt;b&amp;c&gt;</string></value>');
      expect(xml).toContain('<value><boolean>1</boolean></value><');
      expect(xml).toContain('<value><boolean>0</boolean></value>');
      expect(xml).toContain('<value><nil/></value>');
      expect(xml).toContain('<value><double>1.5</double></value>');
      expect(xml).toContain('<value><i8>1099511627776</i8></value>');
      expect(xml).toContain('<value><array><data><value><int>1</int></value><value><string>x</string></value></data></array></value>');
      expect(xml).toContain('<value><struct><member><name>k&amp;</name><value><int>-3</int></value></member></struct></value>');
    });

    test('refuses method names and numbers XML-RPC cannot carry', () => {
      expect(() => encodeMethodCall('a b', [])).toThrow(TypeError);
      expect(() => encodeMethodCall('m', [Number.NaN])).toThrow(TypeError);
    });

    test('round-trips through the reader', () => {
      const values = ['x & y', 0, -7, 2 ** 40, 0.25, true, null, [['a', null, 1]], { a: 'b', n: [] }];
      for (const value of values) {
        const call = encodeMethodCall('m', [value]);
        const inner = call.slice(call.indexOf('<value>'), call.lastIndexOf('</param>'));
        expect(decodeMethodResponse(response(inner))).toEqual(value);
      }
    });
  });

  describe('methodResponse', () => {
    test('a changelog as PyPI sends it, including nil versions', () => {
      const xml = response(`<value><array><data>
<value><array><data>
<value><string>Foo_Bar</string></value>
<value><string>1.0</string></value>
<value><int>1531327388</int></value>
<value><string>add source file Foo_Bar-1.0.tar.gz</string></value>
<value><int>1000001</int></value>
</data></array></value>
<value><array><data>
<value><string>gone</string></value>
<value><nil/></value>
<value><i4>1531327390</i4></value>
<value><string>remove project</string></value>
<value><i8>1000002</i8></value>
</data></array></value>
</data></array></value>`);
      expect(decodeMethodResponse(xml)).toEqual([
        ['Foo_Bar', '1.0', 1531327388, 'add source file Foo_Bar-1.0.tar.gz', 1000001],
        ['gone', null, 1531327390, 'remove project', 1000002],
      ]);
    });

    test('scalars: untyped value is a string (whitespace kept), booleans, doubles, namespaced nil', () => {
      expect(decodeMethodResponse(response('<value>  plain text </value>'))).toBe('  plain text ');
      expect(decodeMethodResponse(response('<value></value>'))).toBe('');
      expect(decodeMethodResponse(response('<value><string/></value>'))).toBe('');
      expect(decodeMethodResponse(response('<value><boolean>1</boolean></value>'))).toBe(true);
      expect(decodeMethodResponse(response('<value><boolean>0</boolean></value>'))).toBe(false);
      expect(decodeMethodResponse(response('<value><double>-1.5e3</double></value>'))).toBe(-1500);
      expect(decodeMethodResponse(response('<value><ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/></value>'))).toBeNull();
      expect(decodeMethodResponse(response('<value><int> +42 </int></value>'))).toBe(42);
    });

    test('entities and character references are decoded; CDATA is text', () => {
      expect(decodeMethodResponse(response('<value><string>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#233;&#x263A;</string></value>'))).toBe(
        '<a> & "b" \'c\' é☺',
      );
      expect(decodeMethodResponse(response('<value><string><![CDATA[<raw> & stuff]]></string></value>'))).toBe('<raw> & stuff');
      expect(decodeMethodResponse(response('<value><string>a\r\nb</string></value>'))).toBe('a\nb');
    });

    test('structs; comments and processing instructions are skipped', () => {
      const xml = response(`<!-- hi --><value><struct>
  <member><name>a</name><value><int>1</int></value></member>
  <member><name>b</name><value><array><data/></array></value></member>
</struct></value>`);
      expect(decodeMethodResponse(xml)).toEqual({ a: 1, b: [] });
      const proto = decodeMethodResponse(response('<value><struct><member><name>__proto__</name><value>x</value></member></struct></value>'));
      expect(Object.getPrototypeOf(proto)).toBeNull();
    });

    test('a fault becomes XmlRpcFaultError with its code and string', () => {
      const xml = `<?xml version='1.0'?><methodResponse><fault><value><struct>
<member><name>faultCode</name><value><int>-32500</int></value></member>
<member><name>faultString</name><value><string>HTTPTooManyRequests: slow down</string></value></member>
</struct></value></fault></methodResponse>`;
      let caught: unknown;
      try {
        decodeMethodResponse(xml);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(XmlRpcFaultError);
      expect(caught).toMatchObject({ code: 'PIW_ERR_XMLRPC_FAULT', faultCode: -32500, faultString: 'HTTPTooManyRequests: slow down' });
    });

    test.each([
      ['not XML at all', 'garbage'],
      ['HTML', '<html><body>Service Unavailable</body></html>'],
      ['an empty body', ''],
      ['truncated', response('<value><array><data><value><int>1</int>')],
      ['mismatched tags', response('<value><int>1</string></value>')],
      ['an unknown entity', response('<value><string>&nbsp;</string></value>')],
      ['a bare ampersand', response('<value><string>a & b</string></value>')],
      ['a DOCTYPE (entity expansion)', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${response('<value>&a;</value>')}`],
      ['a bad int', response('<value><int>12a</int></value>')],
      ['an int beyond 2^53', response('<value><i8>99999999999999999999</i8></value>')],
      ['a bad boolean', response('<value><boolean>true</boolean></value>')],
      ['a bad double', response('<value><double>1e</double></value>')],
      ['an unsupported type', response('<value><base64>AAAA</base64></value>')],
      ['two types in one value', response('<value><int>1</int><int>2</int></value>')],
      ['text beside a type', response('<value>x<int>1</int></value>')],
      ['stray text in an array', response('<value><array><data>oops<value>1</value></data></array></value>')],
      ['a member without a name', response('<value><struct><member><value>1</value></member></struct></value>')],
      ['a methodCall instead of a response', encodeMethodCall('m', [1])],
      ['two params', '<methodResponse><params><param><value>a</value></param><param><value>b</value></param></params></methodResponse>'],
      ['content after the root', `${response('<value>a</value>')}<extra/>`],
      ['a fault without a struct', '<methodResponse><fault><value><int>1</int></value></fault></methodResponse>'],
      ['a fault with a string code', '<methodResponse><fault><value><struct><member><name>faultCode</name><value>x</value></member><member><name>faultString</name><value>y</value></member></struct></value></fault></methodResponse>'],
      ['a NUL character reference', response('<value><string>&#0;</string></value>')],
      ['nesting 100 arrays deep', response('<value><array><data>'.repeat(100) + '</data></array></value>'.repeat(100))],
    ])('rejects %s as malformed', (_what, xml) => {
      malformed(xml);
    });

    test('malformed errors carry the PIW_ERR_XMLRPC_MALFORMED code', () => {
      expect(() => decodeMethodResponse('garbage')).toThrow(expect.objectContaining({ code: 'PIW_ERR_XMLRPC_MALFORMED' }));
    });
  });
});
