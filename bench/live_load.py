#!/usr/bin/env python3
"""Passthrough load on a live server: CPU per stream, and how many publishers it carries.

usage: live_load.py cpu  SERVER_PIDS RTMP_URL_TEMPLATE FILE SECONDS [streams=1] [KEYS_FILE]
       live_load.py edge HTTP_BASE ADMIN_TOKEN RTMP_BASE FILE SECONDS N

cpu:  publishes FILE (-c copy, -re, looped) to RTMP_URL_TEMPLATE N times ({i} = stream number,
      {key} = the i-th line of KEYS_FILE)
      and prints the CPU the server processes (pids, comma-separated, plus their descendants)
      used per stream, in % of one core.
parts: polls an LL-HLS media playlist every 20 ms for SECONDS and reports, per part, when it was
      first listed minus the wall-clock time of its end on the server's own timeline
      (EXT-X-PROGRAM-DATE-TIME anchors media time to the arrival of the first frame), so publisher
      start-up is not counted: the server's own part delay.
edge: creates N Reelay streams, publishes FILE to each for SECONDS, then checks every stream's
      LL-HLS playlist edge (last segment + trailing parts) is within 1.5 s of now: carried=yes/no.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

TCK = os.sysconf("SC_CLK_TCK")


def tree(pids):
    all_pids, frontier = set(pids), list(pids)
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except OSError:
                pass
    while frontier:
        p = frontier.pop()
        for c in children.get(p, []):
            if c not in all_pids:
                all_pids.add(c)
                frontier.append(c)
    return all_pids


def ticks(pids):
    total = 0
    for p in tree(pids):
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total


def publish(file, url):
    return subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                             "-i", file, "-c", "copy", "-f", "flv", url],
                            stdin=subprocess.DEVNULL)


def cpu(pids, template, file, secs, n, keys):
    pubs = [publish(file, template.format(i=i, key=keys[i] if keys else "")) for i in range(n)]
    time.sleep(4)  # connect, first keyframe
    t0, c0 = time.time(), ticks(pids)
    time.sleep(secs)
    used = (ticks(pids) - c0) / TCK / (time.time() - t0) * 100
    for p in pubs:
        p.terminate()
    for p in pubs:
        p.wait()
    print(f"streams={n} server_cpu_pct={used:.1f}"
          + (f" per_stream_cpu_pct={used / n:.2f}" if n else ""))


def api(base, token, path, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def edge_lag(text, now):
    pdt, dur, end = None, 0.0, None
    for line in text.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
            dur = 0.0
        elif line.startswith("#EXTINF:"):
            dur = float(re.match(r"#EXTINF:([\d.]+)", line)[1])
            end = pdt + dur
            pdt = end
            dur = 0.0
        elif line.startswith("#EXT-X-PART:") and pdt is not None:
            dur += float(re.search(r"DURATION=([\d.]+)", line)[1])
    if end is None and pdt is None:
        return 99.0
    return now - ((end if end is not None else pdt) + dur)


def edge(base, token, rtmp_base, file, secs, n, pids):
    streams = [json.loads(api(base, token, "/api/streams", {"title": f"load {i}"})) for i in range(n)]
    pubs = [publish(file, f"{rtmp_base}/{s['key']}") for s in streams]
    time.sleep(6)
    t0, c0 = time.time(), ticks(pids)
    time.sleep(max(1, secs - 6))
    used = (ticks(pids) - c0) / TCK / (time.time() - t0) * 100
    lags = []
    for s in streams:
        try:
            with urllib.request.urlopen(f"{base}/live/{s['id']}/source/index.m3u8", timeout=10) as r:
                lags.append(edge_lag(r.read().decode(), time.time()))
        except Exception:
            lags.append(99.0)
    for p in pubs:
        p.terminate()
    for p in pubs:
        p.wait()
    for s in streams:
        api_delete(base, token, s["id"])
    worst = max(lags)
    print(f"publishers={n} server_cpu_pct={used:.0f} worst_edge_lag_s={worst:.2f} "
          f"median_edge_lag_s={sorted(lags)[len(lags) // 2]:.2f} carried={'yes' if worst < 1.5 else 'no'}")


def part_ends(text):
    """(msn, part index) -> wall-clock end of that part, from the playlist's PDT timeline."""
    msn = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text)[1])
    ends, pdt, offset, idx = {}, None, 0.0, 0
    for line in text.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00")).timestamp()
            offset, idx = 0.0, 0
        elif line.startswith("#EXT-X-PART:") and pdt is not None:
            offset += float(re.search(r"DURATION=([\d.]+)", line)[1])
            ends[(msn, idx)] = pdt + offset
            idx += 1
        elif line.startswith("#EXTINF:") and pdt is not None:
            pdt += float(re.match(r"#EXTINF:([\d.]+)", line)[1])
            msn, offset, idx = msn + 1, 0.0, 0
    return ends


def parts(url, secs):
    seen = {}
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                text = r.read().decode()
            now = time.time()
            for k, end in part_ends(text).items():
                seen.setdefault(k, now - end)
        except Exception:
            pass
        time.sleep(0.02)
    first = min(seen) if seen else None
    lat = sorted(v for k, v in seen.items() if k[0] > first[0] + 1)  # skip the first segments
    if not lat:
        print("parts: none observed")
        return
    within = sum(1 for v in lat if v <= 0.2) / len(lat) * 100
    print(f"parts={len(lat)} server_part_delay median={lat[len(lat) // 2]:.3f}s "
          f"p90={lat[int(len(lat) * 0.9) - 1]:.3f}s max={lat[-1]:.3f}s within_0.2s={within:.0f}%")


def api_delete(base, token, sid):
    req = urllib.request.Request(f"{base}/api/streams/{sid}", method="DELETE",
                                 headers={"Authorization": "Bearer " + token})
    try:
        urllib.request.urlopen(req, timeout=10).read()
    except Exception:
        pass


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "cpu":
        pids = [int(p) for p in sys.argv[2].split(",")]
        keys = open(sys.argv[7]).read().split() if len(sys.argv) > 7 else None
        cpu(pids, sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else 1, keys)
    elif mode == "parts":
        parts(sys.argv[2], int(sys.argv[3]))
    else:
        base, token, rtmp_base, file, secs, n, pids = sys.argv[2:9]
        edge(base, token, rtmp_base, file, int(secs), int(n), [int(p) for p in pids.split(",")])
