"""Shared set-up for the petitions tests: a stationed inspection of the education bureau
(stationed 2026-03-09, intake until 2026-04-18), a clock frozen on 2026-03-20 10:00 that a
test can move, a clean cache (rate limits) and a throw-away MEDIA_ROOT."""

import datetime
import io
import json
import shutil
import tempfile
from unittest import mock

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.testing import WorldTestCase
from xuncha.petitions import intake

D = datetime.date
TEXT = ("反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，"
        "并为其亲属经营的配送公司提供便利。")
NEAR = ("反映东湖区教育局某科长在学校食堂承包招标中收受供应商的红包礼金，"
        "为其亲属经营的配送公司提供方便。")
OTHER = "反映街道个别干部工作日中午饮酒、上班时间打牌赌博，作风散漫，群众办事推诿扯皮。"
LAND = "我家房屋征收补偿款至今没有到位，拆迁安置问题长期得不到解决，请求协调。"
PERSONAL = "本人工资被拖欠三个月，社保也没有缴纳，希望巡察组帮助解决个人待遇问题。"


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


NOW = at(D(2026, 3, 20))


def real_pdf() -> bytes:
    """A PDF written by LibreOffice (see ``xuncha/lib/tests/fixtures``)."""
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "lib/tests/fixtures/report.pdf").read_bytes()


def jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model-X"
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (115.0, 52.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


class PetitionBase(WorldTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()
        media = tempfile.mkdtemp(prefix="xuncha-petitions-")
        self.addCleanup(shutil.rmtree, media, True)
        media_override = override_settings(MEDIA_ROOT=media)
        media_override.enable()
        self.addCleanup(media_override.disable)
        self.media_root = media
        patcher = mock.patch("django.utils.timezone.now", return_value=NOW)
        self.clock = patcher.start()
        self.addCleanup(patcher.stop)
        self.inspection = stationed_inspection(self)

    def second_inspection(self, unit):
        """Another team (team_b's: insp_a5 leads, with insp_a4 and a new inspector) at
        ``unit`` in the same round."""
        from xuncha.inspections.models import TeamPosition
        from xuncha.inspections.testing import staffed_team
        from xuncha.lib.testing import make_inspector

        extra = make_inspector("陈立群", self.unit_jw, self.county)
        team = staffed_team(self, self.inspection.round, members=[
            (self.insp_a5, TeamPosition.LEADER), (self.insp_a4, TeamPosition.MEMBER),
            (extra, TeamPosition.MEMBER)])
        return stationed_inspection(self, unit, team=team)

    def travel(self, moment: datetime.datetime) -> None:
        """Move the frozen clock."""
        self.clock.return_value = moment

    def intake(self, content=TEXT, day=None, actor=None, **kw):
        kw.setdefault("unit", None if "inspection" in kw else self.unit_edu)
        return intake.petition_intake(
            actor=actor or self.office, committee=self.county, channel=kw.pop("channel", "phone"),
            content=content, received_at=kw.pop("received_at", None) or at(day or D(2026, 3, 20)),
            **kw)

    def submit(self, content=TEXT, **kw):
        return intake.petition_submit_public(inspection=kw.pop("inspection", self.inspection),
                                             content=content, **kw)

    def api(self, path: str, payload: dict, **extra):
        return self.client.post(path, data=json.dumps(payload), content_type="application/json",
                                **extra)
