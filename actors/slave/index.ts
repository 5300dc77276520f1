/** The slave's builder and machine facts: what piw-slave's client actor calls. */
export { build, builtMessageData, pipWheelArgs, BUILD_DATA_LIMIT, type BuildOptions, type BuildResult } from './build.js';
export { describeWheel, fileSha256, toFileStateWire, type BuiltWheel } from './built-wheel.js';
export { wheelDependencies, type Dependencies } from './dependencies.js';
export { machineFacts, probePython, readBoard, readOsRelease, toSlaveHelloWire, type MachineFacts, type PythonTags } from './machine-facts.js';
export { slaveStats, toSlaveStatsWire, type SlaveStats } from './stats.js';
export { runInProcessGroup, liveGroupMembers, type GroupRunOptions, type GroupRunResult } from './process-group.js';
export * from './errors.js';
