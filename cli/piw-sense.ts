#!/usr/bin/env node
/** piw-sense: see cli/sense/command.ts. */
import { main } from './common/run.js';
import { SenseCommand } from './sense/command.js';

await main(SenseCommand, { binaryName: 'piw-sense' });
