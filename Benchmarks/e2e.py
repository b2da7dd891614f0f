#!/usr/bin/env python3
"""End-to-end benchmark: Portico against Envoy (grpc_json_transcoder + grpc_web) and grpc-gateway, in one run.

Every gateway stands in front of the same backend and takes the same load, one after the other, interleaved over
--rounds. The load and the CPU accounting come from the reference kit's cpu_per_request.sh (wrk for HTTP/1.1,
h2load for HTTP/2); this script starts the processes, runs the cases and prints one summary table. The figure to
compare is the gateway's CPU microseconds per request: it holds on a busy 2-core machine, where req/s measures
whichever process saturates first.

Cases (--cases picks some, comma-separated):
  rest-get      GET /v1/echo/hello: a path variable and a small response (Go echo backend)
  rest-post-1k  POST /v1/echo with a 1 KiB JSON body (Go echo backend)
  grpc-web-1k   a binary gRPC-Web unary call carrying 1 KiB (Go echo backend; grpc-gateway has no gRPC-Web)
  h2-post-1k    the 1 KiB REST POST over HTTP/2 (h2c) with h2load (Go echo backend; grpc-gateway has no h2c)
  stream-10k    a server stream of 10,000 small messages as a JSON array (Portico's demo backend, which streams)
  post-1mib     POST /v1/echo with a 1 MiB JSON body (Go echo backend)
  fixed-rate    latency at the same offered load: the four unary cases sent by h2load at --rate requests/s in
                total (HTTP/1.1 with --h1), p50/p99/p99.9 and CPU per request of each gateway, interleaved
  backpressure  a large server stream to a client reading at 1 MB/s: Portico's RSS every second (Portico only)
  allocations   malloc calls per request of Portico's unary cases, counted with a perf uprobe on libc's malloc
                (needs root and perf; Portico only)

Envoy runs with --concurrency 1 and Portico with --threads 1: one event-loop thread each. Run it through
Benchmarks/run-e2e.sh, which sets up the kit and builds Portico first.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIT = os.environ.get("REFERENCE_KIT", os.path.join(ROOT, "..", "shared", "reference"))
HOME = os.environ.get("REFERENCE_HOME", os.path.join(ROOT, ".reference"))
# PORTICO_BIN runs another build (an A/B comparison, or a long run while the tree is rebuilt).
PORTICO = os.environ.get("PORTICO_BIN", os.path.join(ROOT, ".build", "release", "portico"))
GO_BIN = os.path.join(HOME, "grpc-gateway", "bin")

GO_BACKEND, DEMO_BACKEND = 19090, 19091
ENVOY, GRPCGW, PORTICO_H1, ENVOY_DEMO, PORTICO_DEMO, PORTICO_H2 = 18080, 18081, 18082, 18083, 18084, 18085

ONE_KIB_TEXT = "x" * 1000


class Case:
    def __init__(self, name, title, targets, path, method="GET", body=None, content_type=None, headers=(),
                 connections=50, http2=False):
        self.name, self.title, self.targets, self.path = name, title, targets, path
        self.method, self.body, self.content_type, self.headers = method, body, content_type, headers
        self.connections, self.http2 = connections, http2


def cases(bodies):
    go = {"envoy": ENVOY, "grpcgw": GRPCGW, "portico": PORTICO_H1}
    return [
        Case("rest-get", "REST GET /v1/echo/hello", go, "/v1/echo/hello"),
        Case("rest-post-1k", "REST POST /v1/echo, 1 KiB JSON", go, "/v1/echo", "POST", bodies["json-1k"],
             "application/json"),
        Case("grpc-web-1k", "gRPC-Web binary unary, 1 KiB", {"envoy": ENVOY, "portico": PORTICO_H1},
             "/bench.v1.Echo/Echo", "POST", bodies["grpc-web-1k"], "application/grpc-web+proto",
             ("x-grpc-web: 1",)),
        Case("h2-post-1k", "REST POST /v1/echo, 1 KiB JSON, HTTP/2 (h2load)", {"envoy": ENVOY, "portico": PORTICO_H2},
             "/v1/echo", "POST", bodies["json-1k"], "application/json", http2=True),
        Case("stream-10k", "server stream of 10,000 messages (JSON array)",
             {"envoy": ENVOY_DEMO, "portico": PORTICO_DEMO}, "/v1/echo/hi:expand?count=10000", connections=4),
        Case("post-1mib", "REST POST /v1/echo, 1 MiB JSON", go, "/v1/echo", "POST", bodies["json-1mib"],
             "application/json", connections=4),
    ]


# ----------------------------------------------------------------- processes
class Processes:
    def __init__(self):
        self.started = []
        self.envoy_ports = []
        self.pids = {}

    def start(self, name, argv, port):
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        self.started.append(proc)
        self.pids[name] = proc.pid
        wait_for_port(port, name)
        return proc.pid

    def start_envoy(self, name, descriptor, service, port, backend):
        out = subprocess.run([os.path.join(KIT, "run_envoy.sh"), "--descriptor", descriptor, "--services", service,
                              "--listen", str(port), "--backends", str(backend), "--concurrency", "1", "--strict",
                              # Portico's default body limits (4 MiB); Envoy's own stop the 1 MiB case.
                              "--transcoder-option", "max_request_body_size=4194304",
                              "--transcoder-option", "max_response_body_size=4194304"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        self.envoy_ports.append(port)
        self.pids[name] = int(out.strip().splitlines()[-1])

    def stop(self):
        for proc in self.started:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for port in self.envoy_ports:
            subprocess.run([os.path.join(KIT, "stop.sh"), "envoy", str(port)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def wait_for_port(port, name, seconds=30):
    import socket
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"{name} did not listen on 127.0.0.1:{port} within {seconds} s")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# ----------------------------------------------------------------- cases
def run_case(case, pids, rounds, duration):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = [os.path.join(KIT, "cpu_per_request.sh"), "--path", case.path, "--method", case.method,
                "--connections", str(case.connections), "--rounds", str(rounds), "--duration", str(duration),
                "--json", out.name]
        for target, port in case.targets.items():
            argv += ["--url", f"{target}=http://127.0.0.1:{port}"]
        for name in case.targets:
            argv += ["--pid", f"{name}={pids[name]}"]
        if case.body:
            argv += ["--body", case.body]
        if case.content_type:
            argv += ["--content-type", case.content_type]
        for header in case.headers:
            argv += ["--header", header]
        if case.http2:
            argv += ["--grpc", "--no-check"]  # h2load; the body is JSON, not a gRPC frame
        log = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            with open(out.name) as f:
                results = json.load(f)
        except (OSError, ValueError):
            results = []
    if log.returncode != 0 or not results:
        print(log.stdout[-3000:])
        print(f"!! case {case.name} failed (exit {log.returncode})")
    return results


def summarize(case, results):
    """One row per target: medians over rounds of the target's own CPU per request, req/s, p50, p99, peak RSS."""
    def median(values):
        values = sorted(v for v in values if v is not None)
        return values[len(values) // 2] if values else None
    rows = {}
    for target in case.targets:
        mine = [r for r in results if r["target"] == target]
        if not mine:
            continue
        rows[target] = {
            "cpu_us": median(r["processes"][target]["cpu_us_per_request"] for r in mine),
            "rps": median(r["rps"] for r in mine),
            "p50": median(r["load"]["p50_ms"] for r in mine),
            "p99": median(r["load"]["p99_ms"] for r in mine),
            "rss": max(r["processes"][target]["rss_peak_mib"] or 0 for r in mine),
            "errors": sum(r["load"].get("errors", 0) + r["load"].get("bad_status", 0) for r in mine),
        }
    if "portico" in rows:
        rows["portico"]["round_ratios"] = round_ratios(results)
    return rows


def round_ratios(results):
    """Portico's CPU per request against the better peer's of the same round. The gateways of a round run minutes
    apart at most, so the spread of these ratios is how far the machine moved one figure."""
    ratios = []
    for rnd in sorted({r["round"] for r in results}):
        cpu = {r["target"]: r["processes"][r["target"]]["cpu_us_per_request"] for r in results if r["round"] == rnd}
        best = best_peer(cpu)
        if best and cpu.get("portico"):
            ratios.append(cpu["portico"] / best[1])
    return ratios


def best_peer(cpu_by_target):
    """The issue's target compares Portico with the better (cheaper) of the peers that ran the case."""
    peers = {t: cpu for t, cpu in cpu_by_target.items() if t != "portico" and cpu}
    return min(peers.items(), key=lambda item: item[1]) if peers else None


def against_best_peer(cpu_by_target):
    best = best_peer(cpu_by_target)
    mine = cpu_by_target.get("portico")
    return f", cpu/best peer {mine / best[1]:.2f} ({best[0]})" if best and mine else ""


def print_table(all_rows, idle_rss):
    print("\n== summary: median over rounds; CPU µs per request of each gateway process ==")
    header = f"{'case':14s} {'gateway':8s} {'cpu µs/req':>10s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} " \
             f"{'peak RSS MiB':>12s} {'errors':>6s}  Portico/Envoy, and CPU against the cheaper peer"
    print(header)
    for case, rows in all_rows:
        for target, row in rows.items():
            ratio = ""
            if target == "portico" and "envoy" in rows and rows["envoy"]["cpu_us"] and row["cpu_us"]:
                envoy = rows["envoy"]
                ratio = (f"cpu {row['cpu_us'] / envoy['cpu_us']:.2f}, p99 {row['p99'] / envoy['p99']:.2f}, "
                         f"rss {row['rss'] / envoy['rss']:.2f}"
                         + against_best_peer({t: r["cpu_us"] for t, r in rows.items()}))
                spread = row.get("round_ratios") or []
                if len(spread) > 1:
                    ratio += f" (rounds {min(spread):.2f}-{max(spread):.2f})"
            fmt = lambda v, spec: "-" if v is None else format(v, spec)
            print(f"{case.name:14s} {target:8s} {fmt(row['cpu_us'], '10.1f')} {fmt(row['rps'], '9.0f')} "
                  f"{fmt(row['p50'], '8.2f')} {fmt(row['p99'], '8.2f')} {fmt(row['rss'], '12.1f')} "
                  f"{row['errors']:6d}  {ratio}")
    print("idle RSS MiB before the load: " + ", ".join(f"{k} {v:.1f}" for k, v in idle_rss.items()))


def backpressure(pid, megabytes, rate):
    """Streams `megabytes` MiB through Portico to a client reading at `rate`; prints RSS as it goes."""
    count = 10_000
    pad = max(1, megabytes * (1 << 20) // count)
    url = f"http://127.0.0.1:{PORTICO_DEMO}/v1/echo/x:expand?count={count}&padTo={pad}"
    print(f"\n== backpressure: {count} messages of {pad} bytes ({megabytes} MiB of JSON) read at {rate} "
          f"(curl --limit-rate), Portico's RSS each second ==")
    start_rss = rss_mib(pid)
    curl = subprocess.Popen(["curl", "-s", "--limit-rate", rate, "-o", "/dev/null", "-w", "%{size_download}",
                             url], stdout=subprocess.PIPE, text=True)
    samples, t0 = [], time.monotonic()
    while curl.poll() is None:
        time.sleep(1)
        samples.append(rss_mib(pid))
        if len(samples) % 30 == 0:
            print(f"  {len(samples):5d} s: RSS {samples[-1]:.1f} MiB")
    received = int(curl.stdout.read() or 0)
    print(f"received {received} bytes in {time.monotonic() - t0:.0f} s; Portico RSS MiB: start {start_rss:.1f}, "
          f"min {min(samples, default=0):.1f}, max {max(samples, default=0):.1f}, end {rss_mib(pid):.1f}")
    return max(samples, default=0)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fixed_rate(case, port, pid, rate, duration, work):
    """One gateway under `rate` requests/s from h2load (50 clients, one request in flight each): latency and CPU."""
    clients = 50 if not case.http2 else 10
    argv = ["h2load", "-c", str(clients), "-m", "1" if not case.http2 else "5", "-t", "1",
            "--rps", str(max(1, rate // clients))]  # per client, whatever its streams
    if not case.http2:
        argv.append("--h1")
    if case.body:
        argv += ["-d", case.body]
    if case.content_type:
        argv += ["-H", f"content-type: {case.content_type}"]
    for header in case.headers:
        argv += ["-H", header]
    log = os.path.join(work, "fixed-rate.tsv")
    url = f"http://127.0.0.1:{port}{case.path}"
    subprocess.run(argv + ["-D", "2", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    before = cpu_seconds(pid)
    out = subprocess.run(argv + ["-D", str(duration), "--log-file", log, url], capture_output=True, text=True).stdout
    cpu = cpu_seconds(pid) - before
    latencies, bad = [], 0
    with open(log) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3:
                latencies.append(int(parts[2]) / 1000.0)
                bad += not parts[1].startswith("2")
    os.remove(log)
    if not latencies:
        print(out[-1000:])
        return None
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]
    return {"rps": len(latencies) / duration, "p50": pct(50), "p99": pct(99), "p999": pct(99.9),
            "cpu_us": cpu * 1e6 / len(latencies), "bad": bad}


def print_fixed_rate(rows, rate):
    print(f"\n== fixed rate: {rate} requests/s offered (h2load --rps; HTTP/1.1 cases with --h1), median over rounds ==")
    print(f"{'case':14s} {'gateway':8s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'p99.9 ms':>9s} {'cpu µs/req':>10s} "
          f"{'bad':>5s}  Portico/Envoy, and CPU against the cheaper peer")
    for case, by_target in rows:
        medians = {}
        for target, runs in by_target.items():
            runs = [r for r in runs if r]
            if not runs:
                continue
            medians[target] = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}
        for target, m in medians.items():
            ratio = ""
            if target == "portico" and "envoy" in medians:
                e = medians["envoy"]
                ratio = (f"p99 {m['p99'] / e['p99']:.2f}, p99.9 {m['p999'] / e['p999']:.2f}, cpu {m['cpu_us'] / e['cpu_us']:.2f}"
                         + against_best_peer({t: r["cpu_us"] for t, r in medians.items()}))
            print(f"{case.name:14s} {target:8s} {m['rps']:8.0f} {m['p50']:8.2f} {m['p99']:8.2f} {m['p999']:9.2f} "
                  f"{m['cpu_us']:10.1f} {int(m['bad']):5d}  {ratio}")


LIBC = "/lib/x86_64-linux-gnu/libc.so.6"


def allocations(pid, unary_cases, work, seconds=3):
    """malloc calls per request: a perf uprobe counts the process's mallocs while wrk sends one case's requests."""
    probe = subprocess.run(["perf", "probe", "-x", LIBC, "--add", "malloc"], capture_output=True, text=True)
    if probe.returncode != 0 and "already exists" not in probe.stderr:
        print(f"\n== allocations: skipped, perf probe failed: {probe.stderr.strip()[-300:]}")
        return
    print("\n== allocations: malloc calls per request in Portico (perf uprobe on libc malloc, wrk 10 connections)")
    for case in unary_cases:
        lua = os.path.join(work, f"{case.name}.lua")
        with open(lua, "w") as f:
            f.write(f"wrk.method = {json.dumps(case.method)}\n")
            if case.content_type:
                f.write(f"wrk.headers['Content-Type'] = {json.dumps(case.content_type)}\n")
            for header in case.headers:
                name, value = header.split(": ", 1)
                f.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
            if case.body:
                f.write(f"local f = io.open({json.dumps(case.body)}, 'rb'); wrk.body = f:read('*a'); f:close()\n")
        url = f"http://127.0.0.1:{PORTICO_H1}{case.path}"
        subprocess.run(["wrk", "-t1", "-c10", "-d1s", "-s", lua, url], stdout=subprocess.DEVNULL)
        with tempfile.NamedTemporaryFile(mode="r", suffix=".csv") as out:
            stat = subprocess.Popen(["perf", "stat", "-x", ",", "-e", "probe_libc:malloc", "-p", str(pid), "-o",
                                     out.name, "--", "sleep", str(seconds + 1)])
            time.sleep(0.5)
            load = subprocess.run(["wrk", "-t1", "-c10", f"-d{seconds}s", "-s", lua, url], capture_output=True,
                                  text=True).stdout
            stat.wait()
            mallocs = next((int(line.split(",")[0]) for line in out.read().splitlines()
                            if "probe_libc:malloc" in line and line.split(",")[0].isdigit()), None)
        requests = next((int(line.split()[0]) for line in load.splitlines() if "requests in" in line), 0)
        if mallocs is None or not requests:
            print(f"  {case.name:14s} no count")
            continue
        print(f"  {case.name:14s} {mallocs / requests:7.1f} mallocs/request ({mallocs} over {requests} requests; "
              "idle time's few included)")


# ----------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--duration", type=int, default=8, help="seconds of measured load per run")
    ap.add_argument("--cases", default="rest-get,rest-post-1k,grpc-web-1k,h2-post-1k,stream-10k,post-1mib")
    ap.add_argument("--rate", type=int, default=10000, help="total requests/s of the fixed-rate case")
    ap.add_argument("--backpressure-mib", type=int, default=1024, help="size of the backpressure stream")
    ap.add_argument("--backpressure-rate", default="1M", help="the slow client's read rate (curl --limit-rate)")
    a = ap.parse_args()
    wanted = set(a.cases.split(","))

    work = tempfile.mkdtemp(prefix="portico-e2e-")
    bodies = {"json-1k": os.path.join(work, "1k.json"), "json-1mib": os.path.join(work, "1mib.json"),
              "grpc-web-1k": os.path.join(work, "1k.grpc-web")}
    with open(bodies["json-1k"], "w") as f:
        json.dump({"message": ONE_KIB_TEXT}, f)
    with open(bodies["json-1mib"], "w") as f:
        json.dump({"message": "x" * (1 << 20)}, f)
    echo_pb, demo_pb = os.path.join(HOME, "echo.pb"), os.path.join(HOME, "demo.pb")
    subprocess.run([os.path.join(KIT, "make_descriptor.sh"), "-I", os.path.join(KIT, "peers", "grpc-gateway"),
                    "-o", echo_pb, os.path.join(KIT, "peers", "grpc-gateway", "echo.proto")],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(KIT, "make_descriptor.sh"), "-I", os.path.join(ROOT, "protos"), "-o", demo_pb,
                    os.path.join(ROOT, "protos", "echo", "v1", "echo.proto")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(KIT, "grpc_body.sh"), "--descriptor", echo_pb, "--type", "bench.v1.EchoRequest",
                    "--json", json.dumps({"message": ONE_KIB_TEXT}), "-o", bodies["grpc-web-1k"]],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    procs = Processes()
    try:
        serve = [PORTICO, "serve", "--log-level", "warning", "--threads", "1"]
        procs.start("demo-backend", [PORTICO, "demo-backend", "--listen", f"127.0.0.1:{DEMO_BACKEND}"], DEMO_BACKEND)
        pids, idle_rss = {}, {}
        if wanted - {"backpressure"}:  # the gateways side by side, in front of the Go echo backend
            procs.start("backend", [os.path.join(GO_BIN, "backend"), "-listen", f"127.0.0.1:{GO_BACKEND}"],
                        GO_BACKEND)
            procs.start("grpcgw", [os.path.join(GO_BIN, "gateway"), "-listen", f"127.0.0.1:{GRPCGW}", "-backend",
                                   f"127.0.0.1:{GO_BACKEND}"], GRPCGW)
            procs.start("portico", serve + ["--descriptor-set", echo_pb, "--backend", f"127.0.0.1:{GO_BACKEND}",
                                            "--listen", f"127.0.0.1:{PORTICO_H1}"], PORTICO_H1)
            procs.start_envoy("envoy", echo_pb, "bench.v1.Echo", ENVOY, GO_BACKEND)
            pids = dict(procs.pids)
            idle_rss = {name: rss_mib(pids[name]) for name in ("envoy", "grpcgw", "portico")}

        results = []
        for case in cases(bodies):
            if case.name not in wanted:
                continue
            # The HTTP/2 and streaming cases put their own Portico (and Envoy) in front of their backend.
            case_pids = dict(pids)
            extra = Processes()
            try:
                if case.http2:
                    case_pids["portico"] = extra.start(
                        "portico", serve + ["--http2", "--descriptor-set", echo_pb, "--backend",
                                            f"127.0.0.1:{GO_BACKEND}", "--listen", f"127.0.0.1:{PORTICO_H2}"],
                        PORTICO_H2)
                if case.name == "stream-10k":
                    case_pids["portico"] = extra.start(
                        "portico", serve + ["--descriptor-set", demo_pb, "--backend", f"127.0.0.1:{DEMO_BACKEND}",
                                            "--listen", f"127.0.0.1:{PORTICO_DEMO}"], PORTICO_DEMO)
                    extra.start_envoy("envoy", demo_pb, "echo.v1.EchoService", ENVOY_DEMO, DEMO_BACKEND)
                    case_pids["envoy"] = extra.pids["envoy"]
                print(f"== {case.name}: {case.title}", flush=True)
                results.append((case, summarize(case, run_case(case, case_pids, a.rounds, a.duration))))
            finally:
                extra.stop()
        if results:
            print_table(results, idle_rss)

        if "fixed-rate" in wanted:
            unary = [case for case in cases(bodies)
                     if case.name in ("rest-get", "rest-post-1k", "grpc-web-1k", "h2-post-1k")]
            rows = []
            for case in unary:
                extra = Processes()
                try:
                    case_pids = dict(pids)
                    if case.http2:
                        case_pids["portico"] = extra.start(
                            "portico", serve + ["--http2", "--descriptor-set", echo_pb, "--backend",
                                                f"127.0.0.1:{GO_BACKEND}", "--listen", f"127.0.0.1:{PORTICO_H2}"],
                            PORTICO_H2)
                    print(f"== fixed-rate {case.name}", flush=True)
                    by_target = {target: [] for target in case.targets}
                    for _ in range(a.rounds):
                        for target, port in case.targets.items():
                            by_target[target].append(
                                fixed_rate(case, port, case_pids[target], a.rate, a.duration, work))
                    rows.append((case, by_target))
                finally:
                    extra.stop()
            print_fixed_rate(rows, a.rate)

        if "allocations" in wanted:
            unary = [case for case in cases(bodies) if case.name in ("rest-get", "rest-post-1k", "grpc-web-1k")]
            allocations(pids["portico"], unary, work)

        if "backpressure" in wanted:
            extra = Processes()
            try:
                # A 1 GiB stream at 1 MB/s takes about 18 minutes: longer than the default deadline (30 s).
                pid = extra.start("portico", serve + ["--default-timeout", "3600", "--max-timeout", "3600",
                                                      "--descriptor-set", demo_pb, "--backend",
                                                      f"127.0.0.1:{DEMO_BACKEND}", "--listen",
                                                      f"127.0.0.1:{PORTICO_DEMO}"], PORTICO_DEMO)
                backpressure(pid, a.backpressure_mib, a.backpressure_rate)
            finally:
                extra.stop()
    finally:
        procs.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
