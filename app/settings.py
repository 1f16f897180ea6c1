"""Runtime settings, read once from environment variables (all optional; the defaults run as they are).

| variable                  | default    | meaning                                                     |
|---------------------------|------------|-------------------------------------------------------------|
| GRADFLOW_HOST             | 127.0.0.1  | address to bind; 0.0.0.0 exposes the server to the network  |
| GRADFLOW_PORT             | 8000       | TCP port                                                    |
| GRADFLOW_WORKERS          | 1          | uvicorn worker processes (each has its own result cache)    |
| GRADFLOW_MAX_CONCURRENT   | 4          | CPU-bound requests computed at once per process; more → 503 |
| GRADFLOW_CACHE_ENTRIES    | 256        | results kept in each process's cache                        |
| GRADFLOW_WORK_BUDGET      | 4e9        | largest B·T·H²·steps a single request may ask for           |
"""

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    host: str = field(default_factory=lambda: _env("GRADFLOW_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("GRADFLOW_PORT", "8000")))
    workers: int = field(default_factory=lambda: int(_env("GRADFLOW_WORKERS", "1")))
    max_concurrent: int = field(default_factory=lambda: int(_env("GRADFLOW_MAX_CONCURRENT", "4")))
    cache_entries: int = field(default_factory=lambda: int(_env("GRADFLOW_CACHE_ENTRIES", "256")))
    work_budget: float = field(default_factory=lambda: float(_env("GRADFLOW_WORK_BUDGET", "4e9")))
