#!/usr/bin/env node
/** piw-rebuild: see cli/rebuild/rebuild-command.ts. */
import { RebuildCommand } from './rebuild/rebuild-command.js';
import { main } from './common/run.js';

await main(RebuildCommand, { binaryName: 'piw-rebuild' });
