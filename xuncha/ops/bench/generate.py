"""``xuncha generate --scale county|city|province``: a realistic data set for ``make bench``.

The province set is the scale of DESIGN.md — 160 committees, 15,000 inspections, 1,000,000
petitions, 250,000 problems, 750,000 measures — written on PostgreSQL with ``COPY`` (the
small tables with ``bulk_create``). While loading, the big tables' secondary indexes are
dropped and rebuilt afterwards, and foreign-key triggers are off (``session_replication_role
= replica``): the generator writes consistent ids itself. Petitions go through an unlogged
staging table so that PostgreSQL computes their search vectors (``to_tsvector``) in the
same pass as the insert. The texts, the duplicate bands (MinHash) and the search tokens are
computed by the same code the application uses, in worker processes.

The audit trail is not written for generated rows (they were never done by anyone).
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.findings.models import Clue, Problem, ProblemCategory
from xuncha.inspections.models import Inspection, Round, Team, TeamMember
from xuncha.organizations.models import Cadre, Committee, Inspector, Level, Term, Unit, UnitKind
from xuncha.petitions.models import Petition, PetitionBand, PetitionSubject
from xuncha.rectification.models import Measure

from . import text

BENCH_PASSWORD = "Bench-Xuncha-2026"  # noqa: S105 - a documented bench-only account


@dataclass(frozen=True)
class Scale:
    name: str
    cities: int
    counties_per_city: int
    inspections: int
    petitions: int
    problems: int
    measures: int



# counties_per_city: for the province, 144 counties over 15 cities (9 each, the last city
# 18) — 1 + 15 + 144 = 160 committees, as in DESIGN.md.
SCALES = {
    "county": Scale("county", 0, 0, 100, 7_000, 1_700, 5_000),
    "city": Scale("city", 1, 10, 1_000, 65_000, 16_000, 48_000),
    "province": Scale("province", 15, 9, 15_000, 1_000_000, 250_000, 750_000),
}
PROVINCE_COUNTIES = 144
ROUNDS = 10
TEAMS_PER_ROUND = 3


def marker_code(scale: str) -> str:
    return f"BENCH-{scale.upper()}"


def exists(scale: str) -> bool:
    return Committee.objects.filter(code=marker_code(scale)).exists()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- COPY helpers ------------------------------------------------------------------------------


def _columns(model) -> list:
    return [f for f in model._meta.concrete_fields]


def _defaults(model) -> dict:
    out = {}
    for f in _columns(model):
        if f.has_default():
            out[f.attname] = f.get_default
        elif f.null:
            out[f.attname] = lambda: None
        else:
            out[f.attname] = lambda: ""
    return out


def copy_rows(model, rows: Iterable[dict], *, table: str | None = None,
              extra_columns: tuple[str, ...] = ()) -> int:
    """COPY dict rows (keys: field attnames) into ``model``'s table; missing fields get
    their default. Returns the number of rows."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = _columns(model)
    if model._meta.pk.attname not in first:  # let the identity column number the rows
        fields = [f for f in fields if not f.primary_key]
    defaults = _defaults(model)
    names = [f.column for f in fields] + list(extra_columns)
    n = 0
    import itertools

    rows = itertools.chain([first], rows)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        sql = f"COPY {table or model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        with raw.copy(sql) as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row[f.attname] if f.attname in row else defaults[f.attname]()
                    if isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                for name in extra_columns:
                    values.append(row[name])
                copy.write_row(values)
                n += 1
    return n


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.indexname NOT IN (
              SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)""",
                       [table, table])
        return list(cursor.fetchall())


class IndexesDropped:
    """Drop a table's secondary indexes while loading it; rebuild them on exit."""

    def __init__(self, *tables: str):
        self.tables = tables
        self.saved: list[tuple[str, str]] = []

    def __enter__(self):
        with connection.cursor() as cursor:
            for table in self.tables:
                for name, definition in _secondary_indexes(table):
                    self.saved.append((name, definition))
                    cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for name, definition in self.saved:
                started = time.perf_counter()
                cursor.execute(definition)
                log(f"  index {name} rebuilt in {time.perf_counter() - started:.1f} s")
        return False


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


