"""Qt-free, TensorFlow-free building blocks shared by the app and the training package."""
