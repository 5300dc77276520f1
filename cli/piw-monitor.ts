#!/usr/bin/env node
/** piw-monitor: the master and its build slaves in a terminal (cli/monitor/, actors/monitor/, machines/farm/). */
import { runCli } from './common/run.js';
import { MonitorCommand } from './monitor/command.js';

// Exit once the terminal is restored: nothing of the monitor's may keep the process (or the screen) alive.
process.exit(await runCli(MonitorCommand, { binaryName: 'piw-monitor' }));
