"""Shared test configuration. Area-specific fixtures live in their own modules."""
