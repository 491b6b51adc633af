"""Training package for CNN Classroom (Keras 3, TensorFlow backend).

``python -m training --help`` lists the commands.
"""

from desktop import __version__

__all__ = ["__version__"]
