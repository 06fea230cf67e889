#!/usr/bin/env python3
"""Resident memory of a Kopir server through a burst of concurrent sign-ins.

Starts `kopir serve` (the binary given, default target/release/kopir) on a fresh SQLite file,
registers one account, reads the server's resident memory (VmRSS), fires N sign-ins at once,
samples the peak while they run, waits 10 s idle and reads it again. Prints the figures and how
many sign-ins were answered, refused with 429 (the bounded hashing queue) or failed otherwise.

    python3 benches/load/login_burst.py [path/to/kopir] [concurrency]
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BINARY = sys.argv[1] if len(sys.argv) > 1 else "target/release/kopir"
CONCURRENCY = int(sys.argv[2]) if len(sys.argv) > 2 else 64
SEQUENTIAL = os.environ.get("SEQUENTIAL") == "1"
EMAIL, PASSWORD = "burst@example.kz", "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def post(base, query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{base}/graphql", body, {"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def main():
    workdir = tempfile.mkdtemp(prefix="kopir-burst-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        KOPIR_JWT_SECRET="burst-benchmark-secret-burst-benchmark-secret",
        KOPIR_RATE_LIMIT_PER_IP="1000000",
    )
    server = subprocess.Popen(
        [BINARY, "serve", "--listen", f"127.0.0.1:{port}",
         "--database-url", f"sqlite://{workdir}/kopir.db"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not become ready")
        status, body = post(
            base,
            "mutation($e: String!, $p: String!) { register(input: { email: $e, password: $p, displayName: \"Burst\" }) { accessToken } }",
            {"e": EMAIL, "p": PASSWORD},
        )
        assert status == 200 and "errors" not in body, body
        time.sleep(1)
        baseline = rss_mib(server.pid)
        outcomes, peak, done = [], [baseline], threading.Event()

        def sample():
            while not done.is_set():
                peak.append(rss_mib(server.pid))
                time.sleep(0.02)

        def login():
            status, body = post(
                base,
                os.environ.get("QUERY") or "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }",
                {"e": EMAIL, "p": PASSWORD},
            )
            code = (body.get("errors") or [{}])[0].get("extensions", {}).get("code")
            outcomes.append((status, code))

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        threads = [threading.Thread(target=login) for _ in range(CONCURRENCY)]
        for t in threads:
            t.start()
            if SEQUENTIAL:
                t.join()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        done.set()
        sampler.join()
        time.sleep(10)
        idle = rss_mib(server.pid)
        ok = sum(1 for s, c in outcomes if s == 200 and c is None)
        limited = sum(1 for s, c in outcomes if s == 429 and c == "RATE_LIMITED")
        print(f"{CONCURRENCY} concurrent sign-ins in {elapsed:.2f} s: {ok} signed in, "
              f"{limited} refused with 429, {len(outcomes) - ok - limited} other")
        print(f"resident memory: baseline {baseline:.1f} MiB, peak {max(peak):.1f} MiB "
              f"(+{max(peak) - baseline:.1f}), after 10 s idle {idle:.1f} MiB "
              f"(+{idle - baseline:.1f})")
        if ok + limited != len(outcomes):
            sys.exit("some sign-ins failed otherwise")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
