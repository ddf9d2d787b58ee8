"""The executor a command asks for by name (``--engine``): local threads, or a Dask cluster."""

from __future__ import annotations

from typing import Any

from valuation.executors import Executor, LocalExecutor

ENGINES = ("local", "dask")


def make_executor(engine: str = "local", **options: Any) -> Executor:
    """An executor by name: ``local`` (options: threads) or ``dask`` (address, n_workers, ...)."""
    if engine == "local":
        return LocalExecutor(**options)
    if engine == "dask":
        from cli.dask_executor import DaskExecutor  # dask.distributed takes about a second to import

        return DaskExecutor(**options)
    raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")
