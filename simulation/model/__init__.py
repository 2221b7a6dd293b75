"""The model: everything that runs per event in one replication, and ``run(scenario, seed)``.

It reads a validated scenario (``simulation.scenario``) and writes records; it knows nothing of
outcomes, experiments, files or presentation (``docs/architecture.md``).
"""
