"""Miner economics: pure metric functions, units in every name (see docs/methods.md)."""
