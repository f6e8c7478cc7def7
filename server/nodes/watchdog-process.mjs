// Last line of defence for the lab's redis-server processes: if the node manager's process dies
// without cleaning up (SIGKILL, OOM killer), this process still kills what it started.
//
// Protocol on stdin, one line each: "+PID" watch a process, "-PID" forget it; "+dir PATH" and
// "-dir PATH" the same for a node's temp directory. When stdin reaches EOF — the manager closed it
// on stop(), or the manager's process is gone and the kernel closed the pipe — every PID still
// watched gets SIGCONT then SIGKILL (as the manager does for a frozen node), every directory still
// watched is removed, and this process exits.
//
// Plain JavaScript on purpose: it runs under bare `node`, with no loader, spawned detached (its own
// process group and session) so a terminal Ctrl-C reaches the manager first and cannot kill this
// process before the manager has cleaned up.
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** pid → start time in clock ticks since boot (Linux), so a PID reused by another program is left alone. */
const watched = new Map();
const dirs = new Set();
/** Only the manager's own temp dirs may be removed, whatever arrives on stdin. */
const DIR_PREFIX = join(tmpdir(), "stampede-lab-");

function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function handle(line) {
  const dir = /^([+-])dir (.+)$/.exec(line);
  if (dir) {
    if (dir[1] === "-") dirs.delete(dir[2]);
    else if (dir[2].startsWith(DIR_PREFIX) && !dir[2].includes("..")) dirs.add(dir[2]);
    return;
  }
  const match = /^([+-])(\d+)$/.exec(line.trim());
  if (!match) return;
  const pid = Number(match[2]);
  if (match[1] === "+") watched.set(pid, startTime(pid));
  else watched.delete(pid);
}

let reaped = false;
function reapAndExit() {
  if (reaped) return;
  reaped = true;
  if (pending) handle(pending);
  for (const [pid, started] of watched) {
    // Without /proc (macOS) there is no identity check; the window for PID reuse is the manager's death.
    if (started !== null && startTime(pid) !== started) continue;
    for (const signal of ["SIGCONT", "SIGKILL"]) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  }
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Leave it; a stray temp dir does no harm.
    }
  }
  process.exit(0);
}

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    handle(pending.slice(0, newline));
    pending = pending.slice(newline + 1);
  }
});
process.stdin.on("end", reapAndExit);
process.stdin.on("error", reapAndExit);
process.stdin.on("close", reapAndExit);
// Being told to go (SIGTERM, SIGHUP) is no reason to leave the nodes behind.
for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"]) process.on(signal, reapAndExit);
