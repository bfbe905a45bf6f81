"""Fixture: the offline news web on loopback (filled in by the newsweb work)."""
