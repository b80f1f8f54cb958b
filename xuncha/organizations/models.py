"""Committees (the tenants), their terms, the units they inspect, cadres and inspectors."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    COUNTY = "county", _("County")


LEVEL_ORDER: list[str] = [Level.CENTRAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.COUNTY]


class Committee(models.Model):
    """A party committee that runs inspections (巡视 or 巡察): the tenant of the system.

    ``path`` is the chain of ids from the root (``/1/4/9/``) so a committee and all the
    committees below it are one indexed prefix query.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("upper committee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    region = models.CharField(
        _("region"), max_length=50, blank=True,
        help_text=_("The place the committee governs, for locality avoidance."),
    )
    require_2fa = models.BooleanField(
        _("require two-factor sign-in"), default=False,
        help_text=_("Office and team accounts must sign in with a second factor."),
    )
    conflict_years = models.PositiveSmallIntegerField(
        _("avoidance period (years)"), default=5,
        help_text=_("A member who worked at the target or its parent within this many "
                    "years is refused."),
    )
    same_locality_rule = models.BooleanField(
        _("avoid members from the same locality"), default=False,
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def audit_committee_id(self):
        return self.pk

    @property
    def is_inspection_level_xunshi(self) -> bool:
        """巡视 (central, provincial) rather than 巡察 (municipal, county)."""
        return self.level in (Level.CENTRAL, Level.PROVINCIAL)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class Term(models.Model):
    """届: a committee's term, within which every unit is inspected once."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="terms"
    )
    name = models.CharField(_("name"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["committee", "-starts_on"]
        constraints = [
            models.CheckConstraint(name="term_ends_after_start",
                                   condition=Q(ends_on__gt=F("starts_on"))),
            models.UniqueConstraint(fields=["committee", "name"], name="term_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.name}"

    @property
    def audit_committee_id(self):
        return self.committee_id


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Local party committee")
    DEPARTMENT = "department", _("Party or government department")
    TOWNSHIP = "township", _("Township or sub-district")
    VILLAGE = "village", _("Village or community")
    SOE = "soe", _("State-owned enterprise")
    SCHOOL = "school", _("School or university")
    HOSPITAL = "hospital", _("Hospital")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    INSTITUTION = "institution", _("Public institution")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """被巡察单位: a party organization under one committee's jurisdiction (a tree)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("jurisdiction"), on_delete=models.PROTECT,
        related_name="units",
    )
    locality = models.CharField(_("locality"), max_length=50, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["committee", "code"]
        indexes = [
            models.Index(fields=["committee", "kind"], name="unit_committee_kind"),
        ]
        constraints = [
            models.CheckConstraint(name="unit_not_own_parent", condition=~Q(parent=F("pk"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_committee_id(self):
        return self.committee_id


class Rank(models.TextChoices):
    PROVINCE_CHIEF = "province_chief", _("Provincial-ministerial, principal")
    PROVINCE_DEPUTY = "province_deputy", _("Provincial-ministerial, deputy")
    BUREAU_CHIEF = "bureau_chief", _("Department-bureau, principal")
    BUREAU_DEPUTY = "bureau_deputy", _("Department-bureau, deputy")
    COUNTY_CHIEF = "county_chief", _("County-division, principal")
    COUNTY_DEPUTY = "county_deputy", _("County-division, deputy")
    SECTION_CHIEF = "section_chief", _("Township-section, principal")
    SECTION_DEPUTY = "section_deputy", _("Township-section, deputy")
    STAFF = "staff", _("Staff")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Cadre(models.Model):
    """干部: a person holding a post in a unit, managed by a committee."""

    name = models.CharField(_("name"), max_length=32)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres"
    )
    position = models.CharField(_("position"), max_length=100)
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    is_principal = models.BooleanField(_("principal leader"), default=False)
    managing_committee = models.ForeignKey(
        Committee, verbose_name=_("managing committee"), on_delete=models.PROTECT,
        related_name="managed_cadres",
    )
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["unit", "-is_principal", "name"]
        indexes = [models.Index(fields=["name"], name="cadre_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"

    @property
    def audit_committee_id(self):
        return self.managing_committee_id


class Expertise(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline inspection")
    ORGANIZATION = "organization", _("Organization and personnel")
    AUDIT = "audit", _("Audit")
    FINANCE = "finance", _("Finance")
    PETITIONS = "petitions", _("Petitions")
    PROPAGANDA = "propaganda", _("Propaganda")
    LEGAL = "legal", _("Law")
    OTHER = "other", _("Other")


class Inspector(models.Model):
    """A cadre in a committee's inspector pool (巡察干部人才库)."""

    cadre = models.OneToOneField(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="inspector"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("pool of"), on_delete=models.PROTECT,
        related_name="inspectors",
    )
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["committee", "cadre__name"]

    def __str__(self) -> str:
        return self.cadre.name

    @property
    def audit_committee_id(self):
        return self.committee_id

    def expertise_labels(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [str(labels.get(e, e)) for e in self.expertise]


class TieKind(models.TextChoices):
    WORK = "work", _("Past or present work unit")
    RELATIVE = "relative", _("Relative works there")


class InspectorTie(models.Model):
    """A declared tie used for avoidance (回避): where they worked, where relatives work."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.CASCADE, related_name="ties"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TieKind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="inspector_ties"
    )
    relation = models.CharField(_("relation"), max_length=30, blank=True,
                                help_text=_("For relatives: spouse, child, sibling…"))
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True,
                               help_text=_("Leave empty if the tie continues."))

    class Meta:
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        ordering = ["inspector", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                name="tie_dates_in_order",
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} – {self.unit}"

    @property
    def audit_committee_id(self):
        return self.inspector.committee_id
