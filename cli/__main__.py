"""``python -m cli``: the same as the ``dataval`` command."""

from cli.main import main

raise SystemExit(main())
