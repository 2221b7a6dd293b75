"""Client journeys: the timelines of a few sampled clients, as tidy rows and as a picture.

Everything here reads one run's tables (``result.tables`` of :func:`simulation.run`, or the
CSVs of a run folder through :func:`simulation.results.run_tables.load_run_tables`); nothing runs
the model. The run's clock is read from the tables themselves (:mod:`.clock`); which clients are
shown is :mod:`.sampling`; their timelines as rows, :mod:`.segments` and :mod:`.episodes`; the
picture, :mod:`.drawing` (one function per lane), with its words, colours and legend beside it.
"""

from simulation.present.journeys.clock import RunClock, run_clock
from simulation.present.journeys.drawing import MAX_ROWS, plot_journeys, save_figure
from simulation.present.journeys.sampling import client_strata, sample_clients
from simulation.present.journeys.segments import LANES, SEGMENT_COLUMNS, journey_segments

__all__ = ["LANES", "MAX_ROWS", "SEGMENT_COLUMNS", "RunClock", "client_strata", "journey_segments", "plot_journeys",
           "run_clock", "sample_clients", "save_figure"]
