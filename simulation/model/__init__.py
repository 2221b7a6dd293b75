"""The model: everything that runs per event in one replication, and ``run(scenario, seed)``.

It reads a validated scenario (``simulation.scenario``) and writes records; it knows nothing of
outcomes, experiments, files or presentation (``docs/architecture.md``).

Rooms, roughly in the order a run needs them:

- ``run`` — ``run()`` and ``RunResult``; ``world`` — builds the components, keeps the stock
  counters, runs the loop. Components see the world only through ``protocols.WorldView``.
- ``calendar``, ``rng``, ``client`` (the person, its states, timers, exit reasons, activities),
  ``records`` (typed rows and the tables made from them), ``snapshots`` (the monthly rows).
- ``population``, ``inflow``, ``intake``, ``phases`` — who comes, who is let in, assessment.
- ``lifecycle`` (the spell and its single timer), ``hazards`` (the exit rates), ``jobs``.
- ``policy`` (contacts, referrals), ``policy_changes``, ``sanctions``, ``ladder`` (rungs, placements).
- ``resources`` (scalable SimPy queues), ``staff`` (klantmanagers), ``services`` (teams),
  ``trajectories``, ``budgets``, ``capacity_changes`` (dated changes of places, staff and budgets).
"""
