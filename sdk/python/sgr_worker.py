"""SGR worker SDK: write the SGR job line protocol (docs/job-protocol.md) from Python.

Standard library only, one module, so the kernel can put it on PYTHONPATH for every
`python` step without installing anything. Outside SGR ($SGR_EVENTS_FILE unset) every
call is a no-op after a single warning on stderr, so the same script runs anywhere.

    from sgr_worker import log_metric
    log_metric("loss", 0.42, step=10)
"""

import json
import math
import os
import signal
import sys
import threading
import time

__all__ = [
    "EXIT_PREEMPTED",
    "log_metric",
    "log_params",
    "log_output",
    "log_artifact",
    "save_checkpoint",
    "latest_checkpoint",
    "should_stop",
    "install_stop_handlers",
    "heartbeat",
    "progress",
]

# Exit code of a job that saved a checkpoint and stopped because it was asked to
# (SIGTERM/SIGUSR1); 75 is EX_TEMPFAIL: "try again later", i.e. resume from the checkpoint.
EXIT_PREEMPTED = 75

_lock = threading.Lock()
_fd = None
_warned = False
_stop = threading.Event()


def _events_path():
    return os.environ.get("SGR_EVENTS_FILE") or None


def _now_ms():
    return int(time.time() * 1000)


def _emit(event):
    """Append one event as one line; a single os.write on an O_APPEND fd never interleaves."""
    global _fd, _warned
    path = _events_path()
    if path is None:
        with _lock:
            if not _warned:
                _warned = True
                sys.stderr.write("sgr_worker: SGR_EVENTS_FILE is not set; events are not recorded (running outside SGR)\n")
                sys.stderr.flush()
        return
    # Serialise before taking the lock so a bad value raises without touching the file.
    try:
        line = json.dumps(event, allow_nan=False, separators=(",", ":")) + "\n"
    except ValueError as e:
        raise ValueError("sgr_worker: %s %r: value is not finite JSON (%s)" % (event.get("type"), event.get("name"), e)) from None
    except TypeError as e:
        raise TypeError("sgr_worker: %s %r: value is not JSON-serialisable (%s)" % (event.get("type"), event.get("name"), e)) from None
    data = line.encode("utf-8")
    with _lock:
        if _fd is None:
            _fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        written = os.write(_fd, data)
        # Regular files take the whole line at once; finish a short write rather than lose it.
        while written < len(data):
            written += os.write(_fd, data[written:])


def _check_name(kind, name):
    if not isinstance(name, str) or not name:
        raise ValueError("sgr_worker: %s name must be a non-empty string, got %r" % (kind, name))


def _check_step(kind, name, step):
    if step is None:
        return
    # bool is an int subclass, but True is never a meaningful step.
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError("sgr_worker: %s %r: step must be an integer >= 0, got %r" % (kind, name, step))


def _finite(kind, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("sgr_worker: %s %r: value must be a number, got %r" % (kind, name, value))
    if not math.isfinite(value):
        raise ValueError("sgr_worker: %s %r: value must be finite, got %r" % (kind, name, value))
    return value


def log_metric(name, value, step=None):
    """One point of the time series `name`; `value` must be a finite int or float."""
    _check_name("metric", name)
    _finite("metric", name, value)
    _check_step("metric", name, step)
    event = {"type": "metric", "name": name, "value": value, "ts": _now_ms()}
    if step is not None:
        event["step"] = step
    _emit(event)


def log_params(values=None, /, **kwargs):
    """Hyper-parameters actually used: log_params(lr=1e-3) or log_params({"lr": 1e-3})."""
    merged = {}
    if values is not None:
        if not isinstance(values, dict):
            raise TypeError("sgr_worker: log_params takes a dict or keyword arguments, got %r" % (values,))
        merged.update(values)
    merged.update(kwargs)
    _emit({"type": "params", "values": merged})


def log_output(name, value):
    """A small named result of the step (any JSON value, None allowed)."""
    _check_name("output", name)
    _emit({"type": "output", "name": name, "value": value})


def log_artifact(path, name=None, **meta):
    """Announce a file the job produced; path relative to the work directory or absolute."""
    path = os.fspath(path)
    if not isinstance(path, str) or not path:
        raise ValueError("sgr_worker: artifact path must be a non-empty string, got %r" % (path,))
    if name is None:
        name = os.path.basename(path.rstrip("/"))
    _check_name("artifact", name)
    event = {"type": "artifact", "path": path, "name": name}
    if meta:
        event["meta"] = meta
    _emit(event)


def save_checkpoint(path, step=None):
    """Record that a resumable checkpoint was written at `path` (write the file first)."""
    path = os.fspath(path)
    if not isinstance(path, str) or not path:
        raise ValueError("sgr_worker: checkpoint path must be a non-empty string, got %r" % (path,))
    _check_step("checkpoint", path, step)
    event = {"type": "checkpoint", "path": path}
    if step is not None:
        event["step"] = step
    _emit(event)


def latest_checkpoint():
    """Path of the newest checkpoint recorded in this job's events file, else the newest
    file in $SGR_CHECKPOINT_DIR (if set), else None."""
    path = _events_path()
    found = None
    if path is not None:
        try:
            with open(path, "r", encoding="utf-8", errors="replace") as f:
                for line in f:
                    # Cheap filter first: most lines are metrics.
                    if '"checkpoint"' not in line:
                        continue
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(event, dict) and event.get("type") == "checkpoint" and isinstance(event.get("path"), str):
                        found = event["path"]
        except FileNotFoundError:
            pass
    if found is not None:
        return found
    directory = os.environ.get("SGR_CHECKPOINT_DIR")
    if directory and os.path.isdir(directory):
        files = [os.path.join(directory, n) for n in os.listdir(directory)]
        files = [p for p in files if os.path.isfile(p)]
        if files:
            return max(files, key=os.path.getmtime)
    return None


def should_stop():
    """True once SIGTERM or SIGUSR1 arrived: save a checkpoint and exit(EXIT_PREEMPTED)."""
    return _stop.is_set()


def heartbeat():
    """'Still alive', for long silent phases."""
    _emit({"type": "heartbeat", "ts": _now_ms()})


def progress(fraction, message=None):
    """Progress bar for the UI; fraction in 0..1."""
    _finite("progress", "fraction", fraction)
    if not 0 <= fraction <= 1:
        raise ValueError("sgr_worker: progress fraction must be in 0..1, got %r" % (fraction,))
    event = {"type": "progress", "fraction": fraction}
    if message is not None:
        event["message"] = str(message)
    _emit(event)


_handlers_installed = False


def install_stop_handlers():
    """Turn SIGTERM/SIGUSR1 into should_stop() instead of dying, so the loop can checkpoint.

    Done at import under SGR; call it to make a plain run (outside SGR) preemptible too.
    An existing Python handler is still called (chained); we never exit on our own.
    Installing twice is a no-op.
    """
    global _handlers_installed
    if _handlers_installed:
        return
    for sig in (signal.SIGTERM, signal.SIGUSR1):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous):
            _stop.set()
            if callable(previous):
                previous(signum, frame)

        try:
            signal.signal(sig, handler)
        except ValueError:
            # Imported outside the main thread: signals cannot be handled here.
            return
    _handlers_installed = True


if _events_path() is not None:
    install_stop_handlers()
