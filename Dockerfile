# Gradient Flow Lab as one small, single-purpose web server.
#
#   docker build -t gradflow-lab .
#   docker run --rm -p 8000:8000 gradflow-lab        # then open http://127.0.0.1:8000/
#
# Settings are environment variables (app/settings.py lists them all), for example
#   docker run --rm -p 8000:8000 -e GRADFLOW_WORKERS=2 -e GRADFLOW_MAX_CONCURRENT=2 gradflow-lab
#   GRADFLOW_HOST        0.0.0.0 here, so the published port reaches the server (the CLI's own default is
#                        127.0.0.1, which would only answer inside the container)
#   GRADFLOW_PORT        8000; change it together with the right-hand side of -p
#   GRADFLOW_WORKERS     uvicorn worker processes, each with its own result cache
#   GRADFLOW_PUBLIC_URL  the address students should open (e.g. http://192.168.1.20:8000): inside a container
#                        the server only sees its own private address, so the classroom QR code needs this
# Nothing is fetched at run time: Plotly.js and the page come with the wheel (and the plotly package).
# Both stages start from the same base, so the virtualenv copied between them finds the same interpreter.

# ---- build: install the package (not editable) and its dependencies into a virtualenv
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock build.lock pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
# The dependencies come from requirements.lock, the versions the tests ran with, each file checked against
# its hash (`make lock` writes it). The wheel is built in a virtualenv of its own from the build backend
# build.lock pins (hatchling and its dependencies, hashes checked too; --no-build-isolation, so pip fetches
# nothing else for the build), then installed alone, so nothing beyond the lock is installed. Both are
# byte-compiled, so the run stage starts fast with a read-only install. pip and setuptools then leave the
# venv: nothing installs anything at run time. (`-I` keeps /src off sys.path, so the check imports the
# installed copy, not the sources.)
RUN python -m venv /opt/gradflow \
 && /opt/gradflow/bin/python -m pip install --require-hashes -r requirements.lock \
 && python -m venv /tmp/build \
 && /tmp/build/bin/python -m pip install --require-hashes -r build.lock \
 && /tmp/build/bin/python -m pip wheel --no-deps --no-build-isolation --wheel-dir /tmp/dist . \
 && /opt/gradflow/bin/python -m pip install --no-deps /tmp/dist/*.whl \
 && /opt/gradflow/bin/python -I -c "import app.main, app.paths; print('installed', app.paths.STATIC_DIR)" \
 && /opt/gradflow/bin/python -m pip uninstall --yes pip setuptools

# ---- run: the base image, a non-root user and the virtualenv; no sources, no build tools
FROM python:3.11-slim
LABEL org.opencontainers.image.title="Gradient Flow Lab" \
      org.opencontainers.image.description="Watch gradients flow, and vanish, through RNN, LSTM and GRU networks."
RUN groupadd --system --gid 10001 gradflow \
 && useradd --system --uid 10001 --gid gradflow --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin gradflow
COPY --from=build /opt/gradflow /opt/gradflow
ENV PATH=/opt/gradflow/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GRADFLOW_HOST=0.0.0.0 \
    GRADFLOW_PORT=8000
USER gradflow:gradflow
WORKDIR /tmp
EXPOSE 8000
# The slim image has no curl: ask the API with the standard library, on whatever port the server uses.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:' + os.environ.get('GRADFLOW_PORT', '8000') + '/api/health', timeout=4)"]
CMD ["gradflow", "serve"]
