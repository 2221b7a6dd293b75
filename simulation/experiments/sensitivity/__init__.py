"""Global sensitivity analysis: which parameters move an outcome, and by how much (SALib).

``sensitivity(scenario, params, method, n, reps)`` samples the ranges given as ``key=lo:hi``
(``simulation.experiments.design.parse_ranges``, so units work: ``"1 months:3 months"``), runs every design
point ``reps`` times through ``simulation.experiments.sweep`` (workers, Dask, the result store
and resuming all apply; every point uses the same replication seeds, i.e. common random
numbers), and analyses the replication mean per point with

- **Sobol'** (Saltelli sampling, ``SALib.sample.sobol`` / ``SALib.analyze.sobol``, first and
  total order only): S1 (the share of the output variance a parameter explains alone) and ST
  (including all its interactions), each with a bootstrap confidence interval. ``n`` is the
  base sample, a power of 2; the design has ``n × (k + 2)`` points for ``k`` parameters.
- **Morris** (``SALib.sample.morris`` / ``SALib.analyze.morris``): μ* (mean absolute
  elementary effect, in the outcome's own unit per whole range of the parameter) with its
  bootstrap interval, σ (spread of the effects: non-linearity or interactions) and μ.
  ``n`` is the number of trajectories; the design has ``n × (k + 1)`` points.

Design points that coincide after rounding to whole numbers (``design``) are run once. How the
replication noise is separated from the parameter effects is in ``analysis``. The text, figures
and output folder are ``simulation.present.sensitivity``.

SALib is an optional dependency (``pip install 'meedoen[sensitivity]'``), imported only when an
analysis runs.
"""

from simulation.experiments.sensitivity.analysis import INDEX_COLUMNS, RESAMPLES, analyse, replication_noise
from simulation.experiments.sensitivity.design import MORRIS_LEVELS, Design, design_seed, sample
from simulation.experiments.sensitivity.inputs import DEFAULT_N, DEFAULT_OUTCOMES, METHODS, parse_params
from simulation.experiments.sensitivity.run import DEFAULT_REPS, NOISE_COLUMNS, NOTES, SensitivityResult, sensitivity

__all__ = [
    "DEFAULT_N",
    "DEFAULT_OUTCOMES",
    "DEFAULT_REPS",
    "INDEX_COLUMNS",
    "METHODS",
    "MORRIS_LEVELS",
    "NOISE_COLUMNS",
    "NOTES",
    "RESAMPLES",
    "Design",
    "SensitivityResult",
    "analyse",
    "design_seed",
    "parse_params",
    "replication_noise",
    "sample",
    "sensitivity",
]
