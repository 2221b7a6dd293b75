"""Experiments: replications on common random numbers, comparisons, sweeps, designs, warm-up
analysis, sensitivity analysis and calibration, run in processes or on a Dask cluster."""
