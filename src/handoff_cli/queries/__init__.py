"""The read path: plain SQL on a ``store.Reader`` -> plain results (never SQLModel).

``facts.py`` streams one complete facts record per account; ``reports.py`` (breaches,
health, the brief, the timeline), ``metrics.py`` and ``audit.py`` build the reports
on it with the pure core in ``domain/``.
"""
