#!/usr/bin/env python3
"""One Gatling step of bench/gatling_live.sh: runs the given command (the Maven/Gatling run) with
its output into LOG, samples the CPU of the server processes and of the command's own process
tree (Maven and the Gatling JVM it forks) while the Gatling JVM is alive, then reads Gatling's
console summary ("Global Information") from LOG (Gatling 3.14 writes no stats.json any more).

usage: gatling_step.py SERVER_PID LOG USERS -- COMMAND...

Prints one table line (tab-separated):
users requests failed p50 p99 max req/s load server_cpu% gatling_cpu% exit
CPU is in % of one core over the Gatling JVM's lifetime (2 cores = 200 %).
"""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_load import tree  # noqa: E402  (a pid and its descendants)

TCK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (OSError, IndexError, ValueError):
        return None


def is_gatling_jvm(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ")
    except OSError:
        return False
    return b"java" in cmd and b"io.gatling" in cmd and b"maven" not in cmd.split(b" ")[0]


def summary(text):
    """The Total column of Gatling's 'Global Information' console table, by row label."""
    rows = {}
    block = text[text.rfind("---- Global Information") :]
    for m in re.finditer(r"^> ([a-z0-9 ()]+?)\s+\|\s+([0-9,.]+|-)\s+\|\s+([0-9,.]+|-)\s+\|\s+([0-9,.]+|-)", block, re.M):
        rows[m.group(1).strip()] = (m.group(2), m.group(3), m.group(4))
    return rows


def main():
    server_pid, log, users = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmd = sys.argv[sys.argv.index("--") + 1 :]
    load = open("/proc/loadavg").read().split()[0]
    with open(log, "w") as out:
        # its own process group: stopping this step stops Maven and the Gatling JVM with it
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stop = lambda *_: (os.killpg(proc.pid, signal.SIGTERM), sys.exit(143))  # noqa: E731
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # per pid, ticks at first and last sight: exited processes keep their last sample
        first, last = {}, {}
        start = end = None
        while proc.poll() is None:
            client = tree([proc.pid])
            if any(is_gatling_jvm(p) for p in client):
                now = time.monotonic()
                start = start or now
                end = now
                server = tree([server_pid])
                for p in server | client:
                    t = cpu_ticks(p)
                    if t is not None:
                        tag = ("server" if p in server else "client", p)
                        first.setdefault(tag, t)
                        last[tag] = t
            time.sleep(1)
    wall = (end - start) if start and end and end > start else 0

    def pct(kind):
        used = sum(last[k] - first[k] for k in last if k[0] == kind)
        return f"{100.0 * used / TCK / wall:.0f}" if wall else "?"

    rows = summary(open(log, encoding="utf-8", errors="replace").read())

    def total(label):
        return rows.get(label, ("-",))[0].replace(",", "")

    ko = rows.get("request count", ("-", "-", "-"))[2]
    print(
        "\t".join(
            str(x)
            for x in (
                users,
                total("request count"),
                "0" if ko == "-" and rows else ko.replace(",", ""),
                total("response time 50th percentile (ms)"),
                total("response time 99th percentile (ms)"),
                total("max response time (ms)"),
                total("mean throughput (rps)"),
                load,
                pct("server"),
                pct("client"),
                proc.returncode,
            )
        )
    )


if __name__ == "__main__":
    main()
