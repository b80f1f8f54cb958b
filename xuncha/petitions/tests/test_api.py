"""The staff API: keyset list with filters, detail with masks, intake and triage through the
same services as the pages."""

from xuncha.accounts.services import token_create
from xuncha.petitions.models import Petition

from .base import LAND, TEXT, PetitionBase


class StaffApiTests(PetitionBase):
    def headers(self, user):
        _token, key = token_create(user=user, name="api")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def test_intake_list_detail_triage(self):
        office = self.headers(self.office)
        created = self.api("/api/v1/petitions", {
            "channel": "phone", "content": TEXT, "unit": self.unit_edu.pk,
            "received_at": "2026-03-20T09:00:00+08:00",
            "subjects": [{"name": "张某", "position": "科长"}],
            "reporter": {"name": "王小明", "phone": "13812345678"}}, **office)
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual((body["route"], body["inspection_id"], body["reporter_phone_masked"],
                          body["subjects"][0]["name"], body["suggestion"]["category"]),
                         ("inspection", self.inspection.pk, "*********78", "张某", "integrity"))
        self.assertNotIn("13812345678", created.content.decode())
        second = self.api("/api/v1/petitions", {"channel": "letter", "content": LAND,
                                                "inspection": self.inspection.pk}, **office)
        team = self.headers(self.team)
        listing = self.client.get("/api/v1/petitions", {"limit": 1}, **team).json()
        self.assertEqual([p["id"] for p in listing["items"]], [second.json()["id"]])
        rest = self.client.get("/api/v1/petitions", {"limit": 1, "after": listing["next"]},
                               **team).json()
        self.assertEqual(([p["id"] for p in rest["items"]], rest["next"]), ([body["id"]], None))
        self.assertEqual(len(self.client.get("/api/v1/petitions", {"q": "拆迁"}, **team)
                             .json()["items"]), 1)
        accepted = self.api(f"/api/v1/petitions/{body['id']}/triage",
                            {"action": "accept", "category": "integrity", "version": 1}, **team)
        self.assertEqual(accepted.json()["status"], "accepted")
        stale = self.api(f"/api/v1/petitions/{second.json()['id']}/triage",
                         {"action": "file", "note": "x", "version": 9}, **team)
        self.assertEqual((stale.status_code, stale.json()["error"]), (409, "conflict"))
        transferred = self.api(f"/api/v1/petitions/{second.json()['id']}/triage",
                               {"action": "transfer", "category": "land", "department": "街道"},
                               **team).json()
        self.assertEqual((transferred["status"], transferred["transfer"]["due_on"]),
                         ("transferred", "2026-05-07"))
        refused = self.api("/api/v1/petitions", {"channel": "phone", "content": TEXT,
                                                 "unit": self.unit_edu.pk}, **team)
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(Petition.objects.count(), 2)
