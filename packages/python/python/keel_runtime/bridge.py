"""The protocol channel to the Keel host: line-delimited JSON on a dedicated file descriptor.

The plugin's own ``print`` output goes to stdout/stderr, which the host logs; it can never reach this
channel. The main thread reads the channel itself (no hand-off between threads on the per-bar path);
end-of-file means the host is gone, and the process leaves at once. While plugin code runs, the
host's death is noticed by ``PR_SET_PDEATHSIG`` (Linux) and by a thread watching the parent pid.
"""

import json
import os
import threading
import time

_in_fd = None
_out_fd = None
_lock = threading.Lock()
_buf = b""
_next_cid = 0
_stash = []


def start(in_fd, out_fd, parent_pid):
    global _in_fd, _out_fd
    _in_fd = in_fd
    _out_fd = out_fd
    thread = threading.Thread(target=_watch_parent, args=(parent_pid,), name="keel-parent-watch", daemon=True)
    thread.start()


def _watch_parent(parent_pid):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(0)


def _read_message():
    global _buf
    while True:
        nl = _buf.find(b"\n")
        if nl >= 0:
            line, _buf = _buf[:nl], _buf[nl + 1 :]
            if line:
                return json.loads(line)
            continue
        try:
            chunk = os.read(_in_fd, 1 << 16)
        except InterruptedError:
            continue
        except OSError:
            chunk = b""
        if not chunk:
            # The host is gone: leave now, without running plugin code or atexit handlers.
            os._exit(0)
        _buf += chunk


def connected():
    return _out_fd is not None


def send_raw(data: bytes):
    with _lock:
        view = memoryview(data)
        while view:
            n = os.write(_out_fd, view)
            view = view[n:]


def send(message):
    send_raw(json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n")


def next_message():
    if _stash:
        return _stash.pop(0)
    return _read_message()


def host_call(op, payload):
    """A blocking round trip to the host (cache, bars): the plugin's call waits for the answer."""
    global _next_cid
    _next_cid += 1
    cid = _next_cid
    send({"t": "call", "cid": cid, "op": op, "p": payload})
    while True:
        message = _read_message()
        if message.get("t") == "ret" and message.get("cid") == cid:
            if message.get("ok"):
                return message.get("v")
            raise RuntimeError(message.get("err") or f"host call {op} failed")
        _stash.append(message)


def host_notify(op, payload):
    """A one-way message to the host (bus publish): never waits."""
    send({"t": "call", "op": op, "p": payload})
