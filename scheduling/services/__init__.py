"""Writes of the scheduling app, one module per area (see the contract)."""
