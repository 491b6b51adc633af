"""The PySide6 user interface: the main window and, as they arrive, one module per panel."""
