"""Fixtures shared with other folders' tests."""

from tests.audience.test_audience_pages import fresh  # noqa: F401  (a campaign with one PPCD session)
