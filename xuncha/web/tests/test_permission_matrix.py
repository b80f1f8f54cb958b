"""The permission matrix, generated from the URL patterns and the API routes.

One object of every kind is built in county A (东湖区): a unit, cadre, inspector and tie,
a round, team, member, inspection and channel, petitions with an attachment and an identity
request, an activity, problem with a file, clue, report and feedback, a plan version,
measure and evidence, an evaluation and an announcement. Then every route that takes an
object (every ``<int:…>`` in the URL patterns, and every API operation with an id) is
requested by every persona — with GET, and with POST where the route changes something —
and:

- personas of another scope (county B's office, team and liaison) never get the object
  (403 or 404, never 200, never a redirect to success, never a 5xx);
- in county A nobody gets a 5xx, the liaison never reads petitions, clues, problems or
  reports, and the owners read their own objects (a positive control, so that a route
  that refuses everyone cannot pass as "secure").

A new route with an object parameter fails the test until it is added to ``OBJECTS``.
"""

import datetime

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from xuncha.accounts import services as accounts
from xuncha.announcements import services as announcements
from xuncha.audit.models import Event
from xuncha.evaluations import sessions as evaluations
from xuncha.findings.activities import activity_record
from xuncha.findings.clues import clue_record
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections.models import Channel, TeamMember
from xuncha.lib.testing import WorldTestCase
from xuncha.organizations.models import InspectorTie, TieKind
from xuncha.petitions import identity
from xuncha.petitions import intake as petitions
from xuncha.rectification import measures as rectification
from xuncha.rectification.models import PlanVersion
from xuncha.rectification.plans import plan_submit
from xuncha.teamwork.models import SelfCheck, SelfFoundProblem
from xuncha.teamwork.reports import conduct_report_record

D = datetime.date
GOOD = {200, 302}
REFUSED = {403, 404, 405}
OTHER_SCOPE = ("other_office", "other_team", "other_liaison")


