/**
 * The in-container supervisor of the `sandbox.python` skill, as Python source (passed to
 * `python3 -I -c`, so no file has to be found at run time in the source tree or the bundle).
 *
 * It runs inside the locked-down container (no network, read-only root, no capabilities,
 * cgroup memory/pids/CPU limits set by the Docker dispatcher) and adds what the container
 * cannot: a wall-clock limit on the user's code alone, output caps (the rest is drained and
 * discarded so the code never blocks on a full pipe), a bounded `out/` file list, and a
 * report of which limit was hit, read from the container's own cgroup counters.
 *
 * The report is the `sandbox` output line in the events file, written after every process
 * of the user's code is dead, so the code cannot overwrite it afterwards. What the engine
 * itself reports (OOM kill, exit code, dispatcher timeout) never comes from here.
 */
export const RUNNER_PY = String.raw`
import json, os, selectors, signal, subprocess, sys, time

cfg = json.loads(sys.argv[1])
cwd = os.getcwd()
events_file = os.environ.pop("SGR_EVENTS_FILE", None)
t0 = time.monotonic()

def emit(obj):
    if events_file:
        with open(events_file, "a") as f:
            f.write(json.dumps(obj) + "\n")

def note(msg):
    sys.stderr.write("sgr-sandbox: " + msg + "\n")
    sys.stderr.flush()

def counter(paths, key):
    for p in paths:
        try:
            with open(p) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == key:
                        return int(parts[1])
        except OSError:
            pass
    return None

# cgroup v1 first (one hierarchy per controller), then v2 (one unified file per kind).
OOM_FILES = ["/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"]
PIDS_FILES = ["/sys/fs/cgroup/pids/pids.events", "/sys/fs/cgroup/pids.events"]

# Defence in depth: the dispatcher gives the container no network; refuse if it somehow has one.
try:
    nics = sorted(n for n in os.listdir("/sys/class/net") if n != "lo")
except OSError:
    nics = []
if nics:
    note("refusing to run: the container has network interfaces " + ", ".join(nics) + " (expected none)")
    sys.exit(3)

for rel, text in cfg.get("files", {}).items():
    dest = os.path.join(cwd, rel)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        f.write(text)
out_dir = os.path.join(cwd, "out")
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(cwd, "main.py"), "w") as f:
    f.write(cfg["code"])

oom0 = counter(OOM_FILES, "oom_kill") or 0
pids0 = counter(PIDS_FILES, "max") or 0
cap = int(cfg["maxOutputBytes"])
env = dict(os.environ)
env.update({"HOME": cwd, "TMPDIR": "/tmp", "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"})
child = subprocess.Popen(
    [sys.executable, "main.py"] + [str(a) for a in cfg.get("args", [])],
    cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    start_new_session=True,
)

kept = {"stdout": bytearray(), "stderr": bytearray()}
seen = {"stdout": 0, "stderr": 0}
mirror = {"stdout": sys.stdout.buffer, "stderr": sys.stderr.buffer}
sel = selectors.DefaultSelector()
sel.register(child.stdout, selectors.EVENT_READ, "stdout")
sel.register(child.stderr, selectors.EVENT_READ, "stderr")

def live_pids(pgid=None):
    """Processes not yet dead (zombies do not count), optionally only those of one process group."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/" + d + "/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and (pgid is None or int(fields[2]) == pgid):
            found.append(int(d))
    return found

def kill_until_gone(kill, pgid=None):
    # A fork bomb forks while we kill: repeat until nothing is left, bounded.
    for _ in range(500):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            return
        if not live_pids(pgid):
            return
        time.sleep(0.01)

def kill_group():
    # The whole session: a fork bomb's children share it unless they call setsid themselves.
    kill_until_gone(lambda: os.killpg(child.pid, signal.SIGKILL), child.pid)

deadline = t0 + float(cfg["timeoutSeconds"])
timed_out = False
drain_until = None
while sel.get_map():
    now = time.monotonic()
    if not timed_out and now >= deadline:
        timed_out = True
        kill_group()
        drain_until = now + 2.0
    if drain_until is None and child.poll() is not None:
        drain_until = now + 1.0  # the code ended; a background process it left holds the pipes
    if drain_until is not None and now >= drain_until:
        break  # a process outside the group still holds the pipe: stop listening
    limit = (drain_until if drain_until is not None else deadline) - now
    for key, _ in sel.select(timeout=max(0.01, min(limit, 0.5))):
        name = key.data
        data = os.read(key.fileobj.fileno(), 65536)
        if not data:
            sel.unregister(key.fileobj)
            continue
        room = cap - len(kept[name])
        if room > 0:
            part = data[:room]
            kept[name] += part
            mirror[name].write(part)
            mirror[name].flush()
        seen[name] += len(data)

try:
    rc = child.wait(timeout=max(0.1, deadline - time.monotonic()) if not timed_out else 2.0)
except subprocess.TimeoutExpired:
    timed_out = True
    kill_group()
    rc = child.wait()
kill_group()
# Processes that left the session (setsid, double fork) are still in this container: kill
# every one but ourselves and our parent (docker-init) before the report is written.
keep = {os.getpid(), os.getppid(), 1}
def kill_strays():
    strays = [p for p in live_pids() if p not in keep]
    if not strays:
        raise ProcessLookupError  # done
    for pid in strays:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
kill_until_gone(kill_strays)
if os.getpid() == 1:
    # Without docker-init we are init: reap the orphans (our own child is already waited for).
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
exit_code = 128 - rc if rc < 0 else rc

contained = []
if timed_out:
    contained.append("timeout")
if (counter(OOM_FILES, "oom_kill") or 0) > oom0:
    contained.append("memory")
if (counter(PIDS_FILES, "max") or 0) > pids0:
    contained.append("pids")
truncated = {k: seen[k] > cap for k in seen}
if truncated["stdout"] or truncated["stderr"]:
    contained.append("output")

files, skipped, total = [], [], 0
for root, dirs, names in os.walk(out_dir):
    dirs.sort()
    for n in sorted(names):
        p = os.path.join(root, n)
        rel = os.path.relpath(p, cwd)
        if os.path.islink(p) or not os.path.isfile(p):
            skipped.append({"path": rel, "why": "not a regular file"})
            continue
        size = os.path.getsize(p)
        if len(files) >= int(cfg["maxFiles"]):
            skipped.append({"path": rel, "why": "more than %d files" % int(cfg["maxFiles"])})
        elif size > int(cfg["maxFileBytes"]) or total + size > int(cfg["maxTotalFileBytes"]):
            skipped.append({"path": rel, "why": "over the file size cap"})
        else:
            files.append({"path": rel, "size": size})
            total += size
if skipped:
    contained.append("files")

for f in files:
    emit({"type": "artifact", "name": f["path"], "path": f["path"]})
report = {
    "exitCode": exit_code,
    "stdout": kept["stdout"].decode("utf-8", "replace"),
    "stderr": kept["stderr"].decode("utf-8", "replace"),
    "truncated": truncated,
    "bytes": seen,
    "contained": contained,
    "files": files,
    "skipped": skipped,
    "durationMs": int((time.monotonic() - t0) * 1000),
}
emit({"type": "output", "name": "sandbox", "value": report})
note("exit %d%s" % (exit_code, "; contained: " + ", ".join(contained) if contained else ""))
`;
