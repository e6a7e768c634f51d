"""What a running dashboard server holds: its sessions, live and closed, and its memory.

    sudo .venv/bin/python benchmarks/probe_sessions.py PID

Attaches gdb to the ``streamlit run`` process PID, runs a few lines of Python inside it (under
the GIL) and prints what they read: sessions Streamlit knows and how many are connected, the
``AppSession`` objects still alive after a garbage collection, entries in the store of
disconnected sessions (expired ones included: that store drops them only when next written
to), Arrow's pool and VmRSS. It collects garbage and otherwise changes nothing. Needs gdb and
the right to trace the process (root, or the same user with ptrace allowed).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import gc, json
def _probe(out_path):
    import pyarrow as pa
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession
    manager = Runtime.instance()._session_mgr
    gc.collect()
    cache = manager._session_storage._cache
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))
    facts = {
        "sessions_known": len(manager.list_sessions()),
        "sessions_connected": len(manager.list_active_sessions()),
        "app_sessions_alive": sum(isinstance(o, AppSession) for o in gc.get_objects()),
        "disconnected_store_entries": len(getattr(cache, "_data", {})),
        "arrow_pool_mb": pa.default_memory_pool().bytes_allocated() // 2**20,
        "vm_rss_mb": rss,
    }
    with open(out_path, "w") as out:
        json.dump(facts, out)
_probe(OUT)
"""


def probe(pid: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        script, out = Path(folder) / "probe.py", Path(folder) / "facts.json"
        script.write_text(PROBE.replace("OUT", repr(str(out))), encoding="utf-8")
        run_script = f'exec(open(\\"{script}\\").read())'
        command = ["gdb", "-p", str(pid), "-batch", "-ex", "call (int)PyGILState_Ensure()"]
        command += ["-ex", f'call (int)PyRun_SimpleString("{run_script}")']
        command += ["-ex", "call (void)PyGILState_Release($1)"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if not out.exists():
            raise RuntimeError(f"the probe did not run in process {pid}:\n{done.stderr[-1500:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pid", type=int, help="the streamlit run process")
    args = parser.parse_args()
    try:
        facts = probe(args.pid)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for name, value in facts.items():
        print(f"{name:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
