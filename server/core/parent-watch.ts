/**
 * Notices when the process that started this one is gone. A supervisor that dies without passing a
 * signal on — npm told `kill -HUP` (it relays only SIGINT and SIGTERM), a terminal multiplexer, a
 * SIGKILL — leaves its child running with nobody to stop it; the child's parent PID then changes
 * (the kernel hands orphans to init or to a subreaper), which is what this watches for.
 */
export interface ParentWatchOptions {
  /** How often the parent PID is read. @default 500 */
  intervalMs?: number;
  /** The parent PID now (a live read on every call, as `process.ppid` is). @default () => process.ppid */
  readParentPid?: () => number;
}

/**
 * Calls `onOrphaned(formerParentPid)` once, the first time the parent PID differs from the one at
 * the call. Returns a function that stops watching. The timer never keeps the process alive.
 * A process started by init itself (parent PID 1) cannot be orphaned: nothing is watched.
 */
export function watchParent(onOrphaned: (formerParentPid: number) => void, options: ParentWatchOptions = {}): () => void {
  const { intervalMs = 500, readParentPid = () => process.ppid } = options;
  const parent = readParentPid();
  if (parent <= 1) return () => {};
  const timer = setInterval(() => {
    if (readParentPid() === parent) return;
    clearInterval(timer);
    onOrphaned(parent);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
