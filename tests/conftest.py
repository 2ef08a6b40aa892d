"""Fixtures shared by unit and integration tests."""

pytest_plugins = ["tests.support.rbldnsd"]