# --- petitions in worker processes -------------------------------------------------------------


def _petition_chunk(args) -> list[tuple]:
    """(id, content, subject name, tokens, band keys) for a chunk of petitions."""
    from xuncha.petitions import dedup
    from xuncha.petitions import search as fts

    seed, items = args
    rng = random.Random(seed)
    out = []
    for pid, unit_name in items:
        content, who = text.petition(rng, unit_name)
        _normalized, keys = dedup.keys_for(content)
        tokens = fts.document_tokens(fts.search_document(content, [who]))  # as intake builds it
        out.append((pid, content, who, tokens, keys))
    return out


# --- the generator -----------------------------------------------------------------------------


def generate(scale_name: str, *, seed: int = 2026, today: datetime.date | None = None) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("The bench data set is built on PostgreSQL (set DATABASE_URL).")
    scale = SCALES[scale_name]
    today = today or timezone.localdate()
    rng = random.Random(seed)
    started = time.perf_counter()
    log(f"generating the {scale_name} data set")
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")

    with transaction.atomic():
        committees = _committees(scale, rng)
        log(f"{len(committees)} committees")
        units = _units(committees, rng)
        log(f"{sum(len(v) for v in units.values())} units")
        pools = _inspector_pools(committees, units, rng)
        users = _users(committees, pools)
        inspections = _rounds_and_inspections(scale, committees, units, pools, rng, today)
        log(f"{len(inspections)} inspections")

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        _problems_and_measures(scale, inspections, users, rng, today)
        _clues(inspections, users, rng)
        _petitions(scale, committees, inspections, units, rng, today, seed)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    _reset_sequences([Problem, Measure, Clue, Petition, PetitionSubject, PetitionBand])
    # VACUUM, not only ANALYZE: rows loaded in bulk carry no hint bits and no visibility
    # map, so the first scans would pay for both (the dashboard's counts ran 3 times slower)
    # and index-only scans would not be possible until autovacuum came by.
    with connection.cursor() as cursor:
        for table in ("petitions_petition", "petitions_petitionband", "petitions_petitionsubject",
                      "findings_problem", "rectification_measure", "findings_clue",
                      "inspections_inspection", "organizations_committee"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    log(f"done in {time.perf_counter() - started:.0f} s")


def _committees(scale: Scale, rng: random.Random) -> list[Committee]:
    def make(code, name, short, level, parent, region):
        c = Committee.objects.create(code=code, name=name, short_name=short, level=level,
                                     parent=parent, region=region, path="")
        c.path = f"{parent.path if parent else '/'}{c.pk}/"
        c.save(update_fields=["path"])
        Term.objects.create(committee=c, name="第十四届", starts_on=datetime.date(2022, 1, 1),
                            ends_on=datetime.date(2026, 12, 31))
        return c

    out = []
    if scale.name == "county":
        out.append(make(marker_code("county"), "中共东湖区委员会", "东湖区委", Level.COUNTY, None,
                        "东湖区"))
        return out
    if scale.name == "city":
        root = make(marker_code("city"), "中共临江市委员会", "临江市委", Level.MUNICIPAL, None,
                    "临江市")
        out.append(root)
        cities = [root]
        counties_for = {root.pk: scale.counties_per_city}
    else:
        root = make(marker_code("province"), f"中共{text.PROVINCE}委员会", "江州省委",
                    Level.PROVINCIAL, None, text.PROVINCE)
        out.append(root)
        cities = []
        for i in range(scale.cities):
            city = text.CITIES[i]
            cities.append(make(f"B-C{i:02d}", f"中共{city}市委员会", f"{city}市委", Level.MUNICIPAL,
                               root, f"{city}市"))
        out.extend(cities)
        share = PROVINCE_COUNTIES // scale.cities
        counties_for = {c.pk: share for c in cities}
        counties_for[cities[-1].pk] += PROVINCE_COUNTIES - share * scale.cities
    for ci, city in enumerate(cities):
        for k in range(counties_for[city.pk]):
            root_name = text.COUNTY_ROOTS[k % len(text.COUNTY_ROOTS)]
            suffix = "区" if k % 3 == 0 else "县"
            region = f"{root_name}{suffix}" if ci == 0 else f"{city.region[:-1]}{root_name}{suffix}"
            out.append(make(f"B-C{ci:02d}-{k:02d}", f"中共{region}委员会", f"{region}委",
                            Level.COUNTY, city, region))
    return out


def _units(committees: list[Committee], rng: random.Random) -> dict[int, list[Unit]]:
    rows = []
    for c in committees:
        prefix = c.region
        names = [(f"{prefix}{d}", UnitKind.DEPARTMENT) for d in text.DEPARTMENTS]
        if c.level == Level.COUNTY:
            for _t in range(14):
                names.append((f"{prefix}{text.place(rng)}{rng.choice(text.TOWN_SUFFIX)}",
                              UnitKind.TOWNSHIP))
            for _v in range(48):
                names.append((f"{prefix}{text.place(rng)}村", UnitKind.VILLAGE))
            names += [(f"{prefix}第{n}中学", UnitKind.SCHOOL) for n in range(1, 6)]
            names += [(f"{prefix}人民医院", UnitKind.HOSPITAL), (f"{prefix}中医院", UnitKind.HOSPITAL)]
        else:
            names += [(f"{prefix}{text.place(rng)}集团有限公司", UnitKind.SOE) for _i in range(12)]
            names += [(f"{prefix}{text.place(rng)}大学", UnitKind.SCHOOL) for _i in range(3)]
        for i, (name, kind) in enumerate(names):
            rows.append(Unit(code=f"{c.code}-U{i:03d}", name=name[:100], kind=kind, committee=c,
                             locality=c.region))
    Unit.objects.bulk_create(rows, batch_size=2000)
    out: dict[int, list[Unit]] = {c.pk: [] for c in committees}
    for u in Unit.objects.filter(committee__in=committees).order_by("pk"):
        out[u.committee_id].append(u)
    return out


def _inspector_pools(committees, units, rng) -> dict[int, list[Inspector]]:
    cadres = []
    for c in committees:
        for _i in range(30):
            unit = rng.choice(units[c.pk][:28])
            cadres.append(Cadre(name=text.name(rng), unit=unit, position="干部", rank="section_chief",
                                managing_committee=c))
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    inspectors = [Inspector(cadre=cd, committee=cd.managing_committee, expertise=["discipline"])
                  for cd in cadres]
    Inspector.objects.bulk_create(inspectors, batch_size=2000)
    pools: dict[int, list[Inspector]] = {c.pk: [] for c in committees}
    for ins in Inspector.objects.filter(committee__in=committees).order_by("pk"):
        pools[ins.committee_id].append(ins)
    return pools


def _users(committees, pools) -> dict[int, User]:
    probe = User(username="probe")
    probe.set_password(BENCH_PASSWORD)
    users = []
    for c in committees:
        users.append(User(username=f"bench_office_{c.code.lower()}", role=Role.OFFICE, committee=c,
                          display_name=f"{c.short_name}巡察办", password=probe.password,
                          is_office_admin=True, is_office_head=True))
        users.append(User(username=f"bench_team_{c.code.lower()}", role=Role.TEAM, committee=c,
                          inspector=pools[c.pk][0], display_name=f"{c.short_name}巡察组",
                          password=probe.password))
    User.objects.bulk_create(users, batch_size=1000)
    return {u.committee_id: u for u in User.objects.filter(committee__in=committees,
                                                          role=Role.OFFICE)
            if u.committee_id is not None}


def _round_dates(r: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Rounds spread over the term; the last one is on site today."""
    if r == ROUNDS - 1:
        return today - datetime.timedelta(days=25), today + datetime.timedelta(days=35)
    start = datetime.date(2022, 3, 1) + datetime.timedelta(days=r * 170)
    return start, start + datetime.timedelta(days=60)


def _status_for(r: int) -> str:
    if r == ROUNDS - 1:
        return "on_site"
    if r == ROUNDS - 2:
        return "rectifying"
    if r >= ROUNDS - 4:
        return "follow_up"
    return "closed"


def _rounds_and_inspections(scale, committees, units, pools, rng, today) -> list[Inspection]:
    per_committee = scale.inspections // len(committees)
    extra = scale.inspections - per_committee * len(committees)
    term_of = {t.committee_id: t for t in Term.objects.filter(committee__in=committees)}
    rounds = [Round(committee=c, term=term_of[c.pk], number=r + 1,
                    kind="regular" if r % 3 else "special",
                    topic="" if r % 3 else "不作为不担当问题", status="approved",
                    planned_start=_round_dates(r, today)[0], planned_end=_round_dates(r, today)[1])
              for c in committees for r in range(ROUNDS)]
    Round.objects.bulk_create(rounds, batch_size=2000)
    rounds = list(Round.objects.filter(committee__in=committees).order_by("committee_id", "number"))
    teams = [Team(round=rd, number=k + 1) for rd in rounds for k in range(TEAMS_PER_ROUND)]
    Team.objects.bulk_create(teams, batch_size=2000)
    teams = list(Team.objects.filter(round__in=rounds).select_related("round").order_by(
        "round__committee_id", "round__number", "number"))
    members = []
    by_committee: dict[int, list[Team]] = {}
    for team in teams:
        by_committee.setdefault(team.round.committee_id, []).append(team)
    for cid, ts in by_committee.items():
        pool = pools[cid]
        for i, team in enumerate(ts):
            chosen = [pool[(i * 5 + j) % len(pool)] for j in range(5)]
            for j, ins in enumerate(chosen):
                members.append(TeamMember(team=team, inspector=ins,
                                          position="leader" if j == 0 else "member"))
    TeamMember.objects.bulk_create(members, batch_size=5000, ignore_conflicts=True)
    inspections = []
    for ci, c in enumerate(committees):
        count = per_committee + (1 if ci < extra else 0)
        ts = by_committee[c.pk]
        targets = [u for u in units[c.pk]]
        rng.shuffle(targets)
        for i in range(count):
            team = ts[i % len(ts)]
            r = team.round.number - 1
            start, end = _round_dates(r, today)
            status = _status_for(r)
            unit = targets[i % len(targets)]
            feedback = end + datetime.timedelta(days=30) if status != "on_site" else None
            inspections.append(Inspection(
                team=team, round=team.round, committee=c, unit=unit, period_start=start,
                period_end=end, stationed_on=start, petition_deadline=end - datetime.timedelta(days=5),
                notified_on=start - datetime.timedelta(days=7), status=status,
                feedback_on=feedback, scope_text="", public_code=secrets.token_hex(6)))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    return list(Inspection.objects.filter(committee__in=committees).select_related("unit").order_by(
        "pk"))


def _problems_and_measures(scale, inspections, users, rng, today) -> None:
    categories = list(ProblemCategory.objects.filter(committee__isnull=True).values_list(
        "pk", flat=True))
    reporting = [i for i in inspections if i.status != "on_site"]
    per = max(1, scale.problems // max(1, len(reporting)))
    problem_id = _next_id(Problem)
    measure_id = _next_id(Measure)
    problems, measures = [], []
    measures_per_problem = max(1, round(scale.measures / max(1, scale.problems)))
    remaining_problems = scale.problems
    for n_ins, ins in enumerate(reporting):
        count = per if n_ins < len(reporting) - 1 else max(per, remaining_problems)
        count = min(count, remaining_problems)
        remaining_problems -= count
        year = ins.period_start.year
        for seq in range(1, count + 1):
            title, body = text.problem(rng, ins.unit.name)
            problems.append({
                "id": problem_id, "inspection_id": ins.pk, "committee_id": ins.committee_id,
                "sequence": seq, "number": f"[{year}]巡-{ins.team_id}组-{seq:02d}号",
                "title": title, "manifestation": body, "basis": "《中国共产党纪律处分条例》",
                "category_id": rng.choice(categories), "responsibility": "primary",
                "found_on": ins.period_start + datetime.timedelta(days=rng.randint(3, 50)),
                "author_id": users[ins.committee_id].pk, "status": "signed",
                "immediate": rng.random() < 0.1, "version": 1,
                "created_at": timezone.now(), "updated_at": timezone.now()})
            for k in range(measures_per_problem):
                number = (seq - 1) * measures_per_problem + k + 1
                deadline = ins.feedback_on + datetime.timedelta(days=rng.randint(30, 240))
                if ins.status == "closed":
                    status = "closed"
                elif ins.status == "follow_up":
                    status = "closed" if rng.random() < 0.95 else rng.choice(["done", "in_progress"])
                else:
                    status = rng.choices(["todo", "in_progress", "done", "closed", "returned"],
                                         [15, 35, 15, 30, 5])[0]
                measures.append({
                    "id": measure_id, "inspection_id": ins.pk, "committee_id": ins.committee_id,
                    "problem_id": problem_id, "number": number, "text": text.measure(rng),
                    "phase": rng.choice(["immediate", "concentrated", "long_term"]),
                    "responsible_leader": text.name(rng) + "副局长",
                    "responsible_department": rng.choice(text.RESPONSIBLE_DEPTS),
                    "deadline": deadline, "deadline_reason": "长期整改事项",
                    "intended_result": "问题全面整改到位", "status": status, "publish": True,
                    "version": 1, "created_at": timezone.now(), "updated_at": timezone.now()})
                measure_id += 1
            problem_id += 1
    with IndexesDropped("findings_problem", "rectification_measure"):
        log(f"problems: {copy_rows(Problem, problems)}")
        log(f"measures: {copy_rows(Measure, measures)}")


def _clues(inspections, users, rng) -> None:
    reporting = [i for i in inspections if i.status != "on_site"]
    clue_id = _next_id(Clue)
    rows = []
    for ins in reporting:
        for k in range(2):
            status = "closed" if ins.status == "closed" else rng.choice(
                ["transferred", "handling", "reported", "closed"])
            rows.append({
                "id": clue_id, "inspection_id": ins.pk, "committee_id": ins.committee_id,
                "number": f"XS-{ins.pk}-{k + 1}", "subject_name": text.name(rng),
                "content": f"反映{ins.unit.name}{rng.choice(text.POSITIONS)}{rng.choice(text.ACTS)}",
                "receiver_committee_id": ins.committee_id, "receiver_body": "discipline",
                "status": status, "author_id": users[ins.committee_id].pk,
                "transferred_on": ins.period_end, "handling": rng.choice(["talk", "verify", "close"])
                if status != "transferred" else "",
                "outcome": rng.choice(["none", "form1", "form2"]) if status == "closed" else "",
                "created_at": timezone.now()})
            clue_id += 1
    log(f"clues: {copy_rows(Clue, rows)}")


def _petitions(scale, committees, inspections, units, rng, today, seed) -> None:
    channels = ["online", "letter", "phone", "visit", "sms", "email", "box"]
    weights = [35, 20, 20, 10, 5, 5, 5]
    disciplines = ["political", "organizational", "integrity", "mass", "work", "life"]
    transfers = ["personal", "land", "litigation"]
    per = scale.petitions // len(inspections)
    remaining = scale.petitions
    plan: list[tuple[int, Inspection | None, Unit]] = []
    pid = _next_id(Petition)
    for n, ins in enumerate(inspections):
        count = per if n < len(inspections) - 1 else remaining
        count = min(count, remaining)
        remaining -= count
        for _k in range(count):
            plan.append((pid, ins, ins.unit))
            pid += 1
    log(f"petitions: computing texts, bands and tokens for {len(plan)}")
    chunk = 5000
    jobs = [(seed * 100_003 + i, [(p, u.name) for p, _i, u in plan[i:i + chunk]])
            for i in range(0, len(plan), chunk)]
    meta = {p: (ins, u) for p, ins, u in plan}
    stamp = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_petition_stage")
        cursor.execute("CREATE UNLOGGED TABLE bench_petition_stage (LIKE petitions_petition "
                       "INCLUDING DEFAULTS)")
        cursor.execute("ALTER TABLE bench_petition_stage ADD COLUMN tokens text")

    def rows_and_side_tables(results, subjects, bands):
        for batch in results:
            for p, content, who, tokens, keys in batch:
                ins, unit = meta[p]
                channel = rng.choices(channels, weights)[0]
                received = timezone.make_aware(datetime.datetime.combine(
                    ins.period_start + datetime.timedelta(days=rng.randint(0, 55)),
                    datetime.time(rng.randint(8, 20), rng.randint(0, 59))))
                if ins.status == "on_site":
                    status = rng.choices(["new", "accepted", "filed"], [60, 30, 10])[0]
                else:
                    status = rng.choices(["accepted", "transferred", "filed"], [50, 20, 30])[0]
                late = ins.status != "on_site" and rng.random() < 0.03
                subjects.append({"petition_id": p, "name": who[:64], "unit_id": unit.pk,
                                 "unit_name": unit.name[:100], "position": ""})
                cid = ins.committee_id
                bands.write("".join(f"{p}\t{cid}\t{key}\n" for key in keys))
                yield {
                    "id": p, "committee_id": ins.committee_id,
                    "inspection_id": ins.pk, "unit_id": unit.pk,
                    "route": "late" if late else "inspection", "late": late,
                    "channel": channel,
                    "box_location": f"{unit.name}大门口意见箱" if channel == "box" else "",
                    "received_at": received, "content": content, "anonymous": True,
                    "status": status,
                    "category": rng.choice(disciplines) if status == "accepted" else "",
                    "transfer_category": rng.choice(transfers) if status == "transferred" else "",
                    "suggestion": {}, "possible_duplicates": [], "duplicate_count": 0,
                    "receipt_hash": None, "search_text": "", "search_vector": None,
                    "version": 1, "triaged_at": stamp if status != "new" else None,
                    "tokens": tokens}

    processes = max(1, min(2, multiprocessing.cpu_count()))
    import tempfile

    bands = tempfile.TemporaryFile("w+", encoding="utf-8")
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        subjects: list[dict] = []
        done = 0
        started = time.perf_counter()
        results = pool.imap(_petition_chunk, jobs, chunksize=1)

        def counted():
            nonlocal done
            for batch in results:
                done += len(batch)
                if done % 100_000 < chunk:
                    log(f"  {done} petitions prepared ({time.perf_counter() - started:.0f} s)")
                yield batch

        copy_rows(Petition, rows_and_side_tables(counted(), subjects, bands),
                  table="bench_petition_stage", extra_columns=("tokens",))
    columns = ", ".join(f.column for f in _columns(Petition) if f.column != "search_vector")
    with IndexesDropped("petitions_petition", "petitions_petitionband", "petitions_petitionsubject"):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(f"INSERT INTO petitions_petition ({columns}, search_vector) "
                           f"SELECT {columns}, to_tsvector('simple', tokens) FROM bench_petition_stage")
            log(f"petitions inserted with search vectors in {time.perf_counter() - started:.0f} s")
            cursor.execute("DROP TABLE bench_petition_stage")
        log(f"subjects: {copy_rows(PetitionSubject, subjects)}")
        bands.seek(0)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            with cursor.cursor.copy("COPY petitions_petitionband (petition_id, committee_id, key) "
                                    "FROM STDIN") as copy:
                while block := bands.read(1 << 20):
                    copy.write(block)
        bands.close()
        log(f"bands loaded in {time.perf_counter() - started:.0f} s")
