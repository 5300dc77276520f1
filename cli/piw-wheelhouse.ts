#!/usr/bin/env node
/** piw-wheelhouse upload | fetch | sync: see cli/wheelhouse/. */
import { FetchCommand } from './wheelhouse/fetch-command.js';
import { SyncCommand } from './wheelhouse/sync-command.js';
import { UploadCommand } from './wheelhouse/upload-command.js';
import { main } from './common/run.js';

await main([UploadCommand, FetchCommand, SyncCommand], { binaryName: 'piw-wheelhouse' });
