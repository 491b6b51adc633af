"""Teach: make your own photo classes offline (projects, embeddings, a numpy head, ONNX export).

Qt-free: the Teach panel drives these modules from worker threads.
"""
