"""Entry point of a Keel Python plugin process.

``python bootstrap.py inspect``  imports the plugin class and prints what the host needs for the
                                 manifest (dialect, name, layer, schedule, ...) as one JSON line.
``python bootstrap.py serve``    loads the plugin and answers the host's requests on fd 3 until the
                                 host closes the channel.

The plugin spec (file or module, class, sys.path entries, config, budget) comes in ``KEEL_PY_SPEC``.
"""

import asyncio
import inspect as _inspect
import json
import math
import os
import re
import signal
import sys
import traceback

SPEC = json.loads(os.environ.get("KEEL_PY_SPEC", "{}"))
PROTOCOL_FD = 3

# ---------------------------------------------------------------------------------------------
# containment


def _die_with_parent():
    """Linux: SIGKILL this process when the host dies, even by SIGKILL (the pipe EOF is the backup)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != int(SPEC.get("parentPid", os.getppid())):
            os._exit(0)
    except Exception:
        pass


def _vm_size_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(mem_mb):
    """``budget.memMb`` as an address-space limit above what the interpreter and imports use."""
    if not mem_mb:
        return
    import resource

    limit = _vm_size_bytes() + int(mem_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ---------------------------------------------------------------------------------------------
# loading


class LoadFailure(Exception):
    def __init__(self, code, message, hint=None, phase="import"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.phase = phase


PANDAS_HINT = "install pandas: apt-get install python3-pandas or pip install pandas"


def _setup_path(spec=None):
    spec = SPEC if spec is None else spec
    for entry in spec.get("path", []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    # Keel's dialect modules go last, so a project's own `plugins` package wins.
    for entry in (SPEC["runtime"], SPEC["shims"]):
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.append(entry)


def _load_class(plugin=None):
    plugin = SPEC if plugin is None else plugin
    import importlib
    import importlib.util

    where = plugin.get("file") or plugin.get("module")
    try:
        if plugin.get("file"):
            path = plugin["file"]
            if not os.path.exists(path):
                raise LoadFailure(
                    "PYTHON_FILE_NOT_FOUND",
                    f"file {path} does not exist",
                    "check the path: it is resolved against the config file's folder or the working directory",
                )
            name = "keel_plugin_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(plugin["module"])
    except LoadFailure:
        raise
    except SyntaxError as e:
        raise LoadFailure(
            "PYTHON_SYNTAX_ERROR",
            f"SyntaxError in {os.path.basename(e.filename or str(where))} line {e.lineno}: {e.msg}",
            "fix the syntax error; the file must run under the interpreter Keel starts",
        )
    except ModuleNotFoundError as e:
        missing = e.name or "?"
        if missing.split(".")[0] in ("pandas", "numpy"):
            raise LoadFailure("PYTHON_PANDAS_MISSING", f"{where} imports {missing}, which is not installed", PANDAS_HINT)
        raise LoadFailure(
            "PYTHON_IMPORT_ERROR",
            f"importing {where} failed: No module named {missing!r}",
            f"install {missing.split('.')[0]} for {sys.executable}, or add its folder to the plugin's path option",
        )
    except BaseException as e:
        raise LoadFailure("PYTHON_IMPORT_ERROR", f"importing {where} failed: {type(e).__name__}: {e}")
    cls = getattr(module, plugin["className"], None)
    if cls is None or not isinstance(cls, type):
        raise LoadFailure(
            "PYTHON_CLASS_NOT_FOUND",
            f"{where} has no class {plugin['className']}",
            "give the class name after the colon, e.g. plugins/momentum.py:MomentumPlugin",
        )
    return cls


def _dialect(cls):
    names = {base.__name__ for base in cls.__mro__}
    if "SMKPlugin" in names or callable(getattr(cls, "update", None)):
        return "sensor"
    if callable(getattr(cls, "run", None)) and callable(getattr(cls, "describe", None)):
        return "scheduled"
    if callable(getattr(cls, "on_load", None)):
        return "service"
    raise LoadFailure(
        "PYTHON_UNKNOWN_DIALECT",
        f"class {cls.__name__} is not one of the Python dialects (SMKPlugin.update, OptiFIRE Plugin.describe/plan/run, PrismR on_load)",
        "derive from plugins.SMKPlugin or optifire.plugins.Plugin, or give the class an on_load(self, host, config=None) method",
        phase="manifest",
    )


def reads_df(update):
    """Whether ``update(self, bar, df, smk)`` can observe ``df``. When its code never loads that
    argument (and cannot reach it through locals(), vars(), eval or exec), Keel skips building the
    DataFrame, and such a plugin does not need pandas at all."""
    import dis

    func = getattr(update, "__func__", update)
    code = getattr(func, "__code__", None)
    if code is None or code.co_argcount < 3:
        return True
    name = code.co_varnames[2]
    if name in code.co_cellvars or {"locals", "vars", "eval", "exec"} & set(code.co_names):
        return True
    for ins in dis.get_instructions(code):
        if ins.argval == name and ins.opname.startswith(("LOAD_FAST", "LOAD_CLOSURE", "DELETE_FAST")):
            return True
    return False


def _instantiate(cls, dialect):
    try:
        return cls()
    except TypeError:
        if dialect == "scheduled":
            return cls(SPEC.get("config") or {})
        raise


def _describe_class(cls, dialect, instance):
    info = {"dialect": dialect, "className": cls.__name__}
    if dialect == "sensor":
        if reads_df(cls.update):
            try:
                import pandas  # noqa: F401
            except ImportError:
                raise LoadFailure("PYTHON_PANDAS_MISSING", f"SMK plugin {cls.__name__} needs pandas, which is not installed", PANDAS_HINT)
        info.update(
            name=str(getattr(cls, "name", cls.__name__)),
            layer=str(getattr(cls, "layer", "L3-ext")),
            sensorId=getattr(cls, "sensor_id", None),
            enabled=bool(getattr(cls, "enabled", True)),
            warmup=int(getattr(cls, "requires_warmup", 20)),
            window=getattr(cls, "window", None),
            version=str(getattr(cls, "version", "1.0.0")),
            description=(cls.__doc__ or "").strip()[:2000],
        )
    elif dialect == "scheduled":
        meta = instance.describe()
        plan = instance.plan() if callable(getattr(instance, "plan", None)) else {}
        info.update(
            pluginId=str(meta.plugin_id),
            name=str(meta.name),
            category=str(meta.category),
            version=str(getattr(meta, "version", "1.0.0")),
            author=str(getattr(meta, "author", "")),
            description=str(getattr(meta, "description", ""))[:2000],
            inputs=[str(x) for x in (getattr(meta, "inputs", None) or [])],
            outputs=[str(x) for x in (getattr(meta, "outputs", None) or [])],
            estCpuMs=getattr(meta, "est_cpu_ms", None),
            estMemMb=getattr(meta, "est_mem_mb", None),
            schedule=plan.get("schedule"),
            triggers=[str(t) for t in (plan.get("triggers") or [])],
            dependencies=[str(d) for d in (plan.get("dependencies") or [])],
        )
    else:
        info.update(
            name=str(getattr(cls, "name", cls.__name__)),
            version=str(getattr(cls, "version", "1.0.0")),
            description=(cls.__doc__ or "").strip()[:2000],
            hasDescribe=callable(getattr(cls, "describe", None)),
        )
    return info


# ---------------------------------------------------------------------------------------------
# values out: numpy and pandas become plain values; NaN and Infinity travel as markers so the host
# reports them as contract errors naming the field.


def to_plain(value):
    t = type(value)
    if t is str or t is bool or t is int or value is None:
        return value
    if t is float:
        if value != value:
            return {"$keel_nf": "NaN"}
        if value in (math.inf, -math.inf):
            return {"$keel_nf": "Infinity" if value > 0 else "-Infinity"}
        return value
    if t is dict:
        return {str(k): to_plain(v) for k, v in value.items()}
    if t is list or t is tuple:
        return [to_plain(v) for v in value]
    module = t.__module__
    if module == "numpy":
        if hasattr(value, "tolist"):
            return to_plain(value.tolist())
        return to_plain(value.item())
    if module.startswith("pandas"):
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if hasattr(value, "tolist"):
            return to_plain(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # Subclasses of the plain types (IntEnum, str enums) become the plain type.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return to_plain(float(value))
    if isinstance(value, str):
        return str(value)
    return {"$keel_obj": t.__name__}


def encode_result(value):
    return json.dumps(to_plain(value), separators=(",", ":"), allow_nan=False)


# ---------------------------------------------------------------------------------------------
# dialect runtimes


class SensorRuntime:
    """Keeps the rolling window in the child and builds the ``df`` an SMK plugin reads, per bar."""

    COLUMNS = ["open", "high", "low", "close", "volume", "atr", "atr20"]

    def __init__(self, instance, window, frames=None):
        self.frames = frames
        self.instance = instance
        self.window = int(window)
        self.rows = []
        self.uses_df = reads_df(instance.update)
        if self.uses_df:
            import numpy as np
            import pandas as pd

            self.np = np
            self.pd = pd
            self.rolling_mean = _rolling_mean_kernel(np, pd)

    def reset(self):
        self.rows = []
        reset = getattr(self.instance, "reset", None)
        if callable(reset):
            reset()

    def step(self, message):
        aux = None
        if "w" in message:
            rows = []
            for r in message["w"]:
                if len(r) > 6:
                    aux = r.pop()
                else:
                    aux = None
                rows.append(r)
            self.rows = rows
        else:
            r = message["b"]
            if len(r) > 6:
                aux = r.pop()
            rows = self.rows
            rows.append(r)
        if len(rows) > self.window:
            del rows[: len(rows) - self.window]
        df = self.shared_frame(rows) if self.uses_df else None
        bar_row = rows[-1]
        t = bar_row[0]
        bar = {
            "time": t // 1000 if t % 1000 == 0 else t / 1000,
            "open": bar_row[1],
            "high": bar_row[2],
            "low": bar_row[3],
            "close": bar_row[4],
            "volume": bar_row[5],
        }
        if aux:
            bar.update(aux)
        reading = self.instance.update(bar, df, message.get("smk") or {})
        if type(reading) is dict and "score_norm" in reading:
            # That codebase's sensor row shows `score_norm` when a plugin gives one.
            reading = dict(reading)
            if "score" in reading:
                reading["score_raw"] = reading["score"]
            reading["score"] = reading["score_norm"]
        return reading

    def shared_frame(self, rows):
        """In a shared process the plugins of one bar read one frame, built once (each gets a copy)."""
        frames = self.frames
        if frames is None:
            return self.frame(rows)
        last = rows[-1]
        key = (len(rows), rows[0][0], last[0], last[4])
        hit = frames.get(key)
        if hit is None:
            frames.clear()
            hit = frames[key] = self.frame(rows)
        return hit.copy()

    def frame(self, rows):
        """``df``: OHLCV plus ``atr``/``atr20`` (14/20-bar rolling mean of high - low, gaps = window mean)."""
        np = self.np
        arr = np.array(rows, dtype="float64")
        n = len(rows)
        tr = arr[:, 2] - arr[:, 3]
        mean = tr.sum() / n
        atr = self.rolling_mean(tr, 14)
        atr[np.isnan(atr)] = mean
        atr20 = self.rolling_mean(tr, 20)
        atr20[np.isnan(atr20)] = mean
        values = np.empty((n, 7), dtype="float64")
        values[:, :5] = arr[:, 1:6]
        values[:, 5] = atr
        values[:, 6] = atr20
        index = self.pd.DatetimeIndex(arr[:, 0].astype("int64").astype("datetime64[ms]")).tz_localize("UTC")
        return self.pd.DataFrame(values, index=index, columns=self.COLUMNS, copy=False)


def _rolling_mean_kernel(np, pd):
    """``Series.rolling(w).mean()`` without the Rolling object: pandas' own kernel when it is there
    (checked against the public API, bit for bit), else the public API."""

    def public(values, w):
        return pd.Series(values).rolling(w).mean().to_numpy(dtype="float64", copy=True)

    try:
        from pandas._libs.window.aggregations import roll_mean

        def kernel(values, w):
            n = len(values)
            end = np.arange(1, n + 1, dtype="int64")
            start = np.maximum(end - w, 0)
            return np.asarray(roll_mean(values, start, end, w), dtype="float64")

        probe = np.random.default_rng(7).random(97) * 3.0
        for w in (14, 20):
            a, b = kernel(probe, w), public(probe, w)
            if not np.array_equal(a, b, equal_nan=True):
                return public
        return kernel
    except Exception:
        return public


class SharedSensors:
    """One process serving several SMK plugins of a host (opt-in): each is attached by key."""

    def __init__(self):
        self.members = {}
        self.frames = {}

    def attach(self, message):
        spec = message["spec"]
        _setup_path(spec)
        cls = _load_class(spec)
        if _dialect(cls) != "sensor":
            raise ValueError(f"{cls.__name__} is not an SMK plugin; only sensors share a process")
        self.members[message["k"]] = SensorRuntime(_instantiate(cls, "sensor"), spec.get("window") or 60, self.frames)

    def step(self, message):
        return self.members[message["k"]].step(message)

    def reset(self, message):
        member = self.members.get(message.get("k"))
        if member is not None:
            member.reset()


class TrackedData(dict):
    """``context.data``: one dict shared by the host's OptiFIRE plugins (changes travel back to it)."""


