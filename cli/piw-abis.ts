#!/usr/bin/env node
/** piw-abis list | add | retire: see cli/abis/abis-command.ts. */
import { AddAbisCommand, ListAbisCommand, RetireAbisCommand } from './abis/abis-command.js';
import { main } from './common/run.js';

await main([ListAbisCommand, AddAbisCommand, RetireAbisCommand], { binaryName: 'piw-abis' });
