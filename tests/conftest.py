"""Shared fixtures live in plugin modules, one per real service the tests talk to."""

pytest_plugins = ["tests.fixtures_newsweb", "tests.fixtures_s3"]
