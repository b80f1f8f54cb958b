"""Only the inspection's team and the committee's office see a petition at all: everyone
else gets the 404 of a missing one, on pages and over the API."""

from django.urls import reverse

from xuncha.accounts.services import token_create
from xuncha.petitions import selectors

from .base import PetitionBase


class ScopeTests(PetitionBase):
    def test_only_the_team_and_the_office_see_a_petition(self):
        petition = self.intake()
        urls = [reverse("petitions:detail", args=[petition.pk])]
        expected = {"office": 200, "office2": 200, "custodian": 200, "team": 200,
                    "team_b": 404, "other_team": 404, "other_office": 404, "city_office": 404,
                    "liaison": 404, "other_liaison": 404, "receiver": 404, "receiver_org": 404,
                    "leader": 404, "oversight": 404, "platform": 404}
        for persona, status in expected.items():
            self.login(getattr(self, persona))
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, status, persona)
            action = self.client.post(reverse("petitions:file_action", args=[petition.pk]),
                                      {"note": "x", "version": 1})
            if status == 404:
                self.assertEqual(action.status_code, 404, persona)
        self.assertEqual(selectors.petitions_visible_to(user=self.liaison).count(), 0)

    def test_pages_of_the_handlers_are_closed_to_others(self):
        for persona in ("liaison", "receiver", "leader", "oversight"):
            self.login(getattr(self, persona))
            for name in ("petitions:list", "petitions:intake", "petitions:import",
                         "petitions:reveal_list"):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403,
                                 (persona, name))

    def test_the_team_sees_its_own_queue_only(self):
        mine = self.intake()
        office_queue = self.intake(unit=self.unit_fin)
        other = self.intake(inspection=self.second_inspection(self.township))
        self.assertEqual(list(selectors.petitions_visible_to(user=self.team)), [mine])
        self.assertEqual(list(selectors.petitions_visible_to(user=self.team_b)), [other])
        self.assertEqual(set(selectors.petitions_visible_to(user=self.office)),
                         {mine, office_queue, other})
        self.assertEqual(selectors.petitions_visible_to(user=self.other_office).count(), 0)
        self.login(self.team)
        listing = self.client.get(reverse("petitions:list"))
        self.assertEqual(list(listing.context["page"]), [mine])

    def test_the_api_is_scoped_the_same_way(self):
        petition = self.intake()
        _token, liaison_key = token_create(user=self.liaison, name="t")
        _token, team_key = token_create(user=self.team, name="t")
        liaison = {"HTTP_AUTHORIZATION": f"Bearer {liaison_key}"}
        team = {"HTTP_AUTHORIZATION": f"Bearer {team_key}"}
        self.assertEqual(self.client.get("/api/v1/petitions", **liaison).json()["items"], [])
        self.assertEqual(self.client.get(f"/api/v1/petitions/{petition.pk}", **liaison)
                         .status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/petitions/{petition.pk}", **team)
                         .json()["id"], petition.pk)
        self.assertEqual(self.client.get("/api/v1/petitions").status_code, 401)
