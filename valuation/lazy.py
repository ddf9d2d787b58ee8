"""Curated package APIs whose names load on first use (PEP 562), so importing one light module of a package
does not bring the heavy ones (scipy, statsmodels, the batch engine) with it.

::

    __getattr__, __dir__ = lazy_api(__name__, _WHERE, globals(), submodules=True)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_api(package: str, where: Mapping[str, str], namespace: dict[str, Any], *,
             submodules: bool = False) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``: a name of ``where`` (name → module)
    is imported from its module on first use and kept in ``namespace``; with ``submodules``, any other
    public name is tried as a submodule (``package.method``)."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            if submodules and not name.startswith("_"):
                try:
                    return importlib.import_module(f"{package}.{name}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{package}.{name}":
                        raise
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(module)
        value = loaded if module == f"{package}.{name}" else getattr(loaded, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__
