"""Thin routers, one per area of the API: each reads a request, calls a payload builder, sends its answer."""
