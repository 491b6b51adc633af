"""The Teach panel: make your own photo classes, train a head on ImageNet features, export ONNX."""
