"""The protocol channel to the Keel host: line-delimited JSON on a dedicated file descriptor.

The plugin's own ``print`` output goes to stdout/stderr, which the host logs; it can never reach this
channel. A reader thread owns the inbound side so that end-of-file (the host exited, even by SIGKILL)
ends this process at once: no orphaned children.
"""

import json
import os
import queue
import threading

_out_fd = None
_lock = threading.Lock()
_inbox = queue.Queue()
_next_cid = 0


def start(in_fd, out_fd):
    global _out_fd
    _out_fd = out_fd
    thread = threading.Thread(target=_read_loop, args=(in_fd,), name="keel-reader", daemon=True)
    thread.start()


def _read_loop(fd):
    buf = b""
    while True:
        try:
            chunk = os.read(fd, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            # The host is gone: leave now, without running plugin code or atexit handlers.
            os._exit(0)
        buf += chunk
        while True:
            nl = buf.find(b"\n")
            if nl < 0:
                break
            line, buf = buf[:nl], buf[nl + 1 :]
            if line:
                _inbox.put(json.loads(line))


def send_raw(data: bytes):
    with _lock:
        view = memoryview(data)
        while view:
            n = os.write(_out_fd, view)
            view = view[n:]


def send(message):
    send_raw(json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n")


def receive():
    return _inbox.get()


_stash = []


def next_message():
    if _stash:
        return _stash.pop(0)
    return _inbox.get()


def host_call(op, payload):
    """A blocking round trip to the host (cache, bars): the plugin's call waits for the answer."""
    global _next_cid
    _next_cid += 1
    cid = _next_cid
    send({"t": "call", "cid": cid, "op": op, "p": payload})
    while True:
        message = _inbox.get()
        if message.get("t") == "ret" and message.get("cid") == cid:
            if message.get("ok"):
                return message.get("v")
            raise RuntimeError(message.get("err") or f"host call {op} failed")
        _stash.append(message)


def host_notify(op, payload):
    """A one-way message to the host (bus publish): never waits."""
    send({"t": "call", "op": op, "p": payload})
