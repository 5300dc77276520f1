#!/usr/bin/env node
/** piw-rebuild: see cli/import/rebuild-command.ts. */
import { RebuildCommand } from './import/rebuild-command.js';
import { main } from './common/run.js';

await main(RebuildCommand, { binaryName: 'piw-rebuild' });
