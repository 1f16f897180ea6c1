"""What the API computes and sends: payload builders, presets and claims, uploaded and trained networks."""
