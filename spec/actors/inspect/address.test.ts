import { InspectAddressError, inspectUrl, isLoopback, parseInspectAddress } from '../../../actors/inspect/address.js';

test('off unless asked: nothing, false, and the switch words for no', () => {
  for (const value of [undefined, false, '', 'no', 'off', 'false', '0', 'NO']) expect(parseInspectAddress(value)).toBeUndefined();
});

// `--inspect=0` and `--inspect=1` are the switch words, as in the environment; any free port is `127.0.0.1:0`.
test('the bare option and the switch words for yes mean 127.0.0.1:8008', () => {
  for (const value of [true, 'yes', 'on', 'true', '1', 'Yes']) expect(parseInspectAddress(value)).toEqual({ host: '127.0.0.1', port: 8008 });
});

test('a port, a host, host:port, localhost and bracketed IPv6', () => {
  expect(parseInspectAddress('9000')).toEqual({ host: '127.0.0.1', port: 9000 });
  expect(parseInspectAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
  expect(parseInspectAddress('127.0.0.2')).toEqual({ host: '127.0.0.2', port: 8008 });
  expect(parseInspectAddress('127.0.0.1:9001')).toEqual({ host: '127.0.0.1', port: 9001 });
  expect(parseInspectAddress('localhost:9002')).toEqual({ host: '127.0.0.1', port: 9002 });
  expect(parseInspectAddress('[::1]:9003')).toEqual({ host: '::1', port: 9003 });
  expect(parseInspectAddress('::1')).toEqual({ host: '::1', port: 8008 });
});

test('an address other machines can reach is refused, saying why', () => {
  for (const value of ['0.0.0.0:8008', '10.0.0.1', '192.168.1.5:80', '[::]:8008', '::', '[2001:db8::1]:80', '::ffff:10.0.0.1']) {
    expect(() => parseInspectAddress(value)).toThrow(InspectAddressError);
  }
  expect(() => parseInspectAddress('0.0.0.0:8008')).toThrow(/0\.0\.0\.0 is not a loopback address: .* served to this machine only/);
});

test('a host name other than localhost, and a bad port, are refused', () => {
  expect(() => parseInspectAddress('example.com:80')).toThrow(/expected a loopback IP address .*"example.com"/);
  expect(() => parseInspectAddress('127.0.0.1:65536')).toThrow(/expected a port from 0 to 65535, got "65536"/);
  expect(() => parseInspectAddress('127.0.0.1:http')).toThrow(/expected a port/);
  expect(() => parseInspectAddress('127.0.0.1:')).toThrow(/expected a port/);
});

test('loopback: 127/8, ::1 in its forms, IPv4-mapped 127/8', () => {
  expect(['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
  expect(['128.0.0.1', '::', '::2', 'localhost', '0.0.0.0'].some(isLoopback)).toBe(false);
});

test('the page address, IPv6 in brackets', () => {
  expect(inspectUrl({ host: '127.0.0.1', port: 8008 })).toBe('http://127.0.0.1:8008/');
  expect(inspectUrl({ host: '::1', port: 9 })).toBe('http://[::1]:9/');
});
