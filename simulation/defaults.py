"""Defaults of the experiment commands, each with its reason; the CLI and the API both read them.

Kept in a module without heavy imports, so ``meedoen --help`` can show them at once.
"""

import os

CONFIDENCE = 0.95  # convention: every interval meedoen prints is a 95% confidence interval
COMPARE_REPS = 10  # assumption: enough for a t-interval (9 df, t ≈ 2.26) in a few minutes on two cores
SWEEP_REPS = 5  # assumption: a sweep spends its runs on points; paired seeds keep points comparable
WARMUP_REPS = 5  # assumption: MSER-5 is applied to the replication mean, which 5 runs already smooth
PRECISION = 0.05  # issue 3: "within 5% of its mean"
MIN_AUTO_REPS = 5  # assumption: fewer replications give a t-interval too unreliable to judge precision
MAX_REPS = 200  # assumption: about 45 minutes for two 2017 scenarios on two cores (~13 s a replication)
MSER_BATCH = 5  # MSER-5 (White 1997; Hoad, Robinson & Davies 2010): batch means of 5 observations
WELCH_WINDOW = 6  # assumption: half a year of months for Welch's moving average in the warm-up plot
MSER_MIN_BATCHES = 10  # assumption: below ~10 batch means the second-half rule of MSER-5 cannot fire reliably
SENSITIVITY_N = {"sobol": 64, "morris": 10}
"""Sobol': 64 base rows give intervals of roughly ±0.1-0.2 (Saltelli et al. 2010 use 512 and
more; the interval says how far to trust them). Morris: 10 trajectories (Campolongo, Cariboni &
Saltelli 2007 recommend 10-20)."""
SENSITIVITY_REPS = 3  # assumption: enough to estimate the noise (2 df per point); the CRN keep it small
CALIBRATION_REPS = 4  # assumption: an even number keeps two cores busy; CRN removes the noise *between* points
CALIBRATION_CHECK_REPS = 10  # like COMPARE_REPS: a t-interval with 9 df at the fit
CALIBRATION_MAX_EVALUATIONS = 40  # assumption: enough for Nelder-Mead to settle in 1-4 dimensions from a tuned start
CALIBRATION_METHODS = ("nelder-mead", "powell", "differential-evolution")  # the first is the default (see calibration.py)
MAX_SEED = 2**63 - 1
"""Seeds and replication numbers are whole numbers from 0 to this: NumPy's SeedSequence takes no
negative number, and a client's streams key their hash with both (a BLAKE2b key holds 64 bytes)."""
MAX_REPLICATIONS = 100_000
"""The most replications one command may ask for per scenario or point: 500 times MAX_REPS, far beyond any
experiment; a larger number only fills memory with the list of runs to do before the first one starts."""


def default_workers() -> int:
    """Worker processes when none are asked for: every CPU this process may use (the command line's
    ``--workers`` and the web app alike)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
