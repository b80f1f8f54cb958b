#!/usr/bin/env python3
"""Replay the attacks of issue 15 over HTTP against a running Xuncha (``make run``).

    python scripts/attacks/replay.py --base http://127.0.0.1:8765 --tree /tmp/attack-tree2

``--base`` must be a loopback address (127.0.0.1, ::1 or localhost): the script refuses
anything else. ``--tree`` is the checkout the server runs from. Its ``var/`` (SQLite
database, cache table, staged imports, mail) is read to check what the server stored; the
only change made there directly is the age (mtime) of one abandoned staged import, to see
the 24-hour sweep. Its ``manage.py`` runs ``demo_logins``, ``backup`` (to /tmp),
``audit_checkpoint``/``audit_verify`` against *copies* of the database (attack 7 deletes
and rewrites audit rows there, never in the live file), and a second server on
127.0.0.1:``--proxy-port`` (8766) with ``XUNCHA_TRUSTED_PROXIES=1`` for attacks 5 and 8,
started and stopped here unless one already answers.

Everything else goes through HTTP: the real login form (CSRF token from the page, session
cookie) as each demo role an attack needs, throw-away accounts (``atk…_<run>``), petitions
marked ``ATK…-<run>``, API tokens named ``atk-<run>-…`` (the demo accounts' ones are revoked
at the end). Attack 9x stores a U+FFFF/U+FFFE value and puts the original back. Output, one
line per attack: ``HELD``, ``BROKEN`` (with the requests and answers that broke it) or
``ERROR`` (the attack could not be set up); exit status 1 unless all held.

Every request loop is bounded. Public reports are limited per client and clock hour (3 free,
then a proof of work that this script solves, at most 20; a run files 3 from 127.0.0.1), so
about six runs an hour. Without the second server (``--proxy-port 0``) the outsider of
attack 5 fails from 127.0.0.1 itself and a second run within the hour meets that address's
sign-in delay. Standard library plus ``requests`` only.
"""

# ruff: noqa: S311, S603, S607, S105, S108
# (random test data, not secrets; subprocesses of the scratch tree's own manage.py and of the
# sqlite3 CLI; the demo's published password; /tmp is where the brief puts the scratch tree)
import argparse
import base64
import datetime
import hashlib
import html
import io
import json
import os
import pickle  # noqa: S403 (reads the cache rows of our own scratch database)
import random
import re
import shutil
import sqlite3
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

try:
    import requests
except ImportError:  # pragma: no cover
    sys.exit("This script needs `requests` (it is in the project's venv).")

RUN = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
TIMEOUT = 60
DEMO_PASSWORD_FALLBACK = "Xuncha-demo-2026"
#: Strings the fixtures carry only in their metadata (README of the fixtures).
IDENTIFYING = ["张举报人", "13912345678", "东湖区教育局办公室", "李会计", "财务科", "王科员",
               "Huawei", "P60 Pro", "zhang.jubaoren@example.cn", "S-1-5-21-atk"]
VERBOSE = False


def new_password():
    """Random, and unlike any username here (the similarity validator)."""
    return "Qz-" + "".join(random.choices(string.ascii_letters + string.digits, k=14)) + "-7!"


def fresh_address():
    """A client address no earlier run used (documentation IPv6 prefix, random 64 bits), so
    that per-client counters of earlier runs in the same hour never interfere."""
    return f"2001:db8:{random.getrandbits(16):x}:{random.getrandbits(16):x}::{random.getrandbits(16):x}"


def shanghai_today():
    return (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=8)).date()


def log(*parts):
    if VERBOSE:
        print("   ..", *parts, file=sys.stderr, flush=True)


class Outcome(Exception):
    """Raised inside an attack to end it with a verdict."""

    def __init__(self, verdict, evidence):
        super().__init__(evidence)
        self.verdict, self.evidence = verdict, evidence


# --- HTML forms ---------------------------------------------------------------------------


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"),
                          "id": a.get("id", ""), "attrs": a, "fields": [], "selects": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if not name or kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind == "checkbox"
                                                      else "")))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "chosen": [],
                            "first": None, "options": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select["options"].append(value)
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] else [s["first"] or ""])
            for value in chosen:
                self._form["fields"].append((s["name"], value))
            self._form["selects"][s["name"]] = s["options"]
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea[1]
            if text.startswith("\n"):
                text = text[1:]
            self._form["fields"].append((self._textarea[0], text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(page):
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_with(page, *, action=None, field=None, form_id=None):
    for form in forms_of(page):
        if action is not None and action not in form["action"]:
            continue
        if form_id is not None and form["id"] != form_id:
            continue
        if field is not None and field not in {n for n, _v in form["fields"]} \
                and field not in form["selects"]:
            continue
        return form
    raise Outcome("ERROR", f"no form (action={action}, field={field}, id={form_id}) on the page")


def as_dict(form):
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, value)
    return data


def messages_of(page):
    """Flash messages and form errors, as text."""
    found = re.findall(r'class="(?:msg [^"]*|msg|form-errors|error|errorlist[^"]*)"[^>]*>(.*?)</'
                       r'(?:p|div|li|ul)>', page, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", f)).strip() for f in found if f.strip()]


def short(text, n=160):
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= n else text[:n] + "…"


# --- a browser ----------------------------------------------------------------------------


class Browser:
    def __init__(self, base, label=""):
        self.base = base.rstrip("/")
        self.s = requests.Session()
        self.label = label
        self.headers = {}

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def get(self, path, **kw):
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", True)
        headers = dict(self.headers)
        headers.update(kw.pop("headers", {}) or {})
        return self.s.get(self.url(path), headers=headers, **kw)

    def csrf(self):
        token = self.s.cookies.get("csrftoken")
        if not token:
            self.get("/accounts/login/")
            token = self.s.cookies.get("csrftoken")
        return token

    def post(self, path, data=None, files=None, **kw):
        kw.setdefault("timeout", TIMEOUT)
        kw.setdefault("allow_redirects", True)
        headers = dict(self.headers)
        headers.update(kw.pop("headers", {}) or {})
        if isinstance(data, dict):
            data = dict(data)
            data.setdefault("csrfmiddlewaretoken", self.csrf())
        elif isinstance(data, list):
            if not any(k == "csrfmiddlewaretoken" for k, _v in data):
                data = [*data, ("csrfmiddlewaretoken", self.csrf())]
        return self.s.post(self.url(path), data=data, files=files, headers=headers, **kw)

    def login(self, username, password, *, expect_ok=True):
        page = self.get("/accounts/login/")
        form = form_with(page.text, field="username")
        data = as_dict(form) | {"username": username, "password": password}
        response = self.post("/accounts/login/", data=data, allow_redirects=False)
        if expect_ok and response.status_code != 302:
            raise Outcome("ERROR", f"sign-in as {username} refused: {response.status_code} "
                          f"{short(' | '.join(messages_of(response.text)))}")
        return response

    def logout(self):
        return self.post("/accounts/logout/", data={}, allow_redirects=False)

    def change_password(self, old, new):
        page = self.get("/accounts/password/")
        data = as_dict(form_with(page.text, field="old_password")) | {
            "old_password": old, "new_password": new, "new_password2": new}
        response = self.post("/accounts/password/", data=data, allow_redirects=False)
        if response.status_code != 302:
            raise Outcome("ERROR", f"password change refused: {short(messages_of(response.text))}")

    def token(self, name, scope="write", days=7):
        response = self.post("/accounts/tokens/new/", data={"name": name, "days": str(days),
                                                             "scope": scope})
        found = re.search(r'id="token-secret">([^<]+)<', response.text)
        if not found:
            raise Outcome("ERROR", f"token not created: {short(messages_of(response.text))}")
        return html.unescape(found.group(1)).strip()

    def revoke_tokens_named(self, prefix):
        page = self.get("/accounts/profile/").text
        for name, pk in re.findall(r'<tr><td>([^<]*)</td>(?:(?!</tr>).)*?action="/accounts/tokens/'
                                   r'(\d+)/revoke/"', page, flags=re.S):
            if html.unescape(name).startswith(prefix):
                self.post(f"/accounts/tokens/{pk}/revoke/", data={}, allow_redirects=False)


def api(base, method, path, token=None, *, json_body=None, headers=None, data=None):
    hdrs = dict(headers or {})
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    kwargs = {"headers": hdrs, "timeout": TIMEOUT}
    if json_body is not None:
        kwargs["json"] = json_body
    if data is not None:
        kwargs["data"] = data
    return requests.request(method, base.rstrip("/") + "/api/v1" + path, **kwargs)  # noqa: S113


def body_of(response):
    try:
        return response.json()
    except ValueError:
        return {"_text": short(response.text, 300)}


# --- proof of work (the public report's challenge) ----------------------------------------


def pow_solve(challenge, bits, limit=20_000_000):
    for nonce in range(limit):
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        value = int.from_bytes(digest, "big")
        if value >> (256 - bits) == 0:
            return str(nonce)
    raise Outcome("ERROR", f"proof of work of {bits} bits not solved in {limit} tries")


def public_report(base, payload, headers=None, max_pow=2):
    """POST /api/v1/public/reports, solving the proof of work when asked (at most twice)."""
    response = None
    for _attempt in range(max_pow + 1):
        response = api(base, "POST", "/public/reports", json_body=payload, headers=headers)
        body = body_of(response)
        if response.status_code == 429 and body.get("error") == "pow_required":
            challenge = body["challenge"]
            payload = payload | {"pow": {"challenge": challenge["challenge"],
                                         "nonce": pow_solve(challenge["challenge"],
                                                            challenge["difficulty"])}}
            continue
        return response
    return response


# --- the scratch tree ---------------------------------------------------------------------


class Tree:
    def __init__(self, path):
        self.path = Path(path).resolve()
        self.var = self.path / "var"
        self.db = self.var / "xuncha.sqlite3"
        self.python = self.path / ".venv" / "bin" / "python"
        if not (self.path / "manage.py").is_file():
            raise SystemExit(f"{self.path} has no manage.py")
        if not self.python.exists():
            self.python = Path(sys.executable)

    def env(self, **extra):
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env["XUNCHA_DEBUG"] = "1"
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args, env=None, timeout=300):
        return subprocess.run([str(self.python), "manage.py", *args], cwd=self.path,
                              env=env or self.env(), capture_output=True, text=True,
                              timeout=timeout)

    def query(self, sql, params=()):
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=20)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def demo_logins(tree):
    result = tree.manage("demo_logins")
    accounts = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            accounts[parts[-2]] = parts[-1]
    return accounts


# --- attachments: what must not be inside ---------------------------------------------------


def _pdf_streams(data):
    out = []
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            continue
        raw = data[start:end]
        for candidate in (raw, raw.rstrip(b"\r\n")):
            try:
                out.append(zlib.decompress(candidate))
                break
            except zlib.error:
                try:
                    out.append(zlib.decompressobj().decompress(candidate))
                    break
                except zlib.error:
                    continue
    return out


def _encodings(text):
    utf16 = text.encode("utf-16-be")
    return [text.encode("utf-8"), utf16, utf16.hex().encode(), utf16.hex().upper().encode()]


