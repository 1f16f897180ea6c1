"""Gradient Flow Lab: watch gradients flow, and vanish, through recurrent networks.

Packages, in dependency order (each imports only those before it):
  app.core   NumPy only: the RNN, LSTM and GRU, backprop through time, analyses, tasks, training.
  app.web    FastAPI routers, request schemas, the page.
  app.main   create_app(): wires the web layer together.
  app.cli    the `gradflow` command.
"""

__version__ = "0.1.0"
