"""Outcomes: pure functions from a run's records to headline outcomes, survival curves and
profiles, and the statistics that experiments and reports share."""
