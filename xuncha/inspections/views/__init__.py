"""Pages of the inspections app, by page group: ``rounds`` (rounds, teams, members, load),
``inspections`` (the list, an inspection, its channels and moves, the public notice) and
``planning`` (deadlines, calendar and clocks, coverage, timeline)."""
