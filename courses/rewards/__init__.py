"""Gamification: points and coins ledgers, the shop of profile items, leaderboards."""