class AsyncDb:
    """``context.db``: the plugin's own SQLite file, with the awaitable calls OptiFIRE plugins use."""

    def __init__(self, path):
        import sqlite3

        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS features (symbol TEXT, feature_name TEXT, value REAL, "
            "timestamp TEXT DEFAULT CURRENT_TIMESTAMP)"
        )
        self.last = None

    async def execute(self, sql, params=()):
        self.last = self.conn.execute(sql, tuple(params) if not isinstance(params, dict) else params)
        return self.last

    async def executemany(self, sql, seq):
        self.last = self.conn.executemany(sql, seq)
        return self.last

    async def fetchall(self, sql=None, params=()):
        if sql is not None:
            return self.conn.execute(sql, tuple(params)).fetchall()
        return self.last.fetchall() if self.last is not None else []

    async def fetchone(self, sql=None, params=()):
        if sql is not None:
            return self.conn.execute(sql, tuple(params)).fetchone()
        return self.last.fetchone() if self.last is not None else None

    async def commit(self):
        pass


class KeelBus:
    def __init__(self, plugin_id):
        self.plugin_id = plugin_id

    async def publish(self, event_type, data=None, source=None):
        from keel_runtime import bridge

        bridge.host_notify("bus.publish", {"type": str(event_type), "data": to_plain(data)})