def walk(patterns, namespace="", prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


@override_settings(XUNCHA_POW_BITS=1)
class PermissionMatrixTests(WorldTestCase):
    def setUp(self):
        import shutil
        import tempfile

        media = tempfile.mkdtemp(prefix="xuncha-matrix-")
        self.addCleanup(shutil.rmtree, media, True)
        media_override = override_settings(MEDIA_ROOT=media)
        media_override.enable()
        self.addCleanup(media_override.disable)
        self.build()

    def build(self):
        t = self
        self.inspection = on_site(t)
        self.round = self.inspection.round
        self.team_obj = self.inspection.team
        self.member = TeamMember.objects.filter(team=self.team_obj).first()
        self.channel = Channel.objects.filter(inspection=self.inspection).first()
        self.tie = InspectorTie.objects.create(inspector=self.insp_a2, kind=TieKind.WORK,
                                               unit=self.unit_fin, starts_on=D(2010, 1, 1),
                                               ends_on=D(2012, 1, 1))
        self.petition = petitions.petition_intake(
            actor=self.office, committee=self.county, channel="letter", unit=self.unit_edu,
            inspection=self.inspection, content="反映教育局某科长收受礼金问题，请核实。",
            reporter=identity.Reporter(name="李四", phone="13912345678"),
            received_at=datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC))
        from xuncha.petitions.models import PetitionAttachment

        self.attachment = PetitionAttachment.objects.create(
            petition=self.petition, file=ContentFile(b"scan", name="scan.pdf"), name="scan.pdf",
            content_type="application/pdf", size=4)
        self.reveal = identity.reveal_request(actor=self.office, petition=self.petition,
                                              reason="核实反映人身份以便回访")
        self.activity = activity_record(actor=self.team, inspection=self.inspection, data={
            "kind": "symposium", "held_on": D(2026, 3, 12), "title": "干部座谈会",
            "participants": 12}, interviewers=[])
        self.problems = [signed_problem(t, self.inspection, f"问题{i}") for i in range(2)]
        self.problem = self.problems[0]
        from xuncha.findings.models import ProblemFile

        self.problem_file = ProblemFile.objects.create(
            problem=self.problem, file=ContentFile(b"evidence", name="e.pdf"), name="e.pdf",
            size=8, uploaded_by=self.team)
        self.clue = clue_record(actor=self.team, inspection=self.inspection,
                                subject=None, subject_name="王五",
                                content="反映王五违规收受礼金", problem=None)
        self.report, self.feedback = fed_back(t, self.inspection, self.problems)
        self.inspection.refresh_from_db()
        plan_submit(actor=self.liaison, inspection=self.inspection, text="方案",
                    file=ContentFile(b"plan", name="plan.pdf"))
        self.plan_version = PlanVersion.objects.filter(plan__inspection=self.inspection).first()
        self.measure = rectification.measure_add(
            actor=self.liaison, inspection=self.inspection, problem=self.problem, data={
                "text": "修订制度", "responsible_leader": "张副局长",
                "responsible_department": "办公室", "deadline": D(2026, 7, 31)})
        self.evidence = rectification.measure_evidence_add(
            actor=self.liaison, measure=self.measure, upload=ContentFile(b"proof", name="p.pdf"))
        self.evaluation = evaluations.evaluation_from_seed_template(
            actor=self.office, meeting_date=D(2026, 12, 20),
            closes_at=datetime.datetime(2026, 12, 21, tzinfo=datetime.UTC))
        self.announcement = announcements.announcement_create(
            actor=self.office, text="东湖区委第三巡察组进驻区教育局开展常规巡察。")
        self.token, _secret = accounts.token_create(user=self.office, name="矩阵测试")
        self.conduct = conduct_report_record(actor=self.office, team=self.team_obj,
                                             source="phone", inspector=self.insp_a2,
                                             content="来电反映巡察组成员接受被巡察单位宴请。")
        check = SelfCheck.objects.create(inspection=self.inspection, summary="巡察前自查情况。",
                                         submitted_by=self.liaison)
        self.self_found = SelfFoundProblem.objects.create(
            self_check=check, inspection=self.inspection, committee=self.county, number=1,
            text="食堂账目未按月公开。")
        self.event = Event.objects.filter(committee_id=self.county.pk).order_by("-seq").first()

    # -- the objects behind each route ---------------------------------------------------------
    def objects(self) -> dict[str, dict]:
        """URL kwargs per route name (every route with an ``<int:…>`` parameter)."""
        i = self.inspection.pk
        return {
            "accounts:token_revoke": {"pk": self.token.pk},
            "accounts:user_edit": {"pk": self.office2.pk},
            "accounts:user_reset_password": {"pk": self.office2.pk},
            "accounts:user_unlock": {"pk": self.office2.pk},
            "accounts:user_reset_2fa": {"pk": self.office2.pk},
            "organizations:committee_detail": {"pk": self.county.pk},
            "organizations:committee_edit": {"pk": self.county.pk},
            "organizations:term_create": {"pk": self.county.pk},
            "organizations:term_edit": {"pk": self.term.pk},
            "organizations:unit_detail": {"pk": self.unit_edu.pk},
            "organizations:unit_edit": {"pk": self.unit_edu.pk},
            "organizations:unit_archive": {"pk": self.unit_edu.pk},
            "organizations:unit_restore": {"pk": self.unit_edu.pk},
            "organizations:unit_delete": {"pk": self.unit_edu.pk},
            "organizations:cadre_detail": {"pk": self.insp_a2.cadre_id},
            "organizations:cadre_edit": {"pk": self.insp_a2.cadre_id},
            "organizations:cadre_archive": {"pk": self.insp_a2.cadre_id},
            "organizations:inspector_detail": {"pk": self.insp_a2.pk},
            "organizations:inspector_edit": {"pk": self.insp_a2.pk},
            "organizations:inspector_archive": {"pk": self.insp_a2.pk},
            "organizations:tie_add": {"pk": self.insp_a2.pk},
            "organizations:tie_delete": {"pk": self.insp_a2.pk, "tie_pk": self.tie.pk},
            "audit:event_detail": {"seq": self.event.seq},
            "inspections:round_detail": {"pk": self.round.pk},
            "inspections:round_edit": {"pk": self.round.pk},
            "inspections:round_submit": {"pk": self.round.pk},
            "inspections:round_approve": {"pk": self.round.pk},
            "inspections:round_return": {"pk": self.round.pk},
            "inspections:team_create": {"pk": self.round.pk},
            "inspections:team_detail": {"pk": self.team_obj.pk},
            "inspections:member_add": {"pk": self.team_obj.pk},
            "inspections:inspection_create": {"team_pk": self.team_obj.pk},
            "inspections:member_update": {"pk": self.member.pk},
            "inspections:member_remove": {"pk": self.member.pk},
            "inspections:inspection_detail": {"pk": i},
            "inspections:inspection_edit": {"pk": i},
            "inspections:notice_docx": {"pk": i},
            "inspections:inspection_station": {"pk": i},
            "inspections:inspection_begin_onsite": {"pk": i},
            "inspections:inspection_begin_reporting": {"pk": i},
            "inspections:channel_add": {"pk": i},
            "inspections:channels_copy": {"pk": i},
            "inspections:channel_remove": {"pk": self.channel.pk},
            "petitions:detail": {"pk": self.petition.pk},
            "petitions:accept_action": {"pk": self.petition.pk},
            "petitions:transfer_action": {"pk": self.petition.pk},
            "petitions:file_action": {"pk": self.petition.pk},
            "petitions:duplicate_action": {"pk": self.petition.pk},
            "petitions:late_action": {"pk": self.petition.pk},
            "petitions:assign_action": {"pk": self.petition.pk},
            "petitions:ask_action": {"pk": self.petition.pk},
            "petitions:answer_action": {"pk": self.petition.pk},
            "petitions:reveal_action": {"pk": self.petition.pk},
            "petitions:attachment": {"pk": self.petition.pk, "file_pk": self.attachment.pk},
            "petitions:reveal_show": {"pk": self.reveal.pk},
            "petitions:reveal_decide_approve": {"pk": self.reveal.pk},
            "petitions:reveal_decide_refuse": {"pk": self.reveal.pk},
            "findings:activity_create": {"pk": i},
            "findings:problem_create": {"pk": i},
            "findings:clue_create": {"pk": i},
            "findings:report_create": {"pk": i},
            "findings:feedback_create": {"pk": i},
            "findings:activity_detail": {"pk": self.activity.pk},
            "findings:activity_record_upload": {"pk": self.activity.pk},
            "findings:activity_record_download": {"pk": self.activity.pk},
            "findings:problem_detail": {"pk": self.problem.pk},
            "findings:problem_edit": {"pk": self.problem.pk},
            **{f"findings:problem_{step}": {"pk": self.problem.pk} for step in (
                "team_approve", "sign", "withdraw", "hand_over", "fixed", "upload")},
            "findings:problem_file": {"pk": self.problem.pk, "file_pk": self.problem_file.pk},
            "findings:clue_detail": {"pk": self.clue.pk},
            "findings:clue_open": {"pk": self.clue.pk},
            **{f"findings:clue_{step}": {"pk": self.clue.pk} for step in (
                "transfer", "handle", "report")},
            "findings:report_detail": {"pk": self.report.pk},
            **{f"findings:report_{step}": {"pk": self.report.pk} for step in (
                "edit", "submit", "accept", "return", "comment", "approve")},
            "findings:report_docx": {"pk": self.report.pk, "number": 1},
            "findings:feedback_detail": {"pk": self.feedback.pk},
            "findings:feedback_docx": {"pk": self.feedback.pk},
            "rectification:overview": {"pk": i},
            **{f"rectification:{step}": {"pk": i} for step in (
                "plan_submit", "plan_review", "plan_approve", "plan_return", "measure_add",
                "report_submit", "report_accept", "report_return", "notice_publish",
                "follow_up", "accountability", "inspection_close")},
            **{f"rectification:wording_{step}": {
                "pk": i, "problem_pk": self.feedback.problems.first().pk}
               for step in ("write", "approve")},
            "rectification:ledger_export": {"pk": i},
            "rectification:ledger_import": {"pk": i},
            "rectification:plan_file": {"pk": self.plan_version.pk},
            "rectification:measure_detail": {"pk": self.measure.pk},
            "rectification:measure_edit": {"pk": self.measure.pk},
            **{f"rectification:measure_{step}": {"pk": self.measure.pk} for step in (
                "progress", "evidence", "done", "close", "return", "publish", "withhold")},
            "rectification:evidence": {"pk": self.measure.pk, "file_pk": self.evidence.pk},
            "evaluations:detail": {"pk": self.evaluation.pk},
            "evaluations:group_save": {"pk": self.evaluation.pk},
            "evaluations:grades_save": {"pk": self.evaluation.pk},
            "evaluations:ballot_type_save": {"pk": self.evaluation.pk},
            "evaluations:voting_open": {"pk": self.evaluation.pk},
            "evaluations:voting_close": {"pk": self.evaluation.pk},
            "evaluations:codes_generate": {"pk": self.evaluation.pk},
            "evaluations:ballot_docx": {"pk": self.evaluation.pk, "code": "A"},
            "evaluations:paper": {"pk": self.evaluation.pk},
            "evaluations:resolve": {"pk": self.evaluation.pk, "sheet_pk": 1},
            "evaluations:results": {"pk": self.evaluation.pk},
            "announcements:detail": {"pk": self.announcement.pk},
            "announcements:apply": {"pk": self.announcement.pk},
            "stats:measure_detail": {"pk": self.measure.pk},
            "teamwork:team_pledges": {"pk": self.team_obj.pk},
            "teamwork:pledge_sign": {"pk": self.member.pk},
            "teamwork:pledge_record_paper": {"pk": self.member.pk},
            **{f"teamwork:report_{step}": {"pk": self.conduct.pk} for step in (
                "detail", "transfer", "conclude", "accountability")},
            "teamwork:self_check": {"pk": i},
            "teamwork:self_check_submit": {"pk": i},
            "teamwork:self_found_fixed": {"pk": self.self_found.pk},
            "teamwork:team_appraisals": {"pk": self.team_obj.pk},
            **{f"teamwork:appraisal_{step}": {"pk": self.member.pk} for step in (
                "draft", "confirm", "send")},
            "teamwork:inspector_record": {"pk": self.insp_a2.pk},
            "teamwork:inspector_record_docx": {"pk": self.insp_a2.pk},
            **{f"teamwork:{name}": {"pk": self.team_obj.pk} for name in (
                "branch", "branch_secretary", "branch_meeting")},
        }

    #: Who reads each object in county A (positive control; GET must answer 200).
    OWNERS = {
        "organizations:unit_detail": "office", "inspections:inspection_detail": "office",
        "inspections:round_detail": "office", "petitions:detail": "team",
        "findings:problem_detail": "team", "findings:clue_detail": "office",
        "findings:report_detail": "office", "rectification:measure_detail": "liaison",
        "rectification:overview": "liaison", "evaluations:detail": "office",
        "announcements:detail": "office", "stats:measure_detail": "office",
        "findings:feedback_detail": "office", "teamwork:report_detail": "office",
        "teamwork:team_pledges": "team", "teamwork:self_check": "liaison",
        "teamwork:branch": "team", "teamwork:inspector_record": "office",
    }
    #: The liaison reads the problems fed back to its unit (a page without the evidence),
    #: and nothing else of the case file.
    #: Reports about a team never reach a team account (nor the liaison, nor the leading
    #: group): only the office and, once transferred, the discipline body.
    TEAM_NEVER = ("teamwork:report_",)
    LIAISON_NEVER = ("petitions:", "findings:clue", "findings:report", "findings:activity",
                     "findings:problem_file", "findings:problem_edit")

    def test_every_object_route_is_in_the_matrix(self):
        routes = {name for name, pattern in walk(get_resolver().url_patterns)
                  if "<int:" in pattern and not name.startswith(("api", "public:"))}
        self.assertEqual(sorted(routes - set(self.objects())), [],
                         "routes with an object parameter missing from the matrix")

    def test_matrix(self):
        objects = self.objects()
        failures = []
        for name, persona in self.OWNERS.items():  # before anything is changed below
            self.client.force_login(getattr(self, persona))
            status = self.client.get(reverse(name, kwargs=objects[name])).status_code
            if status != 200:
                failures.append(f"owner {persona} GET {name} → {status}")
        self.client.force_login(self.liaison)
        page = self.client.get(reverse("findings:problem_detail", kwargs=objects[
            "findings:problem_detail"])).content.decode()
        self.assertNotIn(self.petition.content, page)
        # Another scope first, while every object is still there; then county A, whose
        # POSTs may change or remove objects (that is allowed for the owners).
        order = [*OTHER_SCOPE, *[p for p in self.PERSONAS if p not in OTHER_SCOPE]]
        for persona in order:
            user = getattr(self, persona)
            self.client.force_login(user)
            for name, kwargs in objects.items():
                url = reverse(name, kwargs=kwargs)
                # Every route gets a POST too: one view per action means the step views'
                # names say nothing a word list could match (sign, transfer, approve …).
                for method in ("get", "post"):
                    status = getattr(self.client, method)(url).status_code
                    where = f"{persona} {method.upper()} {name} → {status}"
                    if status >= 500:
                        failures.append(where + " (server error)")
                    elif persona in OTHER_SCOPE and status not in REFUSED:
                        failures.append(where + " (another scope's object)")
                    elif persona == "liaison" and name.startswith(self.LIAISON_NEVER) and (
                            status not in REFUSED):
                        failures.append(where + " (the liaison reads case files)")
                    elif name.startswith(self.TEAM_NEVER) and status not in REFUSED and (
                            persona in ("team", "team_b", "liaison", "leader")):
                        failures.append(where + " (a report about the team reaches it)")
            self.client.logout()
        self.assertEqual(failures, [])

    def test_api_matrix(self):
        from xuncha.accounts.services import token_create

        ids = {"unit_id": self.unit_edu.pk, "cadre_id": self.insp_a2.cadre_id,
               "inspector_id": self.insp_a2.pk, "petition_id": self.petition.pk,
               "committee_id": self.county.pk}
        operations = [
            ("get", "/api/v1/units/{unit_id}"), ("patch", "/api/v1/units/{unit_id}"),
            ("post", "/api/v1/units/{unit_id}/archive"), ("get", "/api/v1/cadres/{cadre_id}"),
            ("get", "/api/v1/inspectors/{inspector_id}"),
            ("get", "/api/v1/petitions/{petition_id}"),
            ("post", "/api/v1/petitions/{petition_id}/triage"),
        ]
        failures = []
        for persona in ("other_office", "other_team", "other_liaison", "liaison"):
            _token, secret = token_create(user=getattr(self, persona), name="matrix")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            for method, path in operations:
                if persona == "liaison" and "petition" not in path:
                    continue  # the liaison reads its own unit's organization data
                response = getattr(self.client, method)(path.format(**ids),
                                                        content_type="application/json",
                                                        data={}, **headers)
                if response.status_code >= 500 or response.status_code in GOOD | {201}:
                    failures.append(f"{persona} {method.upper()} {path} → "
                                    f"{response.status_code}")
        self.assertEqual(failures, [])
