"""Models of the Rewards app."""
