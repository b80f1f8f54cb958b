"""Browser journeys (Playwright driving Debian's chromium) and API fuzzing (schemathesis)
against a live server: ``make e2e``.

Everything here is skipped unless ``XUNCHA_E2E=1`` is set, the ``e2e`` extra is installed
and (for the browser journeys) a chromium binary is found (``/usr/bin/chromium``, or the
path in ``XUNCHA_CHROMIUM``). Screenshots go to ``artifacts/e2e/`` (git-ignored).
"""
