#!/usr/bin/env node
/** piw-master: the piwheels master (cli/master/, actors/master/). */
import { joinInspectValue, MasterCommand } from './master/command.js';
import { limitHeapGrowth } from './master/heap-growth.js';
import { collectWhenIdle } from './master/idle-collection.js';
import { runCli } from './common/run.js';

// The master's memory (issue 15): a heap that grows less under load and is given back when the load stops.
limitHeapGrowth();
collectWhenIdle();
// Exit as soon as the master has stopped: a PyPI request still in flight must not hold the process open.
process.exit(await runCli(MasterCommand, { binaryName: 'piw-master', argv: joinInspectValue(process.argv.slice(2)) }));
