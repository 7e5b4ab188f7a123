"""Adaptive rules: a low quiz score or a missed assignment assigns more work, once."""
