import * as zmq from 'zeromq';
import { bindSocket } from '../../../actors/zmq/socket.js';
import { tempDir } from './support.js';

describe('bindSocket', () => {
  test('returns the endpoint actually bound: a tcp port of * becomes the real port', async () => {
    const socket = new zmq.Pull({ linger: 0 });
    try {
      expect(await bindSocket(socket, 'tcp://127.0.0.1:*')).toMatch(/^tcp:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    } finally {
      socket.close();
    }
  });

  test('a failed bind (address in use) closes the socket and throws, so nothing is left holding a port', async () => {
    const first = new zmq.Pull({ linger: 0 });
    const second = new zmq.Pull({ linger: 0 });
    try {
      const endpoint = await bindSocket(first, 'tcp://127.0.0.1:*');
      await expect(bindSocket(second, endpoint)).rejects.toThrow();
      expect(second.closed).toBe(true);
      expect(first.closed).toBe(false);
    } finally {
      first.close();
    }
  });

  test('an ipc bind into a directory that does not exist closes the socket and throws', async () => {
    const dir = await tempDir();
    const socket = new zmq.Pull({ linger: 0 });
    try {
      await expect(bindSocket(socket, `ipc://${dir.path}/missing-dir/sock`, 'private')).rejects.toThrow();
      expect(socket.closed).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});
