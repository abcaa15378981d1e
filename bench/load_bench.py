"""Load on a real server: gunicorn with 2 workers over loopback, driven by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_load \\
        .venv/bin/python bench/load_bench.py [--opportunities 5000] [--seconds 20] \\
        [--connections 16] [--workers 2] [--pages api,overview] [--code ../other-checkout]

The data set (api_bench.py's generator: opportunities in 10 teams, 3 follow-ups each) is made
once in that database and kept. Two pages are measured: the API list (`/api/opportunities/`,
a page of 50, with a token) and the dashboards' overview (`/`, with a session), each for
`--seconds` at `--connections` connections (`wrk`, from Debian: `apt-get install wrk`).
Figures are req/s and latency percentiles as wrk counts them, and the CPU each request cost
gunicorn, PostgreSQL and wrk (from /proc: the server's processes, this database's backends), beside
what the whole machine spent, so a run shared with other work says so; see README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("TRACKER_EMBEDDED", "1")

from api_bench import generate  # noqa: E402  (sets up Django)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from opportunities.models import FollowUp, Opportunity  # noqa: E402
from tests.tracker.factories import UserFactory  # noqa: E402
from tracker.models import ApiToken  # noqa: E402

PERCENTILES = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_ms=%.1f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, code: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    command = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=code, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start within 60 s")


def wrk(url: str, header: str, seconds: int, connections: int, script: str) -> dict:
    threads = min(connections, os.cpu_count() or 1)
    # wrk's own timeout (2 s) would drop the slow requests from the percentiles.
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
    command += ["-s", script]
    out = subprocess.run(
        [*command, "-H", header, url], capture_output=True, text=True, check=True
    ).stdout
    found = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    found |= {key: float(value) for key, value in re.findall(r"(p\d+_ms)=([\d.]+)", out)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    found["non_2xx"] = int(bad.group(1)) if bad else 0
    found["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: (.*)", out)
    found["socket_errors"] = errors.group(1) if errors else "none"
    return found


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int, reaped: bool = False) -> float:
    """Seconds of CPU (user + system) a process has used, with `reaped` its children that have
    exited and been waited for (gunicorn's replaced workers); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    used = int(fields[11]) + int(fields[12])
    if reaped:
        used += int(fields[13]) + int(fields[14])
    return used / TICK


def server_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's master and its workers."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [server.pid, *map(int, children)]


def backend_pids() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def machine_cpu() -> float:
    """Seconds of CPU the whole machine has used (every core, every process)."""
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    return sum(int(value) for i, value in enumerate(busy[:8]) if i not in (3, 4)) / TICK


class CpuSpent:
    """CPU used during a run by the server, this database's backends, wrk and the machine."""

    def __init__(self, server: subprocess.Popen) -> None:
        self.server = server

    def gunicorn_cpu(self) -> dict[int, float]:
        master, *workers = server_pids(self.server)
        return {master: process_cpu(master, reaped=True)} | {
            pid: process_cpu(pid) for pid in workers
        }

    def __enter__(self) -> CpuSpent:
        self.backends = {pid: process_cpu(pid) for pid in backend_pids()}
        self.server_start = self.gunicorn_cpu()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.machine = machine_cpu()
        return self

    def __exit__(self, *exc) -> None:
        now = self.gunicorn_cpu()
        self.gunicorn = sum(now.values()) - sum(self.server_start.values())
        # A backend that closed during the run (its worker replaced) is not counted.
        self.postgres = sum(
            process_cpu(pid) - self.backends.get(pid, 0.0) for pid in backend_pids()
        )
        self.replaced = len(set(self.server_start) - set(now))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.wrk = (after.ru_utime + after.ru_stime) - (
            self.children.ru_utime + self.children.ru_stime
        )
        self.all = machine_cpu() - self.machine

    def per_request(self, requests: int) -> str:
        ms = {
            name: getattr(self, name) * 1000 / max(requests, 1)
            for name in ("gunicorn", "postgres", "wrk", "all")
        }
        other = ms["all"] - ms["gunicorn"] - ms["postgres"] - ms["wrk"]
        return (
            f"CPU a request: gunicorn {ms['gunicorn']:.1f} ms, PostgreSQL {ms['postgres']:.1f} ms, "
            f"wrk {ms['wrk']:.1f} ms; the machine {ms['all']:.1f} ms ({other:.1f} ms other work); "
            f"{self.replaced} workers replaced"
        )


def warm(url: str, header: str) -> None:
    name, value = header.split(": ", 1)
    for _ in range(5):
        request = urllib.request.Request(url, headers={name: value})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, response.status
            response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pages", default="api,overview", help="api, overview or both")
    parser.add_argument(
        "--code",
        type=Path,
        default=PROJECT,
        help="the checkout gunicorn serves (its gunicorn.conf.py too), to compare two versions "
        "of the code on one data set in one session; this one by default",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database of your own")
    call_command("migrate", verbosity=0)
    # With DEBUG off the pages name their static files through the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    if Opportunity.objects.filter(external_id__startswith="B-").count() != args.opportunities:
        Opportunity.objects.filter(external_id__startswith="B-").delete()
        generate(args.opportunities, 3)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    user = UserFactory(username=f"load{time.time_ns()}", is_superuser=True)
    _, key = ApiToken.issue(user=user, name="load bench", read_only=True)
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(
        f"data: {Opportunity.objects.count():,} opportunities, "
        f"{FollowUp.objects.count():,} follow-ups; {os.cpu_count()} cores, load average "
        f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}"
    )
    port = free_port()
    server = start_gunicorn(port, args.workers, args.code.resolve())
    pages = {
        "api": (
            "API list, page of 50",
            "/api/opportunities/?page_size=50",
            f"Authorization: Token {key}",
        ),
        "overview": ("overview dashboard", "/", f"Cookie: {cookie}"),
    }
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(PERCENTILES)
        for page in args.pages.split(","):
            label, path, header = pages[page]
            url = f"http://127.0.0.1:{port}{path}"
            warm(url, header)
            with CpuSpent(server) as cpu:
                found = wrk(url, header, args.seconds, args.connections, script.name)
            print(
                f"{label}: {found['rps']:.1f} req/s, p50 {found['p50_ms']:.0f} ms, "
                f"p95 {found['p95_ms']:.0f} ms, p99 {found['p99_ms']:.0f} ms "
                f"({found['requests']:,} requests, {found['non_2xx']} not 2xx, socket errors "
                f"{found['socket_errors']}; "
                f"{args.workers} gunicorn workers, {args.connections} connections, "
                f"{args.seconds} s)",
                flush=True,
            )
            print(f"  {cpu.per_request(found['requests'])}", flush=True)
        print(f"load average after: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)


if __name__ == "__main__":
    main()
