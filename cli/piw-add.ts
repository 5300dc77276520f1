#!/usr/bin/env node
/** piw-add: see cli/add/add-command.ts. */
import { AddCommand } from './add/add-command.js';
import { main } from './common/run.js';

await main(AddCommand, { binaryName: 'piw-add' });