def metadata_problems(name, content_type, data):
    """What in a downloaded attachment still names someone (empty list: clean)."""
    problems = []
    blobs = [data]
    if data.startswith(b"PK\x03\x04"):
        try:
            package = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return ["not a readable zip"]
        names = package.namelist()
        blobs = [package.read(n) for n in names]
        for part in names:
            low = part.lower()
            if low in ("word/people.xml", "docprops/custom.xml") or low.startswith(
                    ("xl/persons/", "docprops/thumbnail")):
                body = package.read(part)
                if low == "docprops/custom.xml" and re.search(rb"<(?:\w+:)?property\b", body):
                    problems.append(f"part {part} kept with its properties")
                if low.startswith("docprops/thumbnail"):
                    problems.append(f"part {part} kept")
                # people parts may stay blanked: non-empty names and ids are caught below
        for part in names:
            if not part.endswith((".xml", ".rels", ".vml")):
                continue
            text = package.read(part).decode("utf-8", "replace")
            for attr in re.findall(r'\b(?:w:|w15:|p:)?(author|initials|userId|providerId|displayName)='
                                   r'"([^"]+)"', text):
                problems.append(f"{part}: {attr[0]}=\"{attr[1]}\"")
            if re.search(r"\bw:rsid\w*=", text) or "<w:rsids" in text:
                problems.append(f"{part}: rsid revision ids")
            for tag in ("dc:creator", "cp:lastModifiedBy"):
                found = re.search(rf"<{tag}>([^<]+)</{tag}>", text)
                if found:
                    problems.append(f"{part}: <{tag}>{found.group(1)}")
            found = re.search(r"<author>([^<]+)</author>", text)
            if found:
                problems.append(f"{part}: <author>{found.group(1)}")
            if re.search(r'\bw:date="', text):
                problems.append(f"{part}: w:date revision/comment dates")
    elif data.startswith(b"%PDF"):
        streams = _pdf_streams(data)
        blobs = [data, *streams]
        joined = b"\n".join(blobs)
        for marker in (b"/Author", b"/Metadata", b"<x:xmpmeta", b"<?xpacket", b"/PieceInfo",
                       b"/Creator", b"/Producer", b"/CreationDate", b"/ModDate"):
            if marker in joined:
                problems.append(f"PDF has {marker.decode()}")
        if re.search(rb"/Annot[^s].{0,400}?/T\s*[(<]", joined, flags=re.S):
            problems.append("PDF annotation keeps an author (/T)")
        if re.search(rb"/Annot[^s].{0,400}?/M\s*[(<]", joined, flags=re.S):
            problems.append("PDF annotation keeps a date (/M)")
        if b"Exif\x00\x00" in joined:
            problems.append("PDF image keeps EXIF")
    elif data.startswith(b"\xff\xd8"):
        pos = 2
        for _i in range(500):
            if pos + 4 > len(data) or data[pos] != 0xFF:
                break
            marker = data[pos + 1]
            if marker in (0xD9, 0xDA):
                break
            length = int.from_bytes(data[pos + 2:pos + 4], "big")
            segment = data[pos + 4:pos + 2 + length]
            if marker == 0xE1:
                problems.append("JPEG APP1 " + ("EXIF" if segment.startswith(b"Exif") else "XMP"))
            elif marker == 0xED:
                problems.append("JPEG APP13 IPTC/Photoshop")
            elif marker == 0xFE:
                problems.append("JPEG comment")
            pos += 2 + length
    elif data.startswith(b"\x89PNG"):
        pos = 8
        for _i in range(10000):
            if pos + 8 > len(data):
                break
            length = int.from_bytes(data[pos:pos + 4], "big")
            kind = data[pos + 4:pos + 8]
            if kind in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"):
                problems.append(f"PNG chunk {kind.decode()}")
            pos += 12 + length
    for text in IDENTIFYING:
        for encoded in _encodings(text):
            if any(encoded in blob for blob in blobs):
                problems.append(f"contains {text!r}")
                break
    return sorted(set(problems))


def fixtures_dir(tree):
    return tree.path / "xuncha" / "lib" / "tests" / "fixtures"


def docx_with_people(fixtures):
    """report.docx (LibreOffice) plus what Word adds: word/people.xml with an author and a
    user id, rsid revision ids, a thumbnail — to see that each goes too."""
    source = zipfile.ZipFile(fixtures / "report.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/word/people.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>'
                    b'<Default Extension="jpeg" ContentType="image/jpeg"/></Types>'))
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdAtkPeople" Type="http://schemas.microsoft.com/'
                    b'office/2011/relationships/people" Target="people.xml"/></Relationships>'))
            elif item.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdAtkThumb" Type="http://schemas.openxmlformats.org/'
                    b'package/2006/relationships/metadata/thumbnail" '
                    b'Target="docProps/thumbnail.jpeg"/></Relationships>'))
            elif item.filename == "word/document.xml":
                data = re.sub(rb"<w:p>", b'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3">',
                              data, count=3)
                data = re.sub(rb"<w:p ", b'<w:p w:rsidR="00A1B2C3" ', data, count=3)
            elif item.filename == "word/settings.xml":
                data = data.replace(b"</w:settings>", b'<w:rsids><w:rsidRoot w:val="00A1B2C3"/>'
                                    b'<w:rsid w:val="00A1B2C3"/></w:rsids></w:settings>')
            target.writestr(item, data)
        target.writestr("word/people.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
            '<w15:person w15:author="张举报人"><w15:presenceInfo w15:providerId="AD" '
            'w15:userId="S-1-5-21-atk zhang.jubaoren@example.cn"/></w15:person></w15:people>'
        ).encode())
        target.writestr("docProps/thumbnail.jpeg", (fixtures / "photo.jpg").read_bytes())
        target.writestr("word/media/atk-photo.jpeg", (fixtures / "photo.jpg").read_bytes())
    return out.getvalue()


def xlsx_with_persons(fixtures):
    """sheet.xlsx (LibreOffice) plus Excel's people part of threaded comments."""
    source = zipfile.ZipFile(fixtures / "sheet.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/xl/persons/person.xml" ContentType="application/'
                    b'vnd.ms-excel.person+xml"/></Types>'))
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdAtkPerson" Type="http://schemas.microsoft.com/office/'
                    b'2017/10/relationships/person" Target="persons/person.xml"/>'
                    b'</Relationships>'))
            target.writestr(item, data)
        target.writestr("xl/persons/person.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
            '<person displayName="张举报人" id="{6C3F3C2E-0000-4000-8000-000000000001}" '
            'userId="zhang.jubaoren@example.cn" providerId="AD"/></personList>').encode())
    return out.getvalue()


# --- the attacks ------------------------------------------------------------------------------


class Context:
    def __init__(self, base, tree, proxy_base):
        self.base, self.tree, self.proxy_base = base.rstrip("/"), tree, proxy_base
        self.passwords = demo_logins(tree)
        self._browsers = {}
        self._tokens = {}
        self.created_tokens = []  # (username, browser) whose tokens named atk-RUN are revoked

    def password(self, username):
        return self.passwords.get(username, DEMO_PASSWORD_FALLBACK)

    def browser(self, username):
        """A signed-in browser per demo account (cached for the run)."""
        if username not in self._browsers:
            b = Browser(self.base, username)
            b.login(username, self.password(username))
            self._browsers[username] = b
        return self._browsers[username]

    def api_token(self, username, scope="write"):
        key = (username, scope)
        if key not in self._tokens:
            b = self.browser(username)
            self._tokens[key] = b.token(f"atk-{RUN}-{scope}", scope=scope)
            self.created_tokens.append(b)
        return self._tokens[key]

    def cleanup(self):
        for b in self.created_tokens:
            try:
                b.revoke_tokens_named(f"atk-{RUN}")
            except Exception as exc:  # noqa: BLE001 (best effort)
                log("token clean-up failed:", exc)

    def user_id(self, username):
        rows = self.tree.query("select id from accounts_user where username = ?", (username,))
        return rows[0][0] if rows else None

    def intake_target(self):
        """An inspection of dh_team's team with intake open today: its id and public code."""
        team_inspector = self.tree.query(
            "select inspector_id from accounts_user where username='dh_team'")[0][0]
        today = shanghai_today().isoformat()  # the server's TIME_ZONE
        rows = self.tree.query(
            "select i.id, i.public_code from inspections_inspection i join inspections_teammember m"
            " on m.team_id = i.team_id where m.inspector_id = ? and i.stationed_on <= ? and "
            "i.petition_deadline >= ? order by i.id", (team_inspector, today, today))
        if not rows:
            raise Outcome("ERROR", "no inspection of dh_team takes petitions today")
        return rows[0]

    def new_account(self, admin, prefix, *, role="office", extra=None, email=""):
        """An account created by ``admin`` through the form; returns (username, pk, password)
        after its first sign-in changed the one-time password."""
        username = f"{prefix}_{RUN}"
        page = admin.get("/accounts/users/new/")
        form = form_with(page.text, field="username")
        data = as_dict(form) | {"username": username, "display_name": f"测试{prefix}",
                                "email": email, "role": role, "is_active": "on"}
        committee = self.tree.query("select committee_id from accounts_user where username = ?",
                                    (admin.label,))[0][0]
        if committee:
            data["committee"] = str(committee)
        else:
            data["committee"] = str(self.tree.query(
                "select id from organizations_committee where name like '%东湖区%'")[0][0])
        data.update(extra or {})
        response = admin.post("/accounts/users/new/", data=data)
        found = re.search(r'<code class="secret">([^<]+)</code>', response.text)
        if not found:
            raise Outcome("ERROR", f"account {username} not created: "
                          f"{short(messages_of(response.text))}")
        one_time = html.unescape(found.group(1))
        pk = self.user_id(username)
        password = new_password()
        b = Browser(self.base, username)
        b.login(username, one_time)
        b.change_password(one_time, password)
        self._browsers[username] = b
        self.passwords[username] = password
        return username, pk, password


def petition_ids_with(ctx, token, marker, tries=10):
    """Ids of the petitions the token's user sees whose content holds ``marker``."""
    for _i in range(tries):
        response = api(ctx.base, "GET", "/petitions?limit=100", token)
        items = body_of(response).get("items", [])
        found = [p["id"] for p in items if marker in p.get("content", "")]
        if found:
            return found
        time.sleep(0.5)
    return []


def attachments_on_page(page, pk):
    return [(int(fpk), html.unescape(name)) for fpk, name in re.findall(
        rf'href="/petitions/{pk}/files/(\d+)/">([^<]*)</a>', page)]


def audit_rows(ctx, action, object_id=""):
    admin = ctx.browser("dh_office")
    query = urllib.parse.urlencode({"action": action, "object_id": object_id})
    page = admin.get(f"/audit/?{query}").text
    rows = re.findall(r"<tr><td><a href=\"/audit/(\d+)/\">\d+</a></td><td>([^<]*)</td><td>"
                      r"([^<]*)</td><td><code>([^<]*)</code></td>", page)
    return [(int(seq), html.unescape(actor), act) for seq, _at, actor, act in rows]


