"""Fixture: moto S3 server on loopback (filled in by the storage work)."""
