import {
  PyPIHttpError,
  PyPIResponseTooLargeError,
  PyPIUnavailableError,
  XmlRpcFaultError,
  XmlRpcMalformedError,
} from '../../../actors/cloud-gazer/errors.js';
import { PyPIXmlRpc } from '../../../actors/cloud-gazer/pypi-xmlrpc.js';
import { FakePyPI } from './fake-pypi.js';

let pypi: FakePyPI;
beforeEach(async () => {
  pypi = await FakePyPI.start();
});
afterEach(() => pypi.close());

const T = 1_531_327_388;

describe('PyPI XML-RPC changelog client (spec/behaviours.md A.4, 127; protocols/README.md §7)', () => {
  test('POSTs changelog_since_serial(serial) with our User-Agent and returns the rows', async () => {
    pypi.rows = [
      ['foo', '1.0', T, 'add source file foo-1.0.tar.gz', 1_000_001],
      ['Bar', null, T + 1, 'create', 1_000_002],
      ['baz', '2.0', T + 2, 'remove release', 1_000_003],
    ];
    const client = new PyPIXmlRpc(pypi.url);
    await expect(client.changelogSinceSerial(1_000_001)).resolves.toEqual([
      { package: 'Bar', version: null, timestamp: T + 1, action: 'create', serial: 1_000_002 },
      { package: 'baz', version: '2.0', timestamp: T + 2, action: 'remove release', serial: 1_000_003 },
    ]);
    const [call] = pypi.changelogCalls;
    expect(call).toMatchObject({ method: 'POST', path: '/pypi', userAgent: 'piwheels/0.18', contentType: 'text/xml', serial: 1_000_001 });
    expect(call!.body).toContain('<methodName>changelog_since_serial</methodName>');
  });

  test('an empty changelog is an empty list', async () => {
    await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(5)).resolves.toEqual([]);
  });

  describe('127: unreachable or server trouble → PyPIUnavailableError (an empty batch for the buffer)', () => {
    test('connection refused', async () => {
      await pypi.stop();
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toMatchObject({
        code: 'PIW_ERR_PYPI_UNAVAILABLE',
        message: expect.stringContaining('ECONNREFUSED'),
      });
    });

    test('the connection dropped without an answer', async () => {
      pypi.xmlrpc = { kind: 'hangup' };
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toBeInstanceOf(PyPIUnavailableError);
    });

    test('no answer within the timeout', async () => {
      pypi.xmlrpc = { kind: 'slow', ms: 30_000 };
      await expect(new PyPIXmlRpc(pypi.url, { timeoutMs: 100 }).changelogSinceSerial(0)).rejects.toMatchObject({
        code: 'PIW_ERR_PYPI_UNAVAILABLE',
        message: expect.stringContaining('no answer within'),
      });
    });

    test.each([500, 502, 503, 504, 408, 429])('HTTP %i', async (status) => {
      pypi.xmlrpc = { kind: 'status', status };
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toBeInstanceOf(PyPIUnavailableError);
    });

    test("PyPI's too-many-requests fault (-32500) and faults with server-side codes", async () => {
      for (const code of [-32500, 500, 503]) {
        pypi.xmlrpc = { kind: 'fault', code, text: 'HTTPTooManyRequests' };
        await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toBeInstanceOf(PyPIUnavailableError);
      }
    });
  });

  describe('127: other failures propagate as typed errors', () => {
    test.each([400, 403, 404])('HTTP %i → PyPIHttpError', async (status) => {
      pypi.xmlrpc = { kind: 'status', status };
      const err = await new PyPIXmlRpc(pypi.url).changelogSinceSerial(0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PyPIHttpError);
      expect(err).toMatchObject({ code: 'PIW_ERR_PYPI_HTTP', status });
    });

    test('another fault → XmlRpcFaultError', async () => {
      pypi.xmlrpc = { kind: 'fault', code: 1, text: 'no such method' };
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toEqual(expect.any(XmlRpcFaultError));
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toMatchObject({ faultCode: 1, faultString: 'no such method' });
    });

    test.each([
      ['garbage', 'this is not xml'],
      ['an HTML page with status 200', '<html><body>Maintenance</body></html>'],
      ['a struct instead of an array', "<?xml version='1.0'?><methodResponse><params><param><value><struct/></value></param></params></methodResponse>"],
      ['a row of 4 items', "<?xml version='1.0'?><methodResponse><params><param><value><array><data><value><array><data><value>a</value><value>1</value><value><int>1</int></value><value>create</value></data></array></value></data></array></value></param></params></methodResponse>"],
      ['a string serial', "<?xml version='1.0'?><methodResponse><params><param><value><array><data><value><array><data><value>a</value><value>1</value><value><int>1</int></value><value>create</value><value>7</value></data></array></value></data></array></value></param></params></methodResponse>"],
    ])('%s → XmlRpcMalformedError', async (_what, body) => {
      pypi.xmlrpc = { kind: 'body', body };
      await expect(new PyPIXmlRpc(pypi.url).changelogSinceSerial(0)).rejects.toBeInstanceOf(XmlRpcMalformedError);
    });

    test('an answer over the size limit → PyPIResponseTooLargeError', async () => {
      pypi.rows = Array.from({ length: 200 }, (_, i): [string, string, number, string, number] => ['foo', '1', T, 'create', i + 1]);
      await expect(new PyPIXmlRpc(pypi.url, { maxBytes: 4096 }).changelogSinceSerial(0)).rejects.toBeInstanceOf(PyPIResponseTooLargeError);
    });
  });
});