def attack_1(ctx):
    """Attachments through the public API and the web form keep no metadata when the team
    downloads them; uncleanable files are refused; anonymous names are neutral; downloads
    are audited."""
    fx = fixtures_dir(ctx.tree)
    _inspection, code = ctx.intake_target()
    marker = f"ATK1-{RUN}"
    evidence, broken = [], []

    def b64(data):
        return base64.b64encode(data).decode()

    sets = [
        [("张举报人-举报材料.docx", (fx / "report.docx").read_bytes()),
         ("张举报人.pdf", (fx / "report.pdf").read_bytes()),
         ("IMG_张举报人.jpg", (fx / "photo.jpg").read_bytes()),
         ("shot.png", (fx / "shot.png").read_bytes()),
         ("word-people.docx", docx_with_people(fx))],
        [("李会计.xlsx", (fx / "sheet.xlsx").read_bytes()),
         ("excel-persons.xlsx", xlsx_with_persons(fx)),
         ("王科员.pptx", (fx / "slides.pptx").read_bytes()),
         ("notes.pdf", (fx / "notes.pdf").read_bytes()),
         ("image.pdf", (fx / "image.pdf").read_bytes())],
    ]
    uploaded = 0
    # 127.0.0.1 may have used up its 20 reports of this hour (earlier runs): then the reports
    # go through the proxy-trusting server as another client (same code path).
    pub = {"base": ctx.base, "headers": {}, "note": ""}

    def submit(payload):
        response = public_report(pub["base"], payload, headers=pub["headers"] or None)
        if response.status_code == 429 and body_of(response).get("error") == "rate_limited" \
                and ctx.proxy_base and pub["base"] == ctx.base:
            client = fresh_address()
            pub.update(base=ctx.proxy_base, headers={"X-Forwarded-For": client},
                       note=f"127.0.0.1 had used up its reports of this hour: public "
                            f"submissions went through :8766 as client {client}")
            response = public_report(pub["base"], payload, headers=pub["headers"])
        return response

    for number, files in enumerate(sets, start=1):
        payload = {"target": code, "anonymous": True,
                   "content": f"{marker}-api{number} 反映某科长在食堂招标中收受红包，多次发生，请核查。",
                   "subjects": [{"name": "张某", "position": "科长", "unit": "某局"}],
                   "attachments": [{"name": n, "data": b64(d)} for n, d in files]}
        response = submit(payload)
        if response.status_code != 201:
            raise Outcome("ERROR", f"public API report {number}: {response.status_code} "
                          f"{short(body_of(response))}")
        uploaded += len(files)
        if number == 1:
            receipt = body_of(response)["receipt"]
    # An addition by receipt (a message with a file) is a channel too.
    response = api(pub["base"], "POST", "/public/reports/add", headers=pub["headers"],
                   json_body={
        "receipt": receipt, "text": f"{marker}-add 补充材料",
        "attachments": [{"name": "张举报人补充.docx", "data": b64((fx / "report.docx").read_bytes())}]})
    if response.status_code != 200:
        broken.append(f"/public/reports/add with a .docx answered {response.status_code}")
    else:
        uploaded += 1

    # Refused: each uncleanable file alone; nothing stored.
    refused = {}
    oddities = {"old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                "macro.docm.zip": zipfile_bytes({"word/vbaProject.bin": b"x" * 100,
                                                 "word/document.xml": b"<w:document/>"}),
                "pic.gif": b"GIF89a" + b"\x00" * 100}
    candidates = [(n, (fx / n).read_bytes()) for n in
                  ("updated.pdf", "script.pdf", "attached.pdf", "encrypted.pdf")]
    candidates += list(oddities.items())
    for name, data in candidates:
        tag = f"{marker}-refuse-{name}"
        response = public_report(pub["base"], {
            "target": code, "anonymous": True,
            "content": f"{tag} 反映某科长在食堂招标中收受红包的问题。",
            "attachments": [{"name": name, "data": b64(data)}]}, headers=pub["headers"] or None)
        body = body_of(response)
        stored = ctx.tree.query("select count(*) from petitions_petition where content like ?",
                                (f"%{tag}%",))[0][0]
        refused[name] = (response.status_code, body.get("error"), stored)
        if response.status_code != 400 or stored:
            broken.append(f"{name} via API: {response.status_code} {body.get('error')} "
                          f"stored={stored}")
    evidence.append("API refused " + ", ".join(f"{n}→{s}/{e}" for n, (s, e, _st) in
                                               refused.items()))

    # The web form: multipart, anonymous, with a .docx, a photo, a PDF; then a refused PDF.
    files = [("attachments", ("张举报人-网页.docx", (fx / "report.docx").read_bytes(),
                              "application/octet-stream")),
             ("attachments", ("张举报人.jpg", (fx / "photo.jpg").read_bytes(), "image/jpeg")),
             ("attachments", ("张举报人-网页.pdf", (fx / "report.pdf").read_bytes(),
                              "application/pdf"))]

    def web_report(content, files):
        visitor = Browser(pub["base"], "visitor")
        visitor.headers = dict(pub["headers"])
        page = visitor.get(f"/p/r/{code}/")
        form = form_with(page.text, form_id="report-form")
        data = as_dict(form) | {"content": content, "anonymous": "on", "subjects-0-name": "张某"}
        pow_attrs = form["attrs"]
        if pow_attrs.get("data-pow-required") == "1":
            data["pow_challenge"] = html.unescape(pow_attrs["data-pow-challenge"])
            data["pow_nonce"] = pow_solve(data["pow_challenge"], int(pow_attrs["data-pow-bits"]))
        return visitor.post(f"/p/r/{code}/", data=data, files=files)

    content = f"{marker}-web 反映某科长在食堂招标中收受红包，多次发生。"
    response = web_report(content, files)
    if response.status_code == 429 and ctx.proxy_base and pub["base"] == ctx.base:
        client = fresh_address()
        pub.update(base=ctx.proxy_base, headers={"X-Forwarded-For": client},
                   note=f"127.0.0.1 had used up its reports of this hour: the web form went "
                        f"through :8766 as client {client}")
        response = web_report(content, files)
    if "receipt" not in response.text or response.status_code != 200 or \
            not re.search(r"\d{4} \d{4} \d{4} \d{4}", response.text):
        raise Outcome("ERROR", f"web form report: {response.status_code} "
                      f"{short(messages_of(response.text))}")
    uploaded += 3
    tag = f"{marker}-web-refuse"
    response = web_report(f"{tag} 反映某科长在食堂招标中收受红包，多次发生。", [
        ("attachments", ("updated.pdf", (fx / "updated.pdf").read_bytes(), "application/pdf"))])
    stored = ctx.tree.query("select count(*) from petitions_petition where content like ?",
                            (f"%{tag}%",))[0][0]
    web_msg = short(" ".join(messages_of(response.text)), 90)
    evidence.append(f"web form with updated.pdf → {response.status_code}, stored={stored}, "
                    f"«{web_msg}»")
    if stored or "updated.pdf" not in web_msg:
        broken.append(f"web form with updated.pdf: {response.status_code} stored={stored}")

    # Staff scans come in through the intake form: cleaned too.
    team = ctx.browser("dh_team")
    page = team.get("/petitions/new/")
    form = form_with(page.text, field="channel")
    data = as_dict(form) | {"channel": "letter", "inspection": str(_inspection),
                            "content": f"{marker}-intake 来信反映某科长在食堂招标中收受红包。",
                            "reporter_name": ""}
    response = team.post("/petitions/new/", data=data, files=[
        ("attachments", ("张举报人来信扫描.docx", (fx / "report.docx").read_bytes(),
                         "application/octet-stream")),
        ("attachments", ("张举报人.jpg", (fx / "photo.jpg").read_bytes(), "image/jpeg"))])
    if f"{marker}-intake" not in response.text and response.status_code != 200:
        broken.append(f"staff intake with files: {response.status_code}")
    else:
        uploaded += 2
    # The team opens the petitions and downloads every file.
    team_token = ctx.api_token("dh_team")
    ids = petition_ids_with(ctx, team_token, marker)
    checked, names_seen, downloads = 0, [], {}
    for pk in ids:
        page = team.get(f"/petitions/{pk}/")
        if page.status_code != 200:
            continue
        for leak in ("张举报人", "李会计", "王科员", "IMG_"):
            if leak in page.text:
                broken.append(f"petition {pk} page shows {leak!r} (a file name)")
        for fpk, name in attachments_on_page(page.text, pk):
            response = team.get(f"/petitions/{pk}/files/{fpk}/")
            downloads[pk] = downloads.get(pk, 0) + 1
            disposition = urllib.parse.unquote(response.headers.get("Content-Disposition", ""))
            names_seen.append(name)
            if not re.fullmatch(r"附件\d+\.(docx|pdf|jpg|png|xlsx|pptx|txt)", name):
                broken.append(f"file {fpk} of anonymous petition {pk} is named {name!r}")
            if "张举报人" in disposition or "李会计" in disposition:
                broken.append(f"file {fpk} download names {disposition!r}")
            problems = metadata_problems(name, response.headers.get("Content-Type", ""),
                                         response.content)
            if name.endswith(".docx") and "某局长".encode() not in b"".join(
                    zipfile.ZipFile(io.BytesIO(response.content)).read(n) for n in
                    zipfile.ZipFile(io.BytesIO(response.content)).namelist()
                    if n == "word/document.xml"):
                problems.append("the document's own text is gone")
            if name.endswith(".pdf") and b"%%EOF" not in response.content[-64:]:
                problems.append("not a complete PDF")
            checked += 1
            if problems:
                broken.append(f"{name} (petition {pk}, file {fpk}): " + "; ".join(problems))
    if checked < uploaded:
        broken.append(f"only {checked} of {uploaded} uploaded files reached the team")
    evidence.append(f"{checked} files downloaded by dh_team from petitions {ids}: names "
                    f"{sorted(set(names_seen))}; metadata scan (authors, rsid, people/custom "
                    f"parts, thumbnails, /Author, XMP, EXIF/IPTC/COM, PNG text, {len(IDENTIFYING)} "
                    f"identifying strings in UTF-8/UTF-16/hex incl. inflated PDF streams) clean"
                    if not [b for b in broken if "petition" in b and "file" in b] else
                    f"{checked} files checked")
    # At rest too: no stored file (nor the database) holds the fixtures' names.
    at_rest = _files_containing(ctx.tree.var / "media", [e for t in IDENTIFYING[:6]
                                                         for e in _encodings(t)[:2]])
    stored_names = ctx.tree.query("select count(*) from petitions_petitionattachment where "
                                  "name like '%张举报人%' or name like '%李会计%'")[0][0]
    evidence.append(f"var/media files holding an identifying string: {at_rest or 'none'}; "
                    f"attachment rows keeping an original name: {stored_names}")
    if at_rest or stored_names:
        broken.append(f"at rest: {at_rest} / {stored_names} named rows")
    # Every download is an audit event (read by the office administrator).
    for pk, count in downloads.items():
        rows = audit_rows(ctx, "petition.attachment_download", str(pk))
        if len(rows) < count:
            broken.append(f"petition {pk}: {count} downloads, {len(rows)} audit events")
    if downloads:
        audited = {pk: audit_rows(ctx, "petition.attachment_download", str(pk))
                   for pk in downloads}
        actors = sorted({r[1] for rows in audited.values() for r in rows})
        evidence.append(f"audit trail (/audit/ as dh_office): {sum(len(r) for r in audited.values())} "
                        f"petition.attachment_download events for {sum(downloads.values())} "
                        f"downloads, by {actors}")
    if pub["note"]:
        evidence.append(pub["note"])
    if broken:
        raise Outcome("BROKEN", " | ".join(broken + evidence))
    return "; ".join(evidence)


