"""The frozen app's entry point: the same ``run`` as ``python -m desktop``."""

from desktop.__main__ import run

if __name__ == "__main__":
    run()
