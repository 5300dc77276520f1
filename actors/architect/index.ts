/** The Architect: the periodic build-queue query, pushed to the Slave Driver. */
export {
  architectTask,
  groupBuildQueue,
  ARCHITECT_INTERVAL_MS,
  BUILD_QUEUE_LIMIT,
  type ArchitectInput,
  type BuildQueue,
  type BuildQueuePort,
  type BuildQueueRow,
} from './architect.js';