class ScheduledRuntime:
    def __init__(self, instance, loop):
        from optifire.plugins import PluginContext

        self.instance = instance
        self.loop = loop
        self.context = PluginContext(
            config=SPEC.get("config") or {},
            db=AsyncDb(SPEC["dbPath"]),
            bus=KeelBus(SPEC.get("pluginId")),
            data=TrackedData(),
        )

    def run(self, message):
        data = self.context.data
        data.clear()
        data.update(message.get("data") or {})
        before = {k: json.dumps(to_plain(v), sort_keys=True) for k, v in data.items()}
        result = self.loop.run_until_complete(self.instance.run(self.context))
        changed = {}
        for k, v in data.items():
            plain = to_plain(v)
            if before.get(k) != json.dumps(plain, sort_keys=True):
                changed[k] = plain
        removed = [k for k in before if k not in data]
        success = bool(getattr(result, "success", False))
        out = {"success": success, "dataSet": changed, "dataDel": removed}
        payload = getattr(result, "data", None)
        if payload is not None:
            out["data"] = payload
        error = getattr(result, "error", None)
        if error is not None:
            out["error"] = str(error)
        return out


class PrismHost:
    """The ``host`` a PrismR service's ``on_load`` receives, bridged to Keel's RPC, bus and cache."""

    def __init__(self, runtime):
        self._runtime = runtime

    def register_rpc(self, name, fn):
        from keel_runtime import bridge

        self._runtime.rpcs[str(name)] = fn
        bridge.host_call("rpc.register", {"name": str(name)})

    def register_event_handler(self, event_type, fn):
        from keel_runtime import bridge

        handlers = self._runtime.handlers.setdefault(str(event_type), [])
        handlers.append(fn)
        if len(handlers) == 1:
            bridge.host_call("bus.on", {"type": str(event_type)})

    def publish(self, event, data=None):
        from keel_runtime import bridge

        if isinstance(event, dict):
            event = dict(event)
            event_type = event.pop("type", None)
            payload = event.pop("data", event) if data is None else data
        else:
            event_type, payload = event, data
        if not event_type:
            raise ValueError("publish(event): event needs a 'type'")
        bridge.host_notify("bus.publish", {"type": str(event_type), "data": to_plain(payload)})

    def cache_get(self, ns, key, default=None):
        from keel_runtime import bridge

        value = bridge.host_call("cache.get", {"ns": str(ns), "key": str(key)})
        return default if value is None else value

    def cache_put(self, ns, key, value, ttl=None):
        from keel_runtime import bridge

        payload = {"ns": str(ns), "key": str(key), "value": to_plain(value)}
        if ttl is not None:
            payload["ttlMs"] = int(float(ttl) * 1000)
        bridge.host_call("cache.put", payload)

    def cache_clear(self, ns=None):
        from keel_runtime import bridge

        bridge.host_call("cache.clear", {"ns": None if ns is None else str(ns)})

    def log(self, message, level="info"):
        from keel_runtime import bridge

        bridge.host_notify("log", {"level": level, "msg": str(message)})


