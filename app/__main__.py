"""`python -m app` is the same as the `gradflow` command."""

from app.cli import main

raise SystemExit(main())
