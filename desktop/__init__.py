"""CNN Classroom desktop application (PySide6 + onnxruntime; never TensorFlow)."""

__version__ = "0.1.0"
