/** Conversations with Mr Chase as a raw importer would hold them (REQ requests, file-sender transfers). */
import { sendFile } from '../../../actors/file-sender/index.js';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import type { BuildStateWire, FileStateWire } from '../../../protocols/records.js';
import type { World } from './world.js';

export function importOf(
  files: FileStateWire[],
  overrides: { slaveId?: number; pkg?: string; version?: string; abi?: string; status?: boolean; output?: string } = {},
): BuildStateWire {
  return [
    overrides.slaveId ?? 0,
    overrides.pkg ?? 'foo',
    overrides.version ?? '1.0',
    overrides.abi ?? 'cp311',
    overrides.status ?? true,
    new TimeDelta(0, 90, 0),
    overrides.output ?? 'Imported manually via piw-import',
    files,
  ];
}

type Client = ReturnType<World['client']>;

/**
 * IMPORT `build`, then serve every SEND from `paths` (filename → file on disk) and say SENT, until the
 * master says something else. Returns each reply as `VERB data`.
 */
export async function importBuild(world: World, client: Client, build: BuildStateWire, paths: Record<string, string>): Promise<string[]> {
  const trace: string[] = [];
  let reply = await client.request({ verb: 'IMPORT', data: build });
  for (;;) {
    trace.push(reply.data === undefined ? reply.verb : `${reply.verb} ${reply.data}`);
    if (reply.verb !== 'SEND') return trace;
    const path = paths[reply.data];
    if (path === undefined) throw new Error(`the master asked for ${reply.data}, which is not in the test's files`);
    await sendFile({ address: world.fileQueue, slaveId: 0, path });
    reply = await client.request({ verb: 'SENT' });
  }
}

/** Sends one request and returns its reply as `VERB data`. */
export async function ask(client: Client, msg: Parameters<Client['request']>[0]): Promise<string> {
  const reply = await client.request(msg);
  return reply.data === undefined ? reply.verb : `${reply.verb} ${reply.data}`;
}
