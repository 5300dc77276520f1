/** piw-master's main part: the database, the status and control sockets, the tasks in order, signals. */
export * from './config.js';
export { handleControl, describeControl, type ControlMessage } from './control.js';
export { masterHello } from './hello.js';
export { Master, MasterStartError, type MasterEndpoints, type MasterOptions } from './master.js';
export { handleSignals } from './signals.js';
export { surviveDbClientRejections } from './client-rejections.js';
export { masterTasks, TASK_ORDER, type TaskId } from './tasks.js';
