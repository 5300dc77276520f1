/**
 * A loopback TCP port nobody listens on now, for the processes the tests, the fault suite and the
 * benchmarks start with addresses they must know before the process binds them (a slave queue, a web
 * server): the kernel's choice for port 0, given back at once.
 */
import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
