/**
 * jest reporter: a run that has reported must also end. Something a test leaves open (a listening socket, a
 * child process, a timer) keeps jest's process alive after the summary, and CI then waits for its time
 * limit with the verdict already printed. GRACE_MS (30 s; PIW_TEST_EXIT_GRACE_MS) after the run completes, if the process is still here,
 * this names what is still open and exits non-zero (a leak is a defect even when every test passed);
 * `npm test -- --detectOpenHandles` then shows which test opened it. Plain JavaScript: jest loads
 * reporters untransformed.
 */
const GRACE_MS = Number(process.env.PIW_TEST_EXIT_GRACE_MS) || 30_000;

export default class ExitGuardReporter {
  onRunComplete(_contexts, results) {
    setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
      process.stderr.write(
        `\nnpm test: jest had not exited ${GRACE_MS / 1000} s after the run completed; still open: ${open.join(', ') || 'nothing jest can name'}.\n` +
          'A test left it open; `npm test -- --detectOpenHandles` shows which.\n',
      );
      process.exit(results.success ? 3 : 1);
    }, GRACE_MS).unref();
  }
}
