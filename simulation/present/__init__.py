"""Presentation: terminal tables, figures, the HTML report, client journeys, event-log export,
and the text of sensitivity, calibration and warm-up results."""
