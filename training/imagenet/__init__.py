"""ImageNet photo models: EfficientNet-Lite rebuilt in Keras from PyTorch weights (read without
PyTorch), ``keras.applications`` bases, the ImageNet labels, and their export for the app."""
