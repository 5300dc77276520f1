#!/usr/bin/env node
/** piw-initdb: initialise or upgrade the piwheels master database (cli/initdb/). */
import { InitdbCommand } from './initdb/command.js';
import { main } from './common/run.js';

await main(InitdbCommand, { binaryName: 'piw-initdb' });
