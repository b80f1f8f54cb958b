import datetime

from xuncha.inspections.coverage import term_coverage
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.testing import WorldTestCase, make_unit
from xuncha.organizations.models import UnitKind

D = datetime.date


class CoverageTests(WorldTestCase):
    def test_counts_villages_for_county_committees(self):
        result = term_coverage(term=self.term, today=D(2026, 1, 1))
        # county A: jw, edu, fin, health, township, village
        self.assertEqual(result.universe, 6)
        self.assertEqual(result.covered, 0)

    def test_inspected_units_are_covered(self):
        stationed_inspection(self)
        result = term_coverage(term=self.term, today=D(2026, 7, 1))
        self.assertEqual(result.covered, 1)
        self.assertEqual(result.covered_units, [self.unit_edu])
        self.assertEqual(result.rounds_done, 1)
        self.assertAlmostEqual(result.pace, 1.0)
        self.assertAlmostEqual(result.percent, 100 / 6, places=3)

    def test_forecast_flags_when_the_term_is_too_short(self):
        for i in range(30):
            make_unit(f"A-V{i}", f"村{i}", self.county, UnitKind.VILLAGE, self.township)
        stationed_inspection(self)
        # One unit per round, spacing ~150 days, term ends 2028-12-31: far too few rounds.
        result = term_coverage(term=self.term, today=D(2026, 7, 1))
        self.assertTrue(result.at_risk)
        self.assertGreater(result.unplanned, result.capacity)

    def test_enough_rounds_left_is_not_flagged(self):
        stationed_inspection(self)
        result = term_coverage(term=self.term, today=D(2026, 7, 1))
        # 5 units left, about 5 rounds possible at one unit per round until the end of 2028.
        self.assertFalse(result.at_risk, (result.unplanned, result.capacity))
