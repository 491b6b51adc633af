"""The Kernels panel: convolution, padding, stride and pooling you can see and touch."""
