/**
 * Every error code piwheels raises on purpose, in one place: what each means, by room. An error is made
 * with `defineError` (protocols/errors.ts) in the room that raises it, where its message is written; the
 * type `ErrorCode` makes a code that is not listed here a type error, and spec/protocols/error-codes.test.ts
 * checks that every code in the sources is listed, that none listed is unused, and that no two rooms
 * define the same code.
 */
export const ERROR_CODES = {
  // protocols/: the wire (protocols/README.md §1.3; the messages are 0.18's, word for word)
  PIW_ERR_UNKNOWN_MESSAGE: 'a message whose verb the queue does not know',
  PIW_ERR_MISSING_DATA: 'a verb that takes data arrived without any',
  PIW_ERR_UNEXPECTED_DATA: 'a verb that takes no data arrived with some',
  PIW_ERR_INVALID_DATA: "a message's data does not have its verb's shape",
  PIW_ERR_SERIALIZE: 'a message could not be encoded',
  PIW_ERR_DESERIALIZE: 'a frame is not CBOR piwheels can read',
  PIW_ERR_STRUCTURE: 'a decoded frame is neither a verb nor [verb, data]',
  PIW_ERR_CODE_TAKEN: 'a second room defines an error code another room has (a bug, found by the specs)',
  PIW_ERR_CBOR_DECODE: 'malformed CBOR: truncated, bad UTF-8, a tag with the wrong content, too deep',
  PIW_ERR_CBOR_ENCODE: 'a value CBOR cannot carry as cbor2 would read it (a lone surrogate, a date out of range, a function)',

  // actors/runtime/: the in-process bus and the tasks
  PIW_ERR_BUS_NO_SERVER: 'a request on a queue nobody serves',
  PIW_ERR_BUS_ALREADY_SERVED: 'a second server for one queue',
  PIW_ERR_BUS_ALREADY_LISTENED: 'a second listener for one queue',
  PIW_ERR_BUS_TIMEOUT: 'no reply within the request timeout',
  PIW_ERR_BUS_ABORTED: "the requester's AbortSignal fired",
  PIW_ERR_BUS_HANDLER: "the queue's server threw",
  PIW_ERR_BUS_BAD_REPLY: "a reply that is not the queue's shape",
  PIW_ERR_BUS_SERVER_GONE: 'the server stopped before handling the request',
  PIW_ERR_BUS_CLOSED: 'the bus is closed',
  PIW_ERR_TASK_STOPPED: 'work handed to a task that is stopping',
  PIW_ERR_NOT_PROVIDED: 'a machine ran with a side effect its actor did not provide (machines/common/not-provided.ts)',
  PIW_ERR_CANCELLED: "work a task's machine invoked, cut short because the task is stopping (machines/common/cancelled.ts)",
  PIW_ERR_SESSION_SPAWN: "a peer session could not be spawned: its task's session host is stopped, or the spawn came from inside it",

  // actors/master/, actors/zmq/, actors/ipc/, actors/systemd/
  PIW_ERR_MASTER_START: 'the master did not start (a task failed to start, or it was stopped while starting)',
  PIW_ERR_MASTER_STARTED: 'start() called on a master that has already been started',
  PIW_ERR_INSPECT_ADDRESS: 'an --inspect address that is not a loopback host and port (exit 2)',
  PIW_ERR_ZMQ_TIMEOUT: 'no reply on a REQ socket in time',
  PIW_ERR_ZMQ_CLOSED: 'a request on a closed socket',
  PIW_ERR_ZMQ_THREAD: "the file queue's socket thread ended (or never bound), or a chunk was written after its release",
  PIW_ERR_IPC_UNSAFE_DIR: "the ipc directory is writable by others than the master's user, or belongs to someone else",
  PIW_ERR_IPC_SQUATTED: "the ipc socket belongs to another user: someone else bound it first",
  PIW_ERR_IPC_NOT_SOCKET: 'something that is not a socket is where the ipc socket should be',
  PIW_ERR_IPC_NO_SOCKET: 'no ipc socket yet, in a directory where anybody could make one',
  PIW_ERR_IPC_IN_USE: 'another master is already listening on the ipc socket',
  PIW_ERR_SD_NOTIFY_UNAVAILABLE: 'NOTIFY_SOCKET is set but sd_notify cannot be loaded',
  PIW_ERR_SD_WATCHDOG: 'WATCHDOG_USEC is not a whole number of microseconds above zero',

  // actors/cloud-gazer/: reading PyPI
  PIW_ERR_PYPI_UNAVAILABLE: 'PyPI could not be reached or said "try later" (transient: an empty batch)',
  PIW_ERR_PYPI_OFFLINE: 'the circuit breaker is open: no request was made (transient)',
  PIW_ERR_PYPI_HTTP: 'an HTTP status that is neither success nor a server-side failure',
  PIW_ERR_PYPI_RESPONSE_TOO_LARGE: "a response larger than the client's limit",
  PIW_ERR_XMLRPC_FAULT: 'a well-formed XML-RPC fault',
  PIW_ERR_XMLRPC_MALFORMED: "not an XML-RPC methodResponse, or not the method's shape",
  PIW_ERR_GAZER_NOT_STARTED: 'Cloud Gazer polled before start()',

  // actors/oracle/, actors/slave-driver/, actors/mr-chase/, actors/lumberjack/
  PIW_ERR_ORACLE: 'the Oracle answered ERROR',
  PIW_ERR_FILE_JUGGLER: 'the File Juggler refused an EXPECT or VERIFY from the Slave Driver',
  PIW_ERR_MR_CHASE_ORACLE: "the Oracle refused an import session's step",
  PIW_ERR_MR_CHASE_FILE_JUGGLER: "the File Juggler refused an import session's EXPECT",
  PIW_ERR_MR_CHASE_SLOT_ABORTED: 'an import session stopped waiting for the transfer slot',
  PIW_ERR_MR_CHASE_SLOT_BUSY: 'an import session waited its longest for the transfer slot',
  PIW_ERR_LOG_REJECTED: 'the database refused a batch of access-log records',

  // actors/file-juggler/, machines/file-transfer/, actors/file-sender/: file transfers
  PIW_ERR_FS_REQUEST: 'an fs-queue request that is not a valid EXPECT or VERIFY (behaviour 74)',
  PIW_ERR_FS_FILE_REFUSED: 'EXPECT of a file the File Juggler refuses (name, size, hash, too large)',
  PIW_ERR_FS_PACKAGE_REFUSED: 'VERIFY naming a package that cannot be a directory of simple/',
  PIW_ERR_FS_NO_TRANSFER: 'VERIFY for a slave with no transfer',
  PIW_ERR_FS_INCOMPLETE: 'VERIFY before the transfer has every byte',
  PIW_ERR_FS_IO: 'creating the temp file, or moving a verified file into place, failed',
  PIW_ERR_FS_HASH: "the File Juggler's hashing worker failed or the job ended",
  PIW_ERR_TRANSFER_TIMEOUT: 'the other end of a transfer fell silent',
  PIW_ERR_TRANSFER_SIZE: 'the received file does not have the expected size',
  PIW_ERR_TRANSFER_HASH: 'the received file does not have the expected SHA-256',
  PIW_ERR_TRANSFER_IO: 'reading, writing or hashing a transferred file failed',
  PIW_ERR_SEND_ABORTED: "sending a file was aborted (the caller's AbortSignal)",
  PIW_ERR_SEND_FILE: 'the file to send cannot be opened or is not a regular file',

  // actors/scribe/, actors/support/: the output tree
  PIW_ERR_WRITER_STOPPED: 'the file-writing worker stopped',
  PIW_ERR_UNSAFE_NAME: 'a name that is not one plain path component',
  PIW_ERR_PATH_ESCAPE: 'a path that escapes its root',
  PIW_ERR_NOT_A_DIRECTORY: 'a file is where a directory must be made',
  PIW_ERR_TEMPLATES_MISSING: 'web-templates/ not found beside the code',

  // actors/slave/: piw-slave and its builds
  PIW_ERR_SLAVE_CLOCK: 'the clock is before 2020-06-01 (behaviour 181)',
  PIW_ERR_SLAVE_PROTOCOL: 'a reply the slave cannot read, or one the protocol does not allow where it came',
  PIW_ERR_SLAVE_BUILD_STUCK: 'a build that would not end within the grace period after it was told to stop',
  PIW_ERR_SLAVE_STATS: "the machine's statistics (IDLE/BUSY) could not be read",
  PIW_ERR_BUILD_TIMEOUT: 'a build ran past -t; its process group was terminated',
  PIW_ERR_BUILD_ABORTED: 'a build was stopped on request',
  PIW_ERR_BUILD_SPAWN: 'pip (the Python given) could not be run',
  PIW_ERR_BUILD_DEPENDENCIES: "a wheel's dependency analysis failed",
  PIW_ERR_ZIP_FORMAT: 'a file that is not a readable zip archive',
  PIW_ERR_PYTHON_PROBE: 'the Python could not be asked for its wheel tags',

  // actors/access-log/: piw-logger
  PIW_ERR_LOG_FORMAT: "--format names a directive piw-logger does not understand, or cannot be parsed",
  PIW_ERR_LOG_INPUT: 'an input file cannot be opened or read',

  // actors/monitor/, actors/sense/: piw-monitor and piw-sense
  PIW_ERR_MONITOR_NO_MASTER: 'a control message while no master is connected',
  PIW_ERR_MONITOR_CONTROL_TIMEOUT: 'the control queue did not take the message in time',
  PIW_ERR_MONITOR_CLOSED: 'the monitor client has been closed',
  PIW_ERR_NO_SENSE_HAT: 'no Sense HAT framebuffer or joystick',
  PIW_ERR_SENSE_DEVICE: "the Sense HAT's device cannot be opened or written",

  // actors/storage/, actors/wheelhouse/: piw-wheelhouse and object storage
  PIW_ERR_STORAGE_CONTAINER: 'a container no provider understands, or an option that does not fit it',
  PIW_ERR_STORAGE_KEY: 'an object key that could escape the container',
  PIW_ERR_STORAGE_REQUEST: 'the storage provider refused or failed a request',
  PIW_ERR_STORAGE_MISSING: 'the object is not there',
  PIW_ERR_WHEELHOUSE_LOCAL: 'the local folder is missing, unreadable or holds nothing to upload',
  PIW_ERR_WHEELHOUSE_PAGE: 'an index page could not be read',
  PIW_ERR_WHEELHOUSE_HASH: "a downloaded file's hash or size is not the one its index gave",
  PIW_ERR_WHEELHOUSE_NOT_FOUND: 'nothing of the version asked for was found',
  PIW_ERR_WHEELHOUSE_INDEX: "the container kept changing while its index was rebuilt",

  // schema/: the database
  PIW_ERR_DB_DSN: 'an invalid DSN',
  PIW_ERR_DB_CONNECT: 'the database cannot be reached',
  PIW_ERR_DB_MISSING: 'the database does not exist',
  PIW_ERR_DB_LOCKED: 'the embedded database is in use by another process',
  PIW_ERR_DB_VERSION: "the database's version is not the software's (run piw-initdb)",
  PIW_ERR_DB_TOO_OLD: 'a database from before piwheels 0.18',
  PIW_ERR_DB_TOO_NEW: 'a database newer than this software',
  PIW_ERR_DB_NO_UPGRADE_PATH: 'no upgrade path between two versions',
  PIW_ERR_DB_CHANGED: "the database's version changed while piw-initdb waited",
  PIW_ERR_DB_USER: 'a database user that cannot own or use the database',
  PIW_ERR_DB_SOCKET_PATH: "an operator socket path longer than a Unix socket's 107 bytes",
  PIW_ERR_DB_SCRIPT_MISSING: 'a schema script is missing from the installation',
  PIW_ERR_ADMIN_SESSION: 'an administrative session on the database could not be opened',
  PIW_ERR_BUILD_ABI: 'a build ABI that is not valid, or not known',

  // machines/: names and conversations
  PIW_ERR_INVALID_WHEEL_FILENAME: 'a wheel filename that is not PEP 427',
  PIW_ERR_MASTER_ERROR: "the master answered a tool's conversation with ERROR (its text, word for word)",
  PIW_ERR_UNEXPECTED_RESPONSE: "the master answered a tool with something the conversation does not allow (behaviour 201)",
  PIW_ERR_TRANSFER_FAILED: 'sending a file the master asked a tool for failed',

  // cli/: the piw-* commands
  PIW_ERR_CONFIG: 'a bad option, environment variable or configuration file (exit 2)',
  PIW_ERR_FATAL: 'a failure a command reports and ends on',
  PIW_ERR_ROOT: 'piw-master or piw-slave run as root without PIW_ALLOW_ROOT (behaviours 22, 181)',
  PIW_ERR_TOOL_INPUT: 'a file or option value given to a master tool cannot be used (exit 2)',
  PIW_ERR_MASTER_UNREACHABLE: 'the import queue has nobody listening',
  PIW_ERR_MASTER_TIMEOUT: 'the master did not answer within --timeout',
  PIW_ERR_MASTER_REFUSED: 'the master refused what a tool asked (its ERROR, worded for the command line)',
  PIW_ERR_TRANSFER_NOT_STARTED: 'the master asked for a file but never fetched it',
  PIW_ERR_IMPORT_UNDETERMINED: 'piw-import cannot work out what it is importing',
  PIW_ERR_IMPORT_DELETE: 'the import succeeded but --delete could not remove every file',

  // scripts/
  PIW_ERR_STATECHART_DESCRIPTION: 'npm run statecharts: a catalogued machine without a description (the paragraph its README shows)',
  PIW_ERR_STATECHART_DUPLICATE: 'npm run statecharts: two catalogue entries draw the same file',
} as const satisfies Record<`PIW_ERR_${string}`, string>;

export type ErrorCode = keyof typeof ERROR_CODES;