class ServiceRuntime:
    def __init__(self, instance, loop):
        self.instance = instance
        self.loop = loop
        self.rpcs = {}
        self.handlers = {}

    def _call(self, fn, *args):
        out = fn(*args)
        if _inspect.isawaitable(out):
            out = self.loop.run_until_complete(out)
        return out

    def load(self):
        fn = self.instance.on_load
        try:
            params = len(_inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            params = 2
        host = PrismHost(self)
        if params >= 2:
            self._call(fn, host, SPEC.get("config") or {})
        else:
            self._call(fn, host)

    def rpc(self, message):
        fn = self.rpcs[message["name"]]
        payload = message.get("payload")
        try:
            params = len(_inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            params = 1
        return self._call(fn, payload) if params >= 1 else self._call(fn)

    def event(self, message):
        for fn in self.handlers.get(message["type"], []):
            self._call(fn, message.get("event"))
        return None

    def panel(self):
        info = self.instance.describe()
        stats = []
        for stat in getattr(info, "stats", None) or []:
            try:
                stats.append({"label": str(stat.label), "value": to_plain(stat.fn())})
            except Exception as e:
                stats.append({"label": str(getattr(stat, "label", "?")), "error": f"{type(e).__name__}: {e}"})
        return {"status": str(getattr(info, "status", "ok")), "stats": stats}


def _serve_panels(runtime, socket_path):
    """Panels are read synchronously by the host: a thread answers them beside the request loop."""
    import socket
    import threading

    try:
        os.unlink(socket_path)
    except OSError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(4)

    def loop():
        while True:
            conn, _ = server.accept()
            try:
                conn.recv(64)
                try:
                    answer = runtime.panel()
                except Exception as e:
                    answer = {"error": f"describe() raised {type(e).__name__}: {e}"}
                conn.sendall(json.dumps(to_plain(answer), allow_nan=False).encode())
            except Exception:
                pass
            finally:
                conn.close()

    threading.Thread(target=loop, name="keel-panels", daemon=True).start()


# ---------------------------------------------------------------------------------------------
# modes


def _failure_json(e):
    if isinstance(e, LoadFailure):
        return {"ok": False, "code": e.code, "message": e.message, "hint": e.hint, "phase": e.phase}
    return {"ok": False, "code": "PYTHON_IMPORT_ERROR", "message": f"{type(e).__name__}: {e}", "phase": "import"}


def inspect_mode():
    # Whatever the plugin prints while importing must not mix with the answer on stdout.
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        _setup_path()
        cls = _load_class()
        dialect = _dialect(cls)
        instance = _instantiate(cls, dialect) if dialect == "scheduled" else None
        out = {"ok": True, "info": _describe_class(cls, dialect, instance)}
    except BaseException as e:
        out = _failure_json(e)
    text = json.dumps(to_plain(out), allow_nan=False) + "\n"
    os.write(answer_fd, text.encode())
    sys.stdout.flush()
    os._exit(0)


def serve_mode():
    from keel_runtime import bridge

    _die_with_parent()
    in_fd = PROTOCOL_FD
    out_fd = os.dup(PROTOCOL_FD)
    bridge.start(in_fd, out_fd, int(SPEC.get("parentPid", os.getppid())))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    max_bytes = int(SPEC.get("maxReadingBytes", 1 << 20))
    try:
        _setup_path()
        if SPEC.get("shared"):
            dialect, cls = "shared", None
        else:
            cls = _load_class()
            dialect = _dialect(cls)
            instance = _instantiate(cls, dialect)
        if dialect == "shared":
            runtime = SharedSensors()
        elif dialect == "sensor":
            runtime = SensorRuntime(instance, SPEC.get("window") or 60)
        elif dialect == "scheduled":
            runtime = ScheduledRuntime(instance, loop)
        else:
            runtime = ServiceRuntime(instance, loop)
            runtime.load()
            if SPEC.get("panelSocket"):
                _serve_panels(runtime, SPEC["panelSocket"])
        _limit_memory(SPEC.get("memMb"))
    except BaseException as e:
        bridge.send({"t": "ready", **_failure_json(e)})
        return
    bridge.send({"t": "ready", "ok": True, "dialect": dialect})
    while True:
        message = bridge.next_message()
        rid = message.get("id")
        op = message.get("op")
        try:
            if op == "bar":
                value = runtime.step(message)
            elif op == "reset":
                if dialect == "sensor":
                    runtime.reset()
                elif dialect == "shared":
                    runtime.reset(message)
                value = None
            elif op == "attach":
                runtime.attach(message)
                value = None
            elif op == "run":
                value = runtime.run(message)
            elif op == "rpc":
                value = runtime.rpc(message)
            elif op == "event":
                value = runtime.event(message)
            elif op == "panel":
                value = runtime.panel()
            elif op == "exit":
                os._exit(0)
            else:
                raise ValueError(f"unknown op {op!r}")
            text = encode_result(value)
            if len(text) > max_bytes:
                raise OverflowError(
                    f"result is {len(text)} bytes of JSON, over the {max_bytes}-byte cap (maxResultBytes)"
                )
            bridge.send_raw(b'{"t":"res","id":%d,"ok":true,"v":%s}\n' % (rid, text.encode()))
        except MemoryError:
            bridge.send({"t": "res", "id": rid, "ok": False, "err": "MemoryError: over budget.memMb", "restart": True})
        except Exception as e:
            where = ""
            tb = traceback.extract_tb(e.__traceback__)
            if tb:
                last = tb[-1]
                where = f" ({os.path.basename(last.filename)}:{last.lineno})"
            bridge.send({"t": "res", "id": rid, "ok": False, "err": f"{type(e).__name__}: {e}{where}"[:2000]})


if __name__ == "__main__":
    # The script's own folder must not shadow the plugin's modules (a user `bridge.py`): the runtime
    # package is importable from its parent, placed last.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if len(sys.argv) > 1 and sys.argv[1] == "inspect":
        inspect_mode()
    else:
        serve_mode()
