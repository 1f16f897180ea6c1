"""Runtime settings, read once from environment variables (all optional; the defaults run as they are).

| variable                  | default    | meaning                                                          |
|---------------------------|------------|------------------------------------------------------------------|
| GRADFLOW_HOST             | 127.0.0.1  | address to bind; 0.0.0.0 exposes the server to the network       |
| GRADFLOW_PORT             | 8000       | TCP port                                                         |
| GRADFLOW_WORKERS          | 1          | uvicorn worker processes (each has its own result cache)         |
| GRADFLOW_MAX_CONCURRENT   | 4          | CPU-bound requests computed at once per process; more → 503      |
| GRADFLOW_CACHE_ENTRIES    | 256        | results kept in each process's cache                             |
| GRADFLOW_WORK_BUDGET      | 4e9        | largest B·T·H²·steps a single request may ask for                |
| GRADFLOW_PUBLIC_URL       | (none)     | the address students use, when a proxy or tunnel stands in front |
| GRADFLOW_ALLOWED_HOSTS    | (none)     | more host names the server answers to, comma-separated           |
| GRADFLOW_MAX_BODY_BYTES   | 1048576    | largest request body; a larger one is refused before it is read  |
| GRADFLOW_MAX_CONNECTIONS  | 600        | open connections per process (fewer when the file limit is low)  |
| GRADFLOW_HEADER_TIMEOUT   | 10         | seconds a connection may take to send a request's headers        |

A value that is not valid stops the server with one line naming the variable and its limit
(`settings_or_exit`), never a traceback.
"""

import sys

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "GRADFLOW_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    max_concurrent: int = Field(4, ge=1, le=256)
    cache_entries: int = Field(256, ge=0, le=100_000)
    work_budget: float = Field(4e9, gt=0, le=1e15, allow_inf_nan=False)
    public_url: str | None = None
    allowed_hosts: str = ""
    max_body_bytes: int = Field(2**20, ge=1024, le=2**30)
    max_connections: int = Field(600, ge=8, le=100_000)  # a live class: 250 streams, 250 answering
    header_timeout: float = Field(10.0, ge=0.5, le=600, allow_inf_nan=False)

    def extra_hosts(self) -> list[str]:
        """GRADFLOW_ALLOWED_HOSTS as a list of lower-case names."""
        return [name.strip().lower() for name in self.allowed_hosts.split(",") if name.strip()]


_LIMITS = {"greater_than_equal": "at least", "less_than_equal": "at most", "greater_than": "greater than"}


def describe(exc: ValidationError) -> str:
    """One line per bad variable: "GRADFLOW_PORT must be at most 65535 (got 70000)"."""
    lines = []
    for error in exc.errors():
        name = PREFIX + "_".join(str(part) for part in error["loc"]).upper()
        ctx = error.get("ctx") or {}
        words = _LIMITS.get(error["type"])
        if words:
            limit = next(iter(ctx.values()), "?")
            lines.append(f"{name} must be {words} {limit} (got {error.get('input')!r})")
        else:
            lines.append(f"{name}: {error['msg'].lower()} (got {error.get('input')!r})")
    return "\n".join(lines)


def settings_or_exit(**overrides) -> Settings:
    """Settings from the environment, or exit with status 2 and a one-line reason per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        print(f"gradflow: invalid setting: {describe(exc)}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
