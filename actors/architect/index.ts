/** The Architect: the build-queue query, every minute and soon after Cloud Gazer's REFRESH, pushed to the Slave Driver. */
export {
  architectTask,
  ARCHITECT_INTERVAL_MS,
  BUILD_QUEUE_LIMIT,
  REFRESH_GAP_MS,
  type ArchitectInput,
  type BuildQueue,
  type BuildQueuePort,
} from './architect.js';
