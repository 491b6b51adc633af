"""The Results panel: what a model learnt and where it fails, drawn from its sidecar report."""
