"""``xuncha bench``: measure the figures of DESIGN.md on the generated data set.

Pages are measured over real HTTP against gunicorn (production settings, four sync workers,
loopback), after a warm-up, by a bounded load generator: a fixed number of client threads,
each on its own keep-alive connection, each sending the next request when the last one has
answered. One ``name: value unit (target …)`` line per figure.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
RESULTS: list[tuple[str, str, str, bool]] = []


def report(name: str, value: float, unit: str, target: str, ok: bool) -> None:
    text = (f"{value:.3f}" if isinstance(value, float) and value < 1 else f"{value:.1f}"
            if isinstance(value, float) else str(value))
    RESULTS.append((name, text, unit, ok))
    print(f"{name}: {text} {unit} (target {target}) {'ok' if ok else 'MISSED'}", flush=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


# --- a small HTTP client (stdlib, keep-alive, cookies) ------------------------------------------


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes, float]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.setdefault("Host", "127.0.0.1")
        for attempt in range(2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (TimeoutError, http.client.HTTPException, ConnectionError, OSError):
                self.conn = None
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _eq, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.conn = None
            return response.status, data, elapsed
        raise RuntimeError("unreachable")

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, username: str, password: str) -> None:
        status, body, _t = self.get("/accounts/login/")
        token = self.cookies.get("csrftoken", "")
        form = urlencode({"username": username, "password": password,
                          "csrfmiddlewaretoken": token}).encode()
        status, body, _t = self.request("POST", "/accounts/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Referer":
            f"http://127.0.0.1:{self.port}/accounts/login/", "X-CSRFToken": token})
        if status != 302:
            raise SystemExit(f"bench login as {username} failed ({status})")


def load(port: int, cookies: dict, paths: list[str], *, threads: int = 2,
         warmup: int = 1) -> list[float]:
    """Each path requested once per round by ``threads`` clients; latencies in ms."""
    times: list[float] = []
    lock = threading.Lock()
    statuses: dict[int, int] = {}

    def worker(my_paths):
        client = Client(port, dict(cookies))
        for path in my_paths[:warmup]:
            client.get(path)
        for path in my_paths:
            status, _body, elapsed = client.get(path)
            with lock:
                times.append(elapsed * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    shares = [paths[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, shares))
    bad = {s: n for s, n in statuses.items() if s != 200}
    if bad:
        print(f"  (non-200 answers: {bad})", flush=True)
    return times


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    # The bench checks stored receipts itself, so it shares the server's receipt pepper.
    os.environ.setdefault("XUNCHA_RECEIPT_PEPPER", secrets.token_urlsafe(32))
    env = dict(os.environ)
    env.update({
        "XUNCHA_DEBUG": "0", "XUNCHA_TESTING": "0",
        "XUNCHA_SECRET_KEY": env.get("XUNCHA_SECRET_KEY") or secrets.token_urlsafe(50),
        "XUNCHA_AUDIT_KEYS": env.get("XUNCHA_AUDIT_KEYS") or (
            "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()),
        "XUNCHA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS redirect and cookies without the Secure flag.
        "XUNCHA_SECURE": "0",
        "XUNCHA_VAR_DIR": str(ROOT / "var" / "bench"),
        # The flood guard is measured in its own tests; here one client sends everything.
        "XUNCHA_PUBLIC_FREE_PER_HOUR": "100000000", "XUNCHA_PUBLIC_MAX_PER_HOUR": "100000000",
        "XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE": "100000000",
        "XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE": "100000000",
        "XUNCHA_PUBLIC_POW_TRIGGER": "100000000",
        # The roof views of the to-do figures (ops/bench/roofs.py), at /_bench/.
        "XUNCHA_BENCH_ROOFS": "1",
    })
    if _redis_up():
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    return env


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Server:
    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.env = server_env()
        self.workers = workers
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        xuncha = str(Path(sys.executable).with_name("xuncha"))
        Path(self.env["XUNCHA_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
        subprocess.run([xuncha, "collectstatic", "--noinput", "-v0"], env=self.env, check=True)
        if "REDIS_URL" not in self.env:
            subprocess.run([xuncha, "createcachetable"], env=self.env, check=True)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "xuncha.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--keep-alive", "30",
             "--log-level", "warning", "--timeout", "120"],
            env=self.env, cwd=str(ROOT), start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _b, _t = Client(self.port).get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        assert self.proc is not None, "the server is not started"
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def peak_rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


# --- the figures ------------------------------------------------------------------------------


def pick_targets(scale: str) -> dict:
    """Committees and objects to measure: the busiest county, the root, sample ids."""
    from django.db.models import Count

    from xuncha.accounts.models import User
    from xuncha.findings.models import Problem
    from xuncha.inspections.models import Inspection
    from xuncha.ops.bench.generate import marker_code
    from xuncha.organizations.models import Committee, Level
    from xuncha.petitions.models import Petition
    from xuncha.rectification.models import Measure

    root = Committee.objects.get(code=marker_code(scale))
    county = (Committee.objects.filter(path__startswith=root.path, level=Level.COUNTY)
              .annotate(n=Count("inspections")).order_by("-n", "pk").first())
    if county is None:
        raise SystemExit(f"The {scale} data set has no county: run xuncha generate again.")
    office = User.objects.get(username=f"bench_office_{county.code.lower()}")
    root_office = User.objects.get(username=f"bench_office_{root.code.lower()}")
    petitions = list(Petition.objects.filter(committee=county).order_by("?").values_list(
        "pk", flat=True)[:40])
    problems = list(Problem.objects.filter(committee=county).order_by("?").values_list(
        "pk", flat=True)[:40])
    measures = list(Measure.objects.filter(committee=county).order_by("?").values_list(
        "pk", flat=True)[:40])
    inspections = list(Inspection.objects.filter(committee=county).values_list(
        "pk", flat=True)[:40])
    open_targets = list(Inspection.objects.filter(status="on_site").values_list(
        "public_code", flat=True)[:50])
    return {"root": root, "county": county, "office": office.username,
            "root_office": root_office.username, "petitions": petitions, "problems": problems,
            "measures": measures, "inspections": inspections, "open_targets": open_targets}


SEARCHES = ["红包", "礼金", "公车私用", "扶贫资金", "招投标", "津贴补贴", "吃空饷", "宅基地审批",
            "私人会所", "低保评定", "医疗设备", "征地补偿款", "优亲厚友", "违规兼职取酬"]


def measure_pages(port: int, t: dict, rounds: int) -> None:
    from xuncha.ops.bench.generate import BENCH_PASSWORD

    office = Client(port)
    office.login(t["office"], BENCH_PASSWORD)
    cookies = office.cookies
    lists = ["/petitions/", "/petitions/?channel=online", "/petitions/?status=accepted",
             "/petitions/?channel=letter&status=filed", "/rectification/measures/",
             "/rectification/measures/?light=overdue", "/rectification/measures/?status=closed",
             "/findings/library/", "/findings/library/?kind=department", "/inspections/",
             "/petitions/?page=3", "/rectification/measures/?page=5"]
    times = load(port, cookies, lists * rounds)
    report("list_pages_p95", p95(times), "ms", "<= 100 ms", p95(times) <= 100)
    details = ([f"/petitions/{pk}/" for pk in t["petitions"]]
               + [f"/findings/problems/{pk}/" for pk in t["problems"]]
               + [f"/rectification/measures/{pk}/" for pk in t["measures"]]
               + [f"/inspections/{pk}/" for pk in t["inspections"][:20]])
    times = load(port, cookies, details * max(1, rounds // 4))
    report("detail_pages_p95", p95(times), "ms", "<= 50 ms", p95(times) <= 50)
    searches = [f"/petitions/?{urlencode({'q': q})}" for q in SEARCHES]
    times = load(port, cookies, searches * max(1, rounds // 2))
    report("chinese_search_p95", p95(times), "ms", "<= 150 ms (2-6 characters)",
           p95(times) <= 150)
    # Dashboards: recomputed on every request (fresh=1), and as served from the cache.
    county = load(port, cookies, ["/stats/?fresh=1"] * 20)
    report("dashboard_county_p95", p95(county), "ms", "<= 300 ms (recomputed each time)",
           p95(county) <= 300)
    root = Client(port)
    root.login(t["root_office"], BENCH_PASSWORD)
    cold = load(port, root.cookies, ["/stats/?fresh=1"] * 6, threads=1, warmup=0)
    report("rollup_root_recomputed_p95", p95(cold), "ms", "<= 300 ms", p95(cold) <= 300)
    warm = load(port, root.cookies, ["/stats/"] * 40)
    report("rollup_root_p95", p95(warm), "ms", "<= 300 ms (figures cached up to 3 minutes)",
           p95(warm) <= 300)


def measure_public(port: int, t: dict, seconds: float = 15.0, threads: int = 8) -> None:
    """Public submissions at full speed against a bare view on the same server."""
    from xuncha.petitions.models import Petition
    from xuncha.petitions.receipts import receipt_hash

    targets = t["open_targets"]
    if not targets:
        print("public_submission: no inspection takes reports today; skipped")
        return
    receipts: list[str] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()

    def submit(stop_at: float, index: int) -> int:
        client = Client(port)
        n = 0
        while time.perf_counter() < stop_at:
            body = json.dumps({"target": targets[(index + n) % len(targets)],
                               "content": f"反映某局干部违规收受礼金问题，编号{index}-{n}，"
                                          "请巡察组调查核实。"}, ensure_ascii=False).encode()
            status, data, _e = client.request("POST", "/api/v1/public/reports", body,
                                              {"Content-Type": "application/json"})
            with lock:
                if status == 201:
                    receipts.append(json.loads(data)["receipt"])
                else:
                    errors[status] = errors.get(status, 0) + 1
            n += 1
        return n

    def bare(stop_at: float, index: int) -> int:
        client = Client(port)
        n = 0
        while time.perf_counter() < stop_at:
            client.get("/healthz")
            n += 1
        return n

    def rate(fn) -> float:
        stop_at = time.perf_counter() + seconds
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            total = sum(pool.map(lambda i: fn(stop_at, i), range(threads)))
        return total / (time.perf_counter() - started)

    rate(bare)  # warm-up
    bare_rate = rate(bare)
    submit_rate = rate(submit)
    stored = Petition.objects.filter(receipt_hash__in=[receipt_hash(r) for r in receipts]).count()
    if errors:
        print(f"  (refused submissions: {errors})", flush=True)
    ok_rate = len(receipts) / seconds
    report("public_submissions", ok_rate, "per s", ">= 100 per s", ok_rate >= 100)
    report("public_submissions_stored", stored, f"of {len(receipts)} acknowledged",
           "all", stored == len(receipts))
    report("bare_view", bare_rate, "per s", "reference", True)
    report("public_to_bare_ratio", submit_rate / bare_rate if bare_rate else 0.0, "",
           "reported", True)


def measure_duplicates(t: dict, n: int = 200) -> None:
    import random

    from xuncha.ops.bench import text
    from xuncha.petitions.duplicates import find_duplicates
    from xuncha.petitions.models import Petition

    rng = random.Random(7)
    county = t["county"]
    base = list(Petition.objects.filter(committee=county).values_list("content", flat=True)[:50])
    times = []
    for i in range(n):
        if i % 4 == 0 and base:  # a near copy of an existing petition
            content = base[i % len(base)].replace("，", "、", 1) + "补充。"
        else:
            content, _who = text.petition(rng, "东湖区教育局")
        probe = Petition(committee_id=county.pk, content=content, pk=0)
        started = time.perf_counter()
        find_duplicates(probe)
        times.append((time.perf_counter() - started) * 1000)
    report("duplicate_check_p95", p95(times), "ms per petition", "<= 20 ms", p95(times) <= 20)
    report("duplicate_check_mean", statistics.mean(times), "ms per petition", "reported", True)


def measure_extraction() -> None:
    from xuncha.announcements.extract import extract

    corpus = ROOT / "xuncha/announcements/tests/corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    for body in texts:
        extract(body)  # warm-up (OpenCC, compiled patterns)
    started = time.perf_counter()
    count = 0
    while time.perf_counter() - started < 5:
        for body in texts:
            extract(body)
            count += 1
    rate = count / (time.perf_counter() - started)
    report("announcement_extraction", rate, "texts per s (one core)", ">= 200 per s", rate >= 200)


#: The bench's groups of figures (``xuncha bench --only GROUP ...``), in the order run.
GROUPS = ("extraction", "duplicates", "pages", "todo", "public")


def _todo_accounts(t: dict) -> list[str]:
    """Whose to-do is measured: the busiest county's office and team, the root's office."""
    from xuncha.accounts.models import User

    names = [t["office"], f"bench_team_{t['county'].code.lower()}", t["root_office"]]
    return [n for n in names if User.objects.filter(username=n, is_active=True).exists()]


def measure_todo(port: int, t: dict, rounds: int) -> None:
    """The to-do page over HTTP beside its roof (the same reads, a bare rendering); the
    top bar's count: what it adds to a page (cached, as pages read it), and a count on a
    cache miss (its one statement) beside the bare statement, in this process."""
    from django.db import connection

    from xuncha.accounts.models import User
    from xuncha.ops.bench.generate import BENCH_PASSWORD
    from xuncha.todo.selectors import todo_count, todo_count_statement, todo_for
    from xuncha.web import registry

    accounts = _todo_accounts(t)
    cookies = {}
    for name in accounts:
        client = Client(port)
        client.login(name, BENCH_PASSWORD)
        cookies[name] = client.cookies
        user = User.objects.get(username=name)
        print(f"  to-do of {name}: {len(todo_for(user=user))} items", flush=True)
    page: list[float] = []
    roof: list[float] = []
    for name in accounts:
        page += load(port, cookies[name], ["/todo/"] * (2 * rounds))
        roof += load(port, cookies[name], ["/_bench/todo/"] * (2 * rounds))
    report("todo_page_p95", p95(page), f"ms (roof {p95(roof):.1f} ms)", "<= 100 ms",
           p95(page) <= 100)
    report("todo_page_roof_p95", p95(roof), "ms", "reference: same reads, bare rendering",
           True)
    # What the count adds to a page as pages read it: the same bare view with and without
    # it, request by request in turn on one connection (the cached figure; counted again
    # once it is a minute old), so that the load of the machine falls on both alike.
    with_count: list[float] = []
    without: list[float] = []
    for name in accounts:
        client = Client(port, dict(cookies[name]))
        client.get("/_bench/bare/?count=1")  # warm-up; the figure is cached from here on
        for _i in range(20 * rounds):
            for path, times in (("/_bench/bare/", without), ("/_bench/bare/?count=1",
                                                             with_count)):
                _status, _body, elapsed = client.get(path)
                times.append(elapsed * 1000)
    added = statistics.median(with_count) - statistics.median(without)
    report("todo_count_added_per_page", added, f"ms (bare page {statistics.median(without):.2f}"
           f" ms median)", "<= 2 ms", added <= 2)
    # A cache miss: the count's one statement (built for the person), in this process,
    # beside the bare statement executed alone (the roof).
    miss: list[float] = []
    bare: list[float] = []
    for name in accounts:
        user = User.objects.select_related("committee").get(username=name)
        statement = todo_count_statement(user=user)
        for _i in range(10 * rounds):
            started = time.perf_counter()
            todo_count(user=user)  # what a page runs when its cached figure is too old
            miss.append((time.perf_counter() - started) * 1000)
            if statement is not None:
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(statement[0], statement[1])
                    cursor.fetchone()
                bare.append((time.perf_counter() - started) * 1000)
    roof_count = p95(bare) if bare else 0.0
    report("todo_count_miss_p95", p95(miss), f"ms (roof {roof_count:.2f} ms)", "<= 2 ms",
           p95(miss) <= 2)
    report("todo_count_roof_p95", roof_count, "ms", "reference: the bare statement", True)
    print(f"  ({len(registry.todo_counters())} apps count; one statement per miss)",
          flush=True)


def run(*, scale: str, rounds: int, only: tuple[str, ...] = GROUPS) -> int:
    t = pick_targets(scale)
    print(f"# bench on the {scale} data set: county {t['county'].name}, root "
          f"{t['root'].name}; figures: {', '.join(only)}", flush=True)
    if "extraction" in only:
        measure_extraction()
    if "duplicates" in only:
        measure_duplicates(t)
    if {"pages", "todo", "public"} & set(only):
        # Sync workers block on the database; with the database on the same two cores, four
        # workers keep both cores busy (gunicorn suggests 2 x cores + 1).
        server = Server(workers=4)
        server.start()
        try:
            if "pages" in only:
                measure_pages(server.port, t, rounds)
            if "todo" in only:
                measure_todo(server.port, t, rounds)
            if "public" in only:
                measure_public(server.port, t)
            rss = max((peak_rss_mb(pid) for pid in server.worker_pids()), default=0.0)
            report("worker_peak_rss", rss, "MB", "<= 250 MB", rss <= 250)
        finally:
            server.stop()
    missed = [name for name, _v, _u, ok in RESULTS if not ok]
    print(f"# {len(RESULTS) - len(missed)} of {len(RESULTS)} figures within target"
          + (f"; missed: {', '.join(missed)}" if missed else ""), flush=True)
    return 0
