"""How requests are served, whatever they ask: limits, caching, encoding, errors, guards and connections."""