def zipfile_bytes(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _powers(ctx, username):
    row = ctx.tree.query("select is_custodian, is_office_head from accounts_user where username=?",
                         (username,))
    return tuple(bool(v) for v in row[0]) if row else None


def _petition_with_identity(ctx, token, marker, identity=None):
    identity = identity or {"name": "王小明", "phone": "13987654321",
                            "id_number": "110101199003074512", "address": "东湖区梧桐路88号3栋"}
    response = api(ctx.base, "POST", "/petitions", token, json_body={
        "channel": "letter", "content": f"{marker} 反映某所长在工程验收中收受好处，金额较大，请核查。",
        "reporter": identity})
    if response.status_code != 201:
        raise Outcome("ERROR", f"intake with identity: {response.status_code} "
                      f"{short(body_of(response))}")
    return body_of(response)["id"], identity


def _reveal_request(office, pk):
    page = office.get(f"/petitions/{pk}/")
    form = form_with(page.text, action=f"/petitions/{pk}/do/reveal/")
    office.post(f"/petitions/{pk}/do/reveal/", data=as_dict(form) | {
        "reason": "核查举报线索需要与反映人当面核实有关情况。"})


def attack_2(ctx):
    """An office administrator cannot give custodian/office-head powers to any account (a
    new one, itself) and cannot approve its own reveal through an account it controls."""
    office = ctx.browser("dh_office")
    upper = ctx.browser("lj_office")
    operator = ctx.browser("admin")
    broken, evidence = [], []
    before_self = _powers(ctx, "dh_office")
    # a) a new account, the power fields smuggled into the creation form
    name_y, pk_y, _pw = ctx.new_account(office, "atk2y", extra={"is_custodian": "on",
                                                                 "is_office_head": "on"})
    if any(_powers(ctx, name_y)):
        broken.append(f"user create with is_custodian/is_office_head=on gave {name_y} "
                      f"{_powers(ctx, name_y)}")
    evidence.append(f"create {name_y} with is_custodian=on&is_office_head=on → powers "
                    f"{_powers(ctx, name_y)}")
    # b) itself, through its own account form
    page = office.get(f"/accounts/users/{ctx.user_id('dh_office')}/")
    form = form_with(page.text, field="display_name")
    office.post(f"/accounts/users/{ctx.user_id('dh_office')}/", data=as_dict(form) | {
        "is_custodian": "on", "is_office_head": "on"})
    page = office.get(f"/accounts/users/{pk_y}/")
    form = form_with(page.text, field="display_name")
    response = office.post(f"/accounts/users/{pk_y}/", data=as_dict(form) | {
        "is_custodian": "on", "is_office_head": "on"})
    if _powers(ctx, "dh_office")[0] or any(_powers(ctx, name_y)):
        broken.append(f"edit form: dh_office {_powers(ctx, 'dh_office')}, {name_y} "
                      f"{_powers(ctx, name_y)}")
    evidence.append(f"edit self/{name_y} with the flags → dh_office {before_self}→"
                    f"{_powers(ctx, 'dh_office')}, {name_y} {_powers(ctx, name_y)}")
    # c) the powers page, for the new account and for itself
    statuses = []
    for pk in (pk_y, ctx.user_id("dh_office")):
        for power in ("is_custodian", "is_office_head"):
            response = office.post("/accounts/powers/grant/", data={
                "account": str(pk), "power": power, "reason": "攻击测试：自行授予权限"},
                allow_redirects=False)
            statuses.append(response.status_code)
    if _powers(ctx, "dh_office")[0] or any(_powers(ctx, name_y)):
        broken.append("powers/grant by dh_office worked")
    evidence.append(f"dh_office POST /accounts/powers/grant/ ×4 → {sorted(set(statuses))}")
    # d) the office above cannot grant to itself either
    upper.post("/accounts/powers/grant/", data={
        "account": str(ctx.user_id("lj_office")), "power": "is_custodian",
        "reason": "攻击测试：自行授予"})
    if _powers(ctx, "lj_office")[0]:
        broken.append("lj_office granted itself is_custodian")
    evidence.append(f"lj_office grants itself is_custodian → {_powers(ctx, 'lj_office')}")
    # e) an independent custodian X (made by the operator, granted by the office above), then
    #    the new account Y granted by the office above: X is told by e-mail.
    name_x, pk_x, _pwx = ctx.new_account(operator, "atk2x", email=f"atk2x-{RUN}@example.cn")
    mail_dir = ctx.tree.var / "mail"
    mails_before = set(mail_dir.glob("*")) if mail_dir.is_dir() else set()
    for pk in (pk_x, pk_y):
        response = upper.post("/accounts/powers/grant/", data={
            "account": str(pk), "power": "is_custodian", "reason": "经研究同意担任身份保管人"})
    if not (_powers(ctx, name_x)[0] and _powers(ctx, name_y)[0]):
        raise Outcome("ERROR", f"lj_office could not grant custodian to {name_x}/{name_y}: "
                      f"{short(messages_of(response.text))}")
    told = [p for p in (set(mail_dir.glob("*")) - mails_before if mail_dir.is_dir() else [])
            if name_y in p.read_text("utf-8", "replace") or
            name_y in _decoded_mail(p.read_text("utf-8", "replace"))]
    grants = audit_rows(ctx, "account.power_grant", str(pk_y))
    evidence.append(f"lj_office → {name_y} custodian: {len(grants)} account.power_grant event(s); "
                    f"{len(told)} mail(s) to the other custodians in var/mail")
    if not grants:
        broken.append("power grant not audited")
    if not told:
        broken.append(f"no custodian told of the grant to {name_y}")
    # f) dh_office asks for a reveal; Y (which dh_office created) approves → refused
    office_token = ctx.api_token("dh_office")
    pk, identity = _petition_with_identity(ctx, office_token, f"ATK2-{RUN}")
    _reveal_request(office, pk)
    reveal = ctx.tree.query("select id, status from petitions_revealrequest where petition_id=? "
                            "order by id desc", (pk,))
    if not reveal:
        raise Outcome("ERROR", "the reveal request was not recorded")
    rid = reveal[0][0]
    y = ctx.browser(name_y)
    response = y.post(f"/petitions/reveal/{rid}/approve/", data={"note": ""})
    status = ctx.tree.query("select status from petitions_revealrequest where id=?", (rid,))[0][0]
    y_msg = short(" ".join(messages_of(response.text)), 110)
    shown = office.post(f"/petitions/reveal/{rid}/show/", data={})
    if status != "pending" or identity["phone"] in shown.text or identity["name"] in shown.text:
        broken.append(f"{name_y} (created by dh_office) approved request {rid}: {status}")
    seen = "SHOWN" if identity["phone"] in shown.text else "not shown"
    evidence.append(f"{name_y} approves dh_office's reveal {rid} → {status} «{y_msg}»; "
                    f"dh_office show → identity {seen}")
    # g) X, independent, approves → works (control); then dh_office takes X over by a password
    #    reset and approves a second request as X → refused.
    x = ctx.browser(name_x)
    x.post(f"/petitions/reveal/{rid}/approve/", data={"note": "同意"})
    status_x = ctx.tree.query("select status from petitions_revealrequest where id=?",
                              (rid,))[0][0]
    response = office.post(f"/accounts/users/{pk_x}/reset-password/", data={})
    found = re.search(r'<code class="secret">([^<]+)</code>', response.text)
    if found:
        one_time = html.unescape(found.group(1))
        taken = Browser(ctx.base, name_x)
        taken.login(name_x, one_time)
        new_pw = new_password()
        taken.change_password(one_time, new_pw)
        pk2, _identity = _petition_with_identity(ctx, office_token, f"ATK2b-{RUN}")
        _reveal_request(office, pk2)
        rid2 = ctx.tree.query("select id from petitions_revealrequest where petition_id=? "
                              "order by id desc", (pk2,))[0][0]
        response = taken.post(f"/petitions/reveal/{rid2}/approve/", data={"note": ""})
        status2 = ctx.tree.query("select status from petitions_revealrequest where id=?",
                                 (rid2,))[0][0]
        evidence.append(f"control: independent {name_x} approves {rid} → {status_x}; after "
                        f"dh_office reset {name_x}'s password and signed in as it, approving "
                        f"{rid2} → {status2}")
        if status2 != "pending":
            broken.append(f"approval by an account taken over via password reset: {status2}")
        # h) the same two accounts, but the request filed by a puppet Z that dh_office made:
        #    the 30-day rule compares the approver with the *requester* only.
        name_z, _pk_z, _pwz = ctx.new_account(office, "atk2z")
        z = ctx.browser(name_z)
        _reveal_request(z, pk2)
        rid3 = ctx.tree.query("select id from petitions_revealrequest where petition_id=? and "
                              "requested_by_id=? order by id desc", (pk2, _pk_z))
        if rid3:
            rid3 = rid3[0][0]
            response = taken.post(f"/petitions/reveal/{rid3}/approve/", data={"note": "同意"})
            status3 = ctx.tree.query("select status from petitions_revealrequest where id=?",
                                     (rid3,))[0][0]
            shown = z.post(f"/petitions/reveal/{rid3}/show/", data={})
            leaked = identity["phone"] in shown.text and identity["id_number"] in shown.text
            evidence.append(
                f"bypass: dh_office creates {name_z} (signs in with its one-time password), "
                f"{name_z} asks reveal {rid3} on petition {pk2}; {name_x} (password reset and "
                f"signed in by dh_office) approves → {status3}; POST /petitions/reveal/{rid3}/"
                f"show/ as {name_z} → {shown.status_code}, full name/phone/ID "
                f"{'SHOWN' if leaked else 'not shown'}")
            if status3 == "approved" or leaked:
                broken.append(
                    f"dh_office alone revealed the reporter of petition {pk2}: request {rid3} by "
                    f"its puppet {name_z}, approved by custodian {name_x} after dh_office reset "
                    f"that custodian's password (POST /accounts/users/{pk_x}/reset-password/) — "
                    f"the 30-day rule only compares approver and requester")
        else:
            evidence.append(f"{name_z} could not file a reveal request")
    else:
        broken.append("dh_office could not reset the custodian's password (setup)")
    if broken:
        raise Outcome("BROKEN", " | ".join(broken + evidence))
    return "; ".join(evidence)


def _decoded_mail(text):
    """The text of a file-backend mail (quoted-printable or base64 bodies decoded)."""
    import email

    message = email.message_from_string(text)
    parts = []
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    subject = str(email.header.make_header(email.header.decode_header(message.get("Subject", ""))))
    return subject + "\n" + "\n".join(parts)


def _files_containing(root, needles, skip=()):
    hits = []
    for path in root.rglob("*"):
        if not path.is_file() or any(s in path.parts for s in skip):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for needle in needles:
            if needle in data:
                hits.append(str(path.relative_to(root)))
                break
    return hits


def attack_3(ctx):
    """A staged petitions CSV (batch entry preview) is not readable plaintext under var/ and
    is gone after cancel."""
    office = Browser(ctx.base, "dh_office (uploader)")
    office.login("dh_office", ctx.password("dh_office"))
    phone = f"139{random.randint(10000000, 99999999)}"
    name = f"赵{RUN}"
    csv_text = ("渠道,收件时间,被反映单位代码,意见箱位置,被反映人,职务,被反映人单位,内容,是否署名,"
                "反映人姓名,反映人电话\n"
                f"来信,2026-11-02 09:30,JZ-LJ-DH-JYJ,,张某某,科长,东湖区教育局,"
                f"反映其在学校食堂承包中收受供应商好处费 ATK3-{RUN},是,{name},{phone}\n")
    needles = [phone.encode(), name.encode("utf-8"), phone.encode("utf-16-le")]
    broken, evidence = [], []
    uid = ctx.user_id("dh_office")
    staging = ctx.tree.var / "staging" / str(uid)
    before = set(staging.glob("*")) if staging.is_dir() else set()
    office.get("/petitions/import/")
    response = office.post("/petitions/import/", data={"step": "preview"}, files={
        "file": (f"petitions-{name}.csv", csv_text.encode("utf-8"), "text/csv")})
    if 'value="commit"' not in response.text:
        raise Outcome("ERROR", f"no preview: {short(messages_of(response.text))}")
    staged = sorted(set(staging.glob("*")) - before) if staging.is_dir() else []
    plain = _files_containing(ctx.tree.var, needles)
    evidence.append(f"after the preview: staged {[str(p.relative_to(ctx.tree.path)) for p in staged]}; "
                    f"files under var/ (database, WAL, media, staging, mail) holding the "
                    f"reporter's name or phone in clear: {plain or 'none'}")
    if plain:
        broken.append(f"plaintext reporter data under var/: {plain}")
    for path in staged:
        mode = oct(path.stat().st_mode & 0o777)
        head = path.read_bytes()[:6]
        evidence.append(f"mode {mode}, dir {oct(path.parent.stat().st_mode & 0o777)}, content "
                        f"starts {head!r} (Fernet), outside var/media")
        if mode != "0o600" or not head.startswith(b"gAAAAA"):
            broken.append(f"{path.name}: mode {mode}, head {head!r}")
        if (ctx.tree.var / "media") in path.parents:
            broken.append(f"{path} is under MEDIA_ROOT (backed up)")
    if not staged:
        broken.append("no staged file found under var/staging (where did it go?)")
    # Cancel: the page offers none; try what a user can do: a cancel post, leaving, signing out.
    cancel_controls = re.findall(r'<(?:button|a|input)[^>]*(?:cancel|取消|放弃)[^>]*>',
                                 response.text, flags=re.I)
    cancelled = office.post("/petitions/import/", data={"step": "cancel"})
    after_cancel = all(p.exists() for p in staged)
    office.get("/petitions/")
    office.logout()
    after_logout = all(p.exists() for p in staged)
    evidence.append(f"preview page cancel controls: {cancel_controls or 'none'}; POST "
                    f"step=cancel → {cancelled.status_code}, file "
                    f"{'still there' if after_cancel else 'gone'}; uploader signs out → "
                    f"{'still there' if after_logout else 'gone'}")
    if staged and after_logout:
        broken.append("no way to cancel: after POST step=cancel and the uploader's sign-out the "
                      f"staged file {staged[0].relative_to(ctx.tree.path)} stays (encrypted); "
                      "it goes only when some later upload or confirm runs the 24-hour sweep "
                      "(no periodic job sweeps var/staging)")
    # 24 hours: age the abandoned file (mtime), then any staging sweeps it.
    old = time.time() - 25 * 3600
    for path in staged:
        if path.exists():
            os.utime(path, (old, old))
    office = Browser(ctx.base, "dh_office (confirm)")
    office.login("dh_office", ctx.password("dh_office"))
    before = set(staging.glob("*"))
    office.post("/petitions/import/", data={"step": "preview"}, files={
        "file": ("again.csv", csv_text.replace(f"ATK3-{RUN}", f"ATK3c-{RUN}").encode("utf-8"),
                 "text/csv")})
    second = sorted(set(staging.glob("*")) - before)
    swept = [p for p in staged if not p.exists()]
    office.post("/petitions/import/", data={"step": "commit"})
    confirmed_gone = bool(second) and all(not p.exists() for p in second)
    committed = ctx.tree.query("select count(*) from petitions_petition where content like ?",
                               (f"%ATK3c-{RUN}%",))[0][0]
    evidence.append(f"aged 25 h, swept by the next upload: {len(swept)}/{len(staged)}; confirm "
                    f"recorded {committed} petition(s) and removed its staged file: "
                    f"{confirmed_gone}")
    if not confirmed_gone or len(swept) != len(staged):
        broken.append("confirm or the 24-hour sweep left a staged file")
    archive = Path(tempfile.mkdtemp(prefix="atk3-")) / "backup.tar.gz"
    result = ctx.tree.manage("backup", str(archive))
    if result.returncode == 0 and archive.exists():
        import tarfile

        with tarfile.open(archive) as tar:
            members = tar.getnames()
        staged_in = [m for m in members if "staging" in m]
        evidence.append(f"manage.py backup: {len(members)} members, staging ones: "
                        f"{staged_in or 'none'}")
        if staged_in:
            broken.append(f"backup holds staged imports: {staged_in}")
        shutil.rmtree(archive.parent, ignore_errors=True)
    if broken:
        raise Outcome("BROKEN", " | ".join(broken + evidence))
    return "; ".join(evidence)


def _cache_rows(ctx, pattern):
    return ctx.tree.query("select cache_key, value, expires from xuncha_cache where cache_key "
                          "like ?", (pattern,))


def _expires_utc(text):
    value = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def my_receipt_counter(ctx):
    """(key digest, count) of 127.0.0.1's receipt counter in this hour's window, when the
    server runs with the development secret key."""
    secret = "insecure-development-key-do-not-use-in-production"
    mine = hashlib.sha256(hashlib.sha256(
        f"xuncha-client:{secret}:{shanghai_today().isoformat()}:127.0.0.1".encode()).hexdigest()
        .encode()).hexdigest()[:24]
    number = int(time.time() // 3600)
    rows = _cache_rows(ctx, f"%rl:receipt:{mine}:{number}")
    if not rows:
        return mine, 0
    return mine, pickle.loads(base64.b64decode(rows[0][1]))  # noqa: S301


def attack_4(ctx):
    """The receipt look-up limit (30 an hour) holds past 5 idle minutes: the expiry the server
    wrote for its counter in the xuncha_cache table."""
    counts = []
    started = time.time()
    # one failed sign-in of a new name (from another address when the proxy server runs)
    probe_name = f"atk4probe_{RUN}"
    outsider = Browser(ctx.proxy_base or ctx.base, "atk4")
    _login_answer(outsider, probe_name, "Wrong-password-1",
                  {"X-Forwarded-For": fresh_address()} if ctx.proxy_base
                  else None)
    for _i in range(2):
        response = api(ctx.base, "POST", "/public/reports/status",
                       json_body={"receipt": "0000000000000000"})
        counts.append(response.status_code)
    now = time.time()
    number = int(now // 3600)
    window_end = datetime.datetime.fromtimestamp((number + 1) * 3600, tz=datetime.UTC)
    rows = [r for r in _cache_rows(ctx, "%rl:receipt:%") if r[0].endswith(f":{number}")]
    if not rows:
        raise Outcome("ERROR", f"no receipt counter of window {number} in xuncha_cache "
                      f"(look-ups answered {counts})")
    lines, broken = [], []
    # The counter of this client (127.0.0.1), when the server runs with the development key.
    mine, _count = my_receipt_counter(ctx)
    rows.sort(key=lambda r: mine not in r[0])
    for key, value, expires in rows:
        expiry = _expires_utc(expires)
        try:
            count = pickle.loads(base64.b64decode(value))  # noqa: S301 (our own cache rows)
        except Exception:  # noqa: BLE001
            count = "?"
        left = (expiry - datetime.datetime.now(datetime.UTC)).total_seconds()
        who = "this client's" if mine in key else "another client's"
        lines.append(f"{who} counter {key[:36]}… count={count} expires {expiry:%H:%M:%S}Z "
                     f"(in {left:.0f} s; window ends {window_end:%H:%M:%S}Z)")
        if expiry < window_end - datetime.timedelta(seconds=2):
            broken.append(f"{key}: expires {expiry.isoformat()} before the window's end "
                          f"{window_end.isoformat()}")
    # The sign-in counters use the same windows.
    name_digest = hashlib.sha256(f"{probe_name}#0".encode()).hexdigest()[:24]
    probe_rows = _cache_rows(ctx, f"%rl:login-name:{name_digest}:{number}")
    for _key, _value, expires in probe_rows:
        left = (_expires_utc(expires) - datetime.datetime.now(datetime.UTC)).total_seconds()
        lines.append(f"sign-in counter of the failed name {probe_name}: expires "
                     f"{_expires_utc(expires):%H:%M:%S}Z (in {left:.0f} s)")
    if not probe_rows:
        broken.append(f"no sign-in counter written for {probe_name}")
    login_rows = [r for r in _cache_rows(ctx, "%rl:login-%") if r[0].endswith(f":{number}")]
    login_bad = [r[0] for r in login_rows
                 if _expires_utc(r[2]) < window_end - datetime.timedelta(seconds=2)]
    state_rows = _cache_rows(ctx, "%signin:%")
    evidence = (f"look-ups → {counts}; " + "; ".join(lines[:1] + lines[-1:]) +
                f"; {len(login_rows)} sign-in counters of this hour, {len(login_bad)} expiring "
                f"early; {len(state_rows)} sign-in delay states. (Redis not exercised here.)")
    if login_bad:
        broken.append(f"sign-in counters expiring before the hour ends: {login_bad[:3]}")
    if time.time() - started > 0 and (window_end.timestamp() - now) < 300:
        evidence += " (less than 5 min left in this hour: the check cannot tell 300 s apart)"
    if broken:
        raise Outcome("BROKEN", " | ".join(broken) + " | " + evidence)
    return evidence


def _login_answer(browser, username, password, headers=None):
    page = browser.get("/accounts/login/", headers=headers)
    data = as_dict(form_with(page.text, field="username")) | {"username": username,
                                                             "password": password}
    started = time.time()
    response = browser.post("/accounts/login/", data=data, allow_redirects=False,
                            headers=headers)
    elapsed = time.time() - started
    text = re.sub(r'value="[A-Za-z0-9]{32,}"', 'value="CSRF"', response.text)
    text = re.sub(r'content="[A-Za-z0-9]{32,}"', 'content="CSRF"', text)
    text = re.sub(r'name="username"[^>]*value="[^"]*"', 'name="username"', text)
    text = re.sub(r'value="[^"]*"([^>]*name="username")', r'\1', text)
    errors = " ".join(messages_of(response.text))
    return response.status_code, errors, hashlib.sha256(text.encode()).hexdigest()[:12], elapsed


def attack_5(ctx):
    """Sign-in answers are identical for unknown name, wrong password and a delayed ("locked")
    account, and an outsider's failures do not keep the owner out of a browser that signed
    in before."""
    office = ctx.browser("dh_office")
    victim, _pk, password = ctx.new_account(office, "atk5v")
    owner = ctx.browser(victim)  # signed in during new_account: has the device cookie
    device = owner.s.cookies.get("xuncha_device")
    owner.logout()
    if not device or not owner.s.cookies.get("xuncha_device"):
        raise Outcome("ERROR", "the owner's browser got no device cookie")
    # The outsider comes from another address (through the proxy-trusting second server, so
    # 127.0.0.1's own per-address counter is not filled), a fresh browser each time.
    outsider_base = ctx.proxy_base or ctx.base
    ip = fresh_address()
    hdrs = {"X-Forwarded-For": ip} if ctx.proxy_base else None
    answers = {}
    outsider = Browser(outsider_base, "outsider")
    answers["unknown name"] = _login_answer(outsider, f"nobody_{RUN}", "Wrong-password-1", hdrs)
    answers["wrong password"] = _login_answer(outsider, victim, "Wrong-password-1", hdrs)
    for i in range(2, 8):  # 5 free failures, then the delay starts
        _login_answer(outsider, victim, f"Wrong-password-{i}", hdrs)
    answers["delayed (locked)"] = _login_answer(outsider, victim, "Wrong-password-x", hdrs)
    answers["delayed, right password"] = _login_answer(outsider, victim, password, hdrs)
    for i in range(2, 8):
        _login_answer(outsider, f"nobody_{RUN}", f"Wrong-password-{i}", hdrs)
    answers["unknown name, delayed"] = _login_answer(outsider, f"nobody_{RUN}", "x-Wrong-9", hdrs)
    distinct = {(s, e, h) for s, e, h, _t in answers.values()}
    # The owner, in the browser that signed in before (same address as everyone else here).
    response = owner.login(victim, password, expect_ok=False)
    owner_ok = response.status_code == 302
    fresh = Browser(ctx.base, "fresh")
    fresh_answer = _login_answer(fresh, victim, password)
    # Only failures count: 22 successful sign-ins from one address (free failures per address:
    # 20) do not delay the next one.
    ip2 = fresh_address()
    successes = []
    for _i in range(22):
        b = Browser(outsider_base, "many")
        r = b.login("dh_leader", ctx.password("dh_leader"), expect_ok=False) if not ctx.proxy_base \
            else _login_raw(b, "dh_leader", ctx.password("dh_leader"), {"X-Forwarded-For": ip2})
        successes.append(r.status_code)
    summary = "; ".join(f"{k}: {s} «{short(e, 60)}» body#{h} {t*1000:.0f} ms"
                        for k, (s, e, h, t) in answers.items())
    evidence = (f"{summary}. Owner's known browser (cookie kept) while the name is delayed → "
                f"{response.status_code} {'signed in' if owner_ok else 'REFUSED'}; a fresh "
                f"browser with the right password → {fresh_answer[0]} (waits the short delay, "
                f"by design). 22 successful sign-ins from {ip2} → {sorted(set(successes))}")
    broken = []
    if len(distinct) != 1:
        broken.append(f"{len(distinct)} different answers")
    if not owner_ok:
        broken.append("the owner is kept out of their own browser")
    if set(successes) != {302}:
        broken.append("successful sign-ins were counted against the address")
    if broken:
        raise Outcome("BROKEN", " | ".join(broken) + " | " + evidence)
    return evidence


def _login_raw(browser, username, password, headers):
    page = browser.get("/accounts/login/", headers=headers)
    data = as_dict(form_with(page.text, field="username")) | {"username": username,
                                                             "password": password}
    return browser.post("/accounts/login/", data=data, allow_redirects=False, headers=headers)


def _user_edit(admin, pk, changes):
    page = admin.get(f"/accounts/users/{pk}/")
    form = form_with(page.text, field="display_name")
    data = as_dict(form)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return admin.post(f"/accounts/users/{pk}/", data=data)


def attack_6(ctx):
    """A token stops working after an admin password reset, a role change, a deactivation; a
    read-only token gets 403 on POST."""
    office = ctx.browser("dh_office")
    results, broken = [], []

    def reads(token):
        return api(ctx.base, "GET", "/petitions?limit=1", token).status_code

    # password reset by the administrator
    name1, pk1, _ = ctx.new_account(office, "atk6a")
    write = ctx.browser(name1).token(f"atk-{RUN}-w", scope="write")
    read = ctx.browser(name1).token(f"atk-{RUN}-r", scope="read")
    r_get, w_get = reads(read), reads(write)
    r_post = api(ctx.base, "POST", "/petitions", read, json_body={"channel": "letter",
                                                                   "content": "x"})
    w_post = api(ctx.base, "POST", "/petitions", write, json_body={})
    results.append(f"read-only token: GET {r_get}, POST {r_post.status_code} "
                   f"{body_of(r_post).get('error')}; write token: GET {w_get}, POST (empty body) "
                   f"{w_post.status_code}")
    if r_get != 200 or r_post.status_code != 403:
        broken.append("read-only token not limited to GET")
    office.post(f"/accounts/users/{pk1}/reset-password/", data={})
    after = (reads(write), reads(read))
    results.append(f"after admin password reset: {after}")
    if after != (401, 401):
        broken.append(f"tokens live after password reset: {after}")
    # the person's own password change (beyond the issue's list)
    name2, pk2, pw2 = ctx.new_account(office, "atk6b")
    own = ctx.browser(name2).token(f"atk-{RUN}-own", scope="write")
    before = reads(own)
    ctx.browser(name2).change_password(pw2, pw2 + "-2")
    after = reads(own)
    results.append(f"own password change: {before}→{after}")
    if after != 401:
        broken.append(f"token after the person's own password change: {after}")
    # role change
    token2 = ctx.browser(name2).token(f"atk-{RUN}-w", scope="write")
    before = reads(token2)
    _user_edit(office, pk2, {"role": "leadership", "is_office_admin": None})
    role = ctx.tree.query("select role from accounts_user where id=?", (pk2,))[0][0]
    after = reads(token2)
    results.append(f"role office→{role}: {before}→{after}")
    if role != "leadership" or after != 401:
        broken.append(f"token after role change: {after} (role {role})")
    # deactivation
    name3, pk3, _ = ctx.new_account(office, "atk6c")
    token3 = ctx.browser(name3).token(f"atk-{RUN}-w", scope="write")
    before = reads(token3)
    _user_edit(office, pk3, {"is_active": None})
    active = ctx.tree.query("select is_active from accounts_user where id=?", (pk3,))[0][0]
    after = reads(token3)
    results.append(f"deactivated (is_active={active}): {before}→{after}")
    if active or after != 401:
        broken.append(f"token after deactivation: {after}")
    evidence = "; ".join(results)
    if broken:
        raise Outcome("BROKEN", " | ".join(broken) + " | " + evidence)
    return evidence


def attack_7(ctx):
    """Deleting the last audit rows from the SQLite file (trigger dropped first) is detected
    by audit_verify after an audit_checkpoint. Done on copies of the database (so the running
    server's trail and later runs stay intact); a second copy also tries the re-chained
    history of the issue (a row rewritten, every later MAC recomputed)."""
    work = Path(tempfile.mkdtemp(prefix="atk7-"))
    steps = []

    def prepare(label):
        copy = work / f"{label}.sqlite3"
        checkpoints = work / f"{label}-checkpoints"
        checkpoints.mkdir()
        source = sqlite3.connect(f"file:{ctx.tree.db}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        return copy, ctx.tree.env(DATABASE_URL=f"sqlite:///{copy}",
                                  XUNCHA_AUDIT_CHECKPOINT_DIR=checkpoints)

    def run(env, *args):
        result = ctx.tree.manage(*args, env=env)
        out = (result.stdout + result.stderr).strip().splitlines()
        said = next((line for line in out if "Audit" in line or "audit checkpoint" in line),
                    out[-1] if out else "")
        steps.append((args[0], result.returncode, said))
        return result.returncode, said

    def sql(copy, statement):
        if shutil.which("sqlite3"):
            result = subprocess.run(["sqlite3", str(copy), statement], capture_output=True,
                                    text=True, timeout=60)
            return result.returncode, (result.stdout + result.stderr).strip()
        conn = sqlite3.connect(copy)
        try:
            conn.executescript(statement)
            conn.commit()
            return 0, ""
        except sqlite3.Error as exc:
            return 1, str(exc)
        finally:
            conn.close()

    try:
        copy, env = prepare("truncate")
        rows_before = sqlite3.connect(copy).execute("select count(*), max(seq) from "
                                                    "audit_event").fetchone()
        rc0, out0 = run(env, "audit_verify")
        rc1, out1 = run(env, "audit_checkpoint")
        rcb, outb = sql(copy, "DELETE FROM audit_event WHERE seq > (SELECT MAX(seq) - 3 "
                              "FROM audit_event);")
        rcd, outd = sql(copy, "DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event "
                              "WHERE seq > (SELECT MAX(seq) - 3 FROM audit_event);")
        rows_after = sqlite3.connect(copy).execute("select count(*), max(seq) from "
                                                   "audit_event").fetchone()
        rc2, out2 = run(env, "audit_verify")
        evidence = (f"copy of {rows_before[0]} rows (seq ≤ {rows_before[1]}); audit_verify "
                    f"before: rc={rc0} «{short(out0, 60)}»; audit_checkpoint: "
                    f"«{short(out1, 70)}»; sqlite3 DELETE with the trigger: rc={rcb} "
                    f"«{short(outb, 50)}»; DROP TRIGGER + DELETE last 3 (→ {rows_after[0]} rows): "
                    f"audit_verify rc={rc2} «{short(out2, 170)}»")
        copy2, env2 = prepare("rechain")
        run(env2, "audit_checkpoint")
        rewritten = _rechain(copy2, ctx)
        if rewritten:
            rc3, out3 = run(env2, "audit_verify")
            evidence += (f"; re-chain on a second copy (row {rewritten} rewritten, every later "
                         f"row re-MAC'd with the public dev key of XUNCHA_DEBUG=1) → rc={rc3} "
                         f"«{short(out3, 150)}»")
        else:
            rc3 = 1
            evidence += "; re-chain variant not run"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if rc0 != 0:
        raise Outcome("ERROR", "the chain was already broken before the attack: " + evidence)
    if rc2 == 0 or rc3 == 0 or rcb == 0:
        raise Outcome("BROKEN", evidence)
    return evidence


def _rechain(copy, ctx):
    """Rewrite the actor name of a row before the checkpoint and re-compute the MAC chain
    from there with the public development key (only valid under XUNCHA_DEBUG=1)."""
    sys.path.insert(0, str(ctx.tree.path))
    try:
        dev_key = hashlib.sha256(b"xuncha-development-audit-key: never use in production").digest()
        conn = sqlite3.connect(copy)
        conn.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cols = ("seq", "created_at", "actor_id", "actor_name", "action", "object_type",
                "object_id", "object_repr", "committee_id", "changes", "params", "ip",
                "prev_hash", "key_id", "hash")
        rows = conn.execute(f"select {', '.join(cols)} from audit_event order by seq").fetchall()
        keyed = [r for r in rows if r[13] == "dev"]
        if len(keyed) < 10:
            return None
        victim = keyed[len(keyed) // 2][0]
        prev = None
        for row in rows:
            row = dict(zip(cols, row, strict=True))
            if row["seq"] < victim:
                prev = row["hash"]
                continue
            if row["seq"] == victim:
                row["actor_name"] = "nobody"
            row["prev_hash"] = prev
            created = datetime.datetime.fromisoformat(row["created_at"])
            if created.tzinfo is None:
                created = created.replace(tzinfo=datetime.UTC)
            payload = {k: row[k] for k in cols if k not in ("hash", "key_id")}
            payload["created_at"] = created.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ")
            payload["changes"] = json.loads(row["changes"]) if row["changes"] else row["changes"]
            payload["params"] = json.loads(row["params"]) if row["params"] else row["params"]
            if row["key_id"]:
                payload["key_id"] = row["key_id"]
            body = json.dumps(payload, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode()
            import hmac
            mac = hmac.digest(dev_key, body, "sha256").hex()
            conn.execute("update audit_event set actor_name=?, prev_hash=?, hash=? where seq=?",
                         (row["actor_name"], row["prev_hash"], mac, row["seq"]))
            prev = mac
        conn.commit()
        conn.close()
        return victim
    except Exception as exc:  # noqa: BLE001
        log("rechain failed", exc)
        return None


def attack_8(ctx):
    """A spoofed leftmost X-Forwarded-For does not escape the per-client limit (second server
    with XUNCHA_TRUSTED_PROXIES=1)."""
    if not ctx.proxy_base:
        raise Outcome("ERROR", "no proxy-trusting server (see --proxy-port)")
    real = fresh_address()
    statuses = []
    for i in range(31):  # the limit is 30 look-ups an hour per client
        spoof = f"{random.randint(1, 223)}.{random.randint(0, 255)}.{i}.{random.randint(1, 254)}"
        response = api(ctx.proxy_base, "POST", "/public/reports/status",
                       json_body={"receipt": "0000000000000000"},
                       headers={"X-Forwarded-For": f"{spoof}, {real}"})
        statuses.append(response.status_code)
    other = api(ctx.proxy_base, "POST", "/public/reports/status",
                json_body={"receipt": "0000000000000000"},
                headers={"X-Forwarded-For": f"10.9.8.7, {fresh_address()}"})
    counted = {s: statuses.count(s) for s in sorted(set(statuses))}
    # Without trusted proxies (the main server) the header is ignored: 127.0.0.1 is counted.
    _mine, before = my_receipt_counter(ctx)
    for _i in range(2):
        api(ctx.base, "POST", "/public/reports/status", json_body={"receipt": "0" * 16},
            headers={"X-Forwarded-For": f"203.0.113.{random.randint(1, 254)}"})
    _mine, after = my_receipt_counter(ctx)
    # Which address the audit trail records behind the proxy (information only).
    token = ctx.api_token("dh_team")
    pk = body_of(api(ctx.base, "GET", "/petitions?limit=1", token))["items"][0]["id"]
    last = ctx.tree.query("select max(seq) from audit_event")[0][0]
    staff = Browser(ctx.proxy_base, "dh_team via proxy")
    client = fresh_address()
    staff.headers = {"X-Forwarded-For": f"6.6.6.6, {client}"}
    staff.login("dh_team", ctx.password("dh_team"))
    staff.get(f"/petitions/{pk}/")
    seqs = ctx.tree.query("select action, ip from audit_event where seq > ? and action in "
                          "('login', 'petition.open') order by seq", (last,))
    evidence = (f"31 receipt look-ups, each with a new spoofed leftmost entry and the proxy's "
                f"entry {real}: {counted} (the 31st: {statuses[-1]}); another real client → "
                f"{other.status_code}; on the main server (no trusted proxy) 2 look-ups with a "
                f"random X-Forwarded-For counted on 127.0.0.1: {before}→{after}; audit IPs of a "
                f"sign-in and a page opened behind the proxy by client {client}: {seqs}")
    if statuses[-1] != 429 or 429 in statuses[:30] or other.status_code == 429 or \
            (before and after != before + 2):
        raise Outcome("BROKEN", evidence)
    return evidence


def _form_post(browser, path, changes, *, field):
    page = browser.get(path)
    form = form_with(page.text, field=field)
    data = as_dict(form) | changes
    return browser.post(form["action"] or path, data=data, allow_redirects=False), data


def attack_9(ctx):
    """Control characters refused where they enter, exports still download, far dates give no
    500, a 4,001-character plan review comment is a form error."""
    office = ctx.browser("dh_office")
    token = ctx.api_token("dh_office")
    broken, evidence = [], []
    inspection, _code = ctx.intake_target()
    # control characters in a new unit's name and in the inspection's scope
    unit_codes = []
    for char in ("\x0b", "\x0c", "\x1b"):
        code = f"ATK9{RUN}{ord(char):02x}".upper()
        response, _data = _form_post(office, "/org/units/new/", {
            "code": code, "name": f"攻击测试单位{char}{RUN}", "locality": "东湖"}, field="code")
        stored = ctx.tree.query("select count(*) from organizations_unit where code=?", (code,))[0][0]
        api_response = api(ctx.base, "POST", "/units", token, json_body={
            "code": code + "A", "name": f"攻击测试{char}", "kind": "department"})
        scope, _d = _form_post(office, f"/inspections/{inspection}/edit/", {
            "scope_text": f"受理范围{char}测试"}, field="scope_text")
        scope_stored = ctx.tree.query("select count(*) from inspections_inspection where "
                                      "scope_text like ?", (f"%{char}%",))[0][0]
        unit_codes.append((repr(char), response.status_code, stored, api_response.status_code,
                           scope.status_code, scope_stored))
        if response.status_code != 400 or stored or scope.status_code != 400 or scope_stored \
                or api_response.status_code != 400:
            broken.append(f"{char!r}: unit form {response.status_code} stored={stored}, API "
                          f"{api_response.status_code}, scope {scope.status_code} "
                          f"stored={scope_stored}")
    evidence.append("unit form/API/scope with " + ", ".join(
        f"{c}→{u}/{a}/{s}" for c, u, _st, a, s, _ss in unit_codes))
    # the same characters in a multipart form (staff intake with a file) and a query string
    team = ctx.browser("dh_team")
    page = team.get("/petitions/new/")
    tag = f"ATK9m-{RUN}"
    data = as_dict(form_with(page.text, field="channel")) | {
        "channel": "letter", "inspection": str(inspection),
        "content": f"{tag} 反映某科长\x1b在食堂招标中收受红包。"}
    multipart = team.post("/petitions/new/", data=data, files=[
        ("attachments", ("note.txt", "普通文本".encode(), "text/plain"))], allow_redirects=False)
    stored = ctx.tree.query("select count(*) from petitions_petition where content like ?",
                            (f"%{tag}%",))[0][0]
    query = office.get("/petitions/?q=%0b%1b")
    evidence.append(f"multipart intake with \\x1b → {multipart.status_code} stored={stored}; "
                    f"?q=%0b%1b → {query.status_code}")
    if multipart.status_code != 400 or stored or query.status_code != 400:
        broken.append(f"multipart {multipart.status_code} stored={stored}, query "
                      f"{query.status_code}")
    xlsx = office.get("/org/export/units.xlsx")
    notice = office.get(f"/inspections/{inspection}/notice.docx")
    evidence.append(f"units.xlsx {xlsx.status_code} ({len(xlsx.content)} B), notice.docx "
                    f"{notice.status_code} ({len(notice.content)} B)")
    if xlsx.status_code != 200 or not xlsx.content.startswith(b"PK") or \
            notice.status_code != 200 or not notice.content.startswith(b"PK"):
        broken.append(f"exports: units.xlsx {xlsx.status_code}, notice.docx {notice.status_code}")
    # a date of 9999-12-31
    far = "9999-12-31"
    dates = {
        "/stats/": office.get(f"/stats/?date_from={far}&date_to={far}").status_code,
        "/petitions/": office.get(f"/petitions/?date_from={far}&date_to={far}").status_code,
        "API /petitions": api(ctx.base, "GET", f"/petitions?date_from={far}&date_to={far}",
                              token).status_code,
        # beyond the issue's three: the exports and other date filters
        "/stats/export.xlsx": office.get(f"/stats/export.xlsx?date_to={far}").status_code,
        "/stats/report.docx": office.get(f"/stats/report.docx?date_to={far}").status_code,
        "/stats/measures/": office.get(f"/stats/measures/?date_from={far}").status_code,
        "/audit/": office.get(f"/audit/?date_from={far}&date_to={far}").status_code,
        "/rectification/measures/": office.get(
            f"/rectification/measures/?date_from={far}").status_code,
    }
    evidence.append("9999-12-31 → " + ", ".join(f"{k} {v}" for k, v in dates.items()))
    if 500 in dates.values():
        broken.append(f"far date: {dates}")
    # 4,001 characters in a plan review comment (and a return note)
    plans = ctx.tree.query("select p.inspection_id from rectification_plan p join "
                           "inspections_inspection i on i.id = p.inspection_id where "
                           "i.committee_id = (select committee_id from accounts_user where "
                           "username='dh_office') order by p.id")
    if plans:
        pk = plans[0][0]
        long = "长" * 4001
        review = office.post(f"/rectification/inspection/{pk}/do/plan-review/",
                             data={"complete": "on", "feasible": "on", "comment": long})
        ret = office.post(f"/rectification/inspection/{pk}/do/plan-return/", data={"note": long})
        msg = short(" ".join(m for m in messages_of(review.text) if m), 80)
        evidence.append(f"plan review comment of 4,001 chars → {review.status_code} «{msg}»; "
                        f"return note → {ret.status_code}")
        if review.status_code >= 500 or ret.status_code >= 500 or review.status_code != 400:
            broken.append(f"long plan comment: review {review.status_code}, return "
                          f"{ret.status_code}")
    else:
        evidence.append("no rectification plan in dh_office's committee to review")
    if broken:
        raise Outcome("BROKEN", " | ".join(broken + evidence))
    return "; ".join(evidence)


def attack_9x(ctx):
    """Beyond the issue's list: XML-illegal non-control characters (U+FFFE, U+FFFF) pass the
    control-character check; does a stored one break the exports?"""
    office = ctx.browser("dh_office")
    inspection, _code = ctx.intake_target()
    broken, evidence = [], []
    code = f"ATK9X{RUN}".upper()
    response, _data = _form_post(office, "/org/units/new/", {
        "code": code, "name": f"攻击测试单位\uffff{RUN}", "locality": "东湖"}, field="code")
    row = ctx.tree.query("select id, name from organizations_unit where code=?", (code,))
    evidence.append(f"unit name with U+FFFF → {response.status_code}, stored={bool(row)}")
    if row:
        xlsx = office.get("/org/export/units.xlsx")
        evidence.append(f"units.xlsx → {xlsx.status_code}")
        if xlsx.status_code != 200:
            broken.append(f"a unit named '…\\uffff…' (POST /org/units/new/ → "
                          f"{response.status_code}) makes GET /org/export/units.xlsx answer "
                          f"{xlsx.status_code}")
        # restore: rename the unit without the character
        _form_post(office, f"/org/units/{row[0][0]}/edit/", {"name": f"攻击测试单位{RUN}"},
                   field="code")
        evidence.append(f"(unit {row[0][0]} renamed back; units.xlsx now "
                        f"{office.get('/org/export/units.xlsx').status_code})")
    original = ctx.tree.query("select scope_text from inspections_inspection where id=?",
                              (inspection,))[0][0]
    response, _d = _form_post(office, f"/inspections/{inspection}/edit/", {
        "scope_text": original + "\ufffe"}, field="scope_text")
    stored = ctx.tree.query("select count(*) from inspections_inspection where id=? and "
                            "scope_text like ?", (inspection, "%\ufffe%"))[0][0]
    evidence.append(f"scope with U+FFFE → {response.status_code}, stored={bool(stored)}")
    if stored:
        notice = office.get(f"/inspections/{inspection}/notice.docx")
        public = requests.get(ctx.base + f"/p/r/{_code}/", timeout=TIMEOUT)
        evidence.append(f"notice.docx → {notice.status_code}")
        if notice.status_code != 200:
            broken.append(f"scope_text with '\\ufffe' (POST /inspections/{inspection}/edit/ → "
                          f"{response.status_code}) makes GET /inspections/{inspection}/"
                          f"notice.docx answer {notice.status_code}")
        _form_post(office, f"/inspections/{inspection}/edit/", {"scope_text": original},
                   field="scope_text")
        evidence.append(f"(scope restored; notice.docx now "
                        f"{office.get(f'/inspections/{inspection}/notice.docx').status_code}; "
                        f"public page was {public.status_code})")
    if broken:
        raise Outcome("BROKEN", " | ".join(broken + evidence))
    return "; ".join(evidence)


def attack_10(ctx):
    """GET /api/v1/petitions/{id} lists no possible_duplicates the caller cannot open."""
    office_token = ctx.api_token("dh_office")
    team_token = ctx.api_token("dh_team")
    inspection, _code = ctx.intake_target()
    text = (f"ATK10 {RUN} 反映东湖区某街道办事处副主任在旧城改造项目招投标中收受施工方现金二十万元，"
            "并安排其亲属承接绿化工程，群众反映强烈，请巡察组核实处理。")
    # A: the office's own queue (no inspection), which the team cannot open.
    a = api(ctx.base, "POST", "/petitions", office_token, json_body={
        "channel": "letter", "content": text})
    if a.status_code != 201:
        raise Outcome("ERROR", f"office intake: {a.status_code} {short(body_of(a))}")
    a_id = body_of(a)["id"]
    b = api(ctx.base, "POST", "/petitions", team_token, json_body={
        "channel": "phone", "content": text + "（电话）", "inspection": inspection})
    if b.status_code != 201:
        raise Outcome("ERROR", f"team intake: {b.status_code} {short(body_of(b))}")
    b_id = body_of(b)["id"]
    created_dups = [d["id"] for d in body_of(b).get("possible_duplicates", [])]
    team_view = body_of(api(ctx.base, "GET", f"/petitions/{b_id}", team_token))
    office_view = body_of(api(ctx.base, "GET", f"/petitions/{b_id}", office_token))
    team_dups = [d["id"] for d in team_view.get("possible_duplicates", [])]
    office_dups = [d["id"] for d in office_view.get("possible_duplicates", [])]
    a_for_team = api(ctx.base, "GET", f"/petitions/{a_id}", team_token).status_code
    hidden = [i for i in set(team_dups + created_dups)
              if api(ctx.base, "GET", f"/petitions/{i}", team_token).status_code != 200]
    page = ctx.browser("dh_team").get(f"/petitions/{b_id}/").text
    evidence = (f"A=#{a_id} (office queue; dh_team GET → {a_for_team}), B=#{b_id} (dh_team's "
                f"inspection): dh_office sees B's possible_duplicates {office_dups}; dh_team sees "
                f"{team_dups} (201 answer of its intake: {created_dups}); page links A: "
                f"{f'/petitions/{a_id}/' in page}")
    if hidden or f"/petitions/{a_id}/" in page:
        raise Outcome("BROKEN", f"dh_team is shown ids it cannot open: {hidden} | " + evidence)
    if a_id not in office_dups:
        evidence += " (the office does not see A as a duplicate either: the attack's premise "
        evidence += "did not arise)"
    return evidence


def attack_11(ctx):
    """text/plain JSON and a foreign Origin to the public report API are refused and nothing
    is stored."""
    _inspection, code = ctx.intake_target()
    results, broken = [], []
    cases = [
        ("text/plain + foreign Origin", {"Content-Type": "text/plain",
                                         "Origin": "https://evil.example"}),
        ("text/plain, no Origin", {"Content-Type": "text/plain"}),
        ("form-urlencoded + foreign Origin", {"Content-Type": "application/x-www-form-urlencoded",
                                              "Origin": "https://evil.example"}),
        ("application/json + foreign Origin", {"Content-Type": "application/json",
                                               "Origin": "https://evil.example"}),
        ("application/json + Sec-Fetch-Site cross-site", {"Content-Type": "application/json",
                                                          "Sec-Fetch-Site": "cross-site"}),
        ("application/json + Origin null", {"Content-Type": "application/json",
                                            "Origin": "null"}),
    ]
    for number, (label, headers) in enumerate(cases):
        tag = f"ATK11-{RUN}-{number}"
        body = json.dumps({"target": code, "anonymous": True,
                           "content": f"{tag} 反映某科长在食堂招标中收受红包，多次发生，请核查。"},
                          ensure_ascii=False).encode()
        response = requests.post(ctx.base + "/api/v1/public/reports", data=body, headers=headers,
                                 timeout=TIMEOUT)
        stored = ctx.tree.query("select count(*) from petitions_petition where content like ?",
                                (f"%{tag}%",))[0][0]
        results.append(f"{label} → {response.status_code} {body_of(response).get('error')}"
                       f" stored={stored}")
        if response.status_code in (200, 201) or stored:
            broken.append(f"{label}: {response.status_code}, stored={stored}")
    for path in ("/api/v1/public/reports/status", "/api/v1/public/reports/add"):
        response = requests.post(ctx.base + path, data=json.dumps(
            {"receipt": "0000000000000000", "text": "x"}), timeout=TIMEOUT,
            headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
        results.append(f"{path} text/plain+Origin → {response.status_code}")
        if response.status_code in (200, 404):
            broken.append(f"{path} answered {response.status_code} to a foreign text/plain post")
    # The web form from another site (no CSRF token) is refused too.
    response = requests.post(ctx.base + f"/p/r/{code}/", data={"content": "x" * 20,
                                                               "anonymous": "on"},
                             headers={"Origin": "https://evil.example"}, timeout=TIMEOUT)
    results.append(f"web form cross-site → {response.status_code}")
    if response.status_code != 403:
        broken.append(f"cross-site web form → {response.status_code}")
    evidence = "; ".join(results)
    if broken:
        raise Outcome("BROKEN", " | ".join(broken) + " | " + evidence)
    return evidence


def attack_masks(ctx):
    """Masks show at most the surname and the last two digits (page, API detail, list)."""
    office_token = ctx.api_token("dh_office")
    identity = {"name": "欧阳晓明", "phone": "13987654321", "id_number": "11010119900307451X",
                "address": "东湖区梧桐路88号3栋"}
    pk, identity = _petition_with_identity(ctx, office_token, f"ATKM-{RUN}", identity)
    detail = body_of(api(ctx.base, "GET", f"/petitions/{pk}", office_token))
    listed = next((p for p in body_of(api(ctx.base, "GET", "/petitions?limit=20",
                                          office_token)).get("items", []) if p["id"] == pk), {})
    page = ctx.browser("dh_office").get(f"/petitions/{pk}/").text
    masks = {k: detail.get(k) for k in ("reporter_name_masked", "reporter_phone_masked",
                                        "reporter_id_number_masked", "reporter_address_masked")}
    broken = []

    def visible(mask):
        return [c for c in (mask or "") if c != "*"]

    if visible(masks["reporter_name_masked"]) not in ([], ["欧"]):
        broken.append(f"name mask {masks['reporter_name_masked']}")
    for field, value in (("reporter_phone_masked", identity["phone"]),
                         ("reporter_id_number_masked", identity["id_number"])):
        shown = visible(masks[field])
        if len(shown) > 2 or (shown and "".join(shown) != value[-len(shown):]):
            broken.append(f"{field} {masks[field]}")
    if visible(masks["reporter_address_masked"]):
        broken.append(f"address mask {masks['reporter_address_masked']}")
    for leak in (identity["phone"][:5], identity["phone"][3:9], identity["id_number"][:6],
                 identity["id_number"][-6:], "晓明", "梧桐路", "88号"):
        if leak in page or leak in json.dumps(detail, ensure_ascii=False) or \
                leak in json.dumps(listed, ensure_ascii=False):
            broken.append(f"{leak!r} appears on the page or in the API")
    evidence = (f"petition {pk} with {identity}: API masks {masks}; list "
                f"{listed.get('reporter_name_masked')}/{listed.get('reporter_phone_masked')}")
    if broken:
        raise Outcome("BROKEN", " | ".join(broken) + " | " + evidence)
    return evidence


def attack_openings(ctx):
    """Opening a petition's page or its API detail is an audit event (list rows are not)."""
    team_token = ctx.api_token("dh_team")
    team = ctx.browser("dh_team")
    inspection, _code = ctx.intake_target()
    created = api(ctx.base, "POST", "/petitions", team_token, json_body={
        "channel": "visit", "content": f"ATKO-{RUN} 反映某科长上班时间长期脱岗，群众办事推诿。",
        "inspection": inspection})
    pk = body_of(created)["id"]
    before = len(audit_rows(ctx, "petition.open", str(pk)))
    api(ctx.base, "GET", "/petitions?limit=50", team_token)
    team.get("/petitions/")
    after_list = len(audit_rows(ctx, "petition.open", str(pk)))
    team.get(f"/petitions/{pk}/")
    after_page = len(audit_rows(ctx, "petition.open", str(pk)))
    api(ctx.base, "GET", f"/petitions/{pk}", team_token)
    rows = audit_rows(ctx, "petition.open", str(pk))
    evidence = (f"petition {pk}: petition.open events {before} → lists {after_list} → page "
                f"{after_page} → API detail {len(rows)}, by {sorted({r[1] for r in rows})}")
    if after_page != after_list + 1 or len(rows) != after_page + 1:
        raise Outcome("BROKEN", evidence)
    return evidence


ATTACKS = [
    ("1", "attachments: no metadata, refusals, neutral names, audited downloads", attack_1),
    ("2", "two-person reveal: powers only from above, no self-approval", attack_2),
    ("3", "staged petitions CSV: encrypted on disk, gone after cancel", attack_3),
    ("4", "rate-limit windows on the database cache (receipt look-ups)", attack_4),
    ("5", "sign-in: one answer, no lock-out of the owner's browser", attack_5),
    ("6", "tokens end on reset/role change/deactivation; read-only token", attack_6),
    ("7", "audit chain: truncated tail detected after a checkpoint", attack_7),
    ("8", "spoofed leftmost X-Forwarded-For does not escape limits", attack_8),
    ("9", "control characters, far dates, 4,001-char comment: no 500", attack_9),
    ("9x", "XML-illegal U+FFFE/U+FFFF in stored text vs the exports", attack_9x),
    ("10", "API detail lists no out-of-scope possible_duplicates", attack_10),
    ("11", "public report API: JSON only, foreign Origin refused", attack_11),
    ("M", "masks: at most the surname and the last two digits", attack_masks),
    ("O", "opening a petition (page, API detail) is an audit event", attack_openings),
]


# --- the second server (attack 8) ---------------------------------------------------------


def start_proxy_server(tree, port):
    base = f"http://127.0.0.1:{port}"
    try:
        requests.get(base + "/healthz", timeout=2)
        return base, None  # someone runs it already
    except requests.RequestException:
        pass
    logfile = open(Path(tempfile.gettempdir()) / f"attack-server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(tree.python), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=tree.path, env=tree.env(XUNCHA_TRUSTED_PROXIES="1"), stdout=logfile,
        stderr=subprocess.STDOUT)
    for _i in range(60):
        try:
            requests.get(base + "/healthz", timeout=2)
            return base, process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    return None, None


def main():
    global VERBOSE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--tree", default="/tmp/attack-tree2")
    parser.add_argument("--proxy-port", type=int, default=8766,
                        help="port of the second server with XUNCHA_TRUSTED_PROXIES=1 (started "
                             "here from --tree unless it already answers); 0: none")
    parser.add_argument("--only", default="", help="comma-separated attack ids (1,2,…,9x,M,O)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    VERBOSE = args.verbose
    host = urllib.parse.urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing {args.base}: loopback only")
    tree = Tree(args.tree)
    proxy_base, proxy_process = (start_proxy_server(tree, args.proxy_port)
                                 if args.proxy_port else (None, None))
    ctx = Context(args.base, tree, proxy_base)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    print(f"# run {RUN} against {args.base} (tree {tree.path}; proxy server "
          f"{proxy_base or 'none'})")
    tally = {}
    try:
        for ident, title, attack in ATTACKS:
            if only and ident not in only:
                continue
            started = time.time()
            try:
                verdict, evidence = "HELD", attack(ctx)
            except Outcome as outcome:
                verdict, evidence = outcome.verdict, outcome.evidence
            except Exception as exc:  # noqa: BLE001
                verdict, evidence = "ERROR", f"{type(exc).__name__}: {exc}"
                if VERBOSE:
                    traceback.print_exc()
            tally[verdict] = tally.get(verdict, 0) + 1
            print(f"{verdict:<7} {ident:<3} {title} [{time.time() - started:.0f} s] — {evidence}",
                  flush=True)
    finally:
        ctx.cleanup()
        if proxy_process is not None:
            proxy_process.terminate()
            try:
                proxy_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy_process.kill()
    print("# " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items())))
    return 1 if tally.get("BROKEN") or tally.get("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main())
