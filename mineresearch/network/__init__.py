"""Bitcoin network series: readers of daily files and the quarterly aggregation.

Modules: ``readers`` (Coin Metrics CSV, blockchain.com chart CSV/JSON, plain date/value CSV into
canonical daily frames), ``quarterly`` (``build_daily`` from the shared daily files, ``add_subsidy``
from block heights, ``aggregate`` by quarter or month), ``schema`` (the table's columns, provenance
and ``NETWORK_SCHEMA``) and ``cli`` (``network_command``, which rebuilds or checks the packaged
``network_quarterly.csv`` and ``network_sources.csv``).
"""
