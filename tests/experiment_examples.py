"""Small valid classics.json, compare.json and tuning.json documents for the tests (shapes as documented)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def classics() -> dict[str, Any]:
    lenet_layers = [
        {"name": "input", "type": "InputLayer", "output_shape": [None, 32, 32, 1], "params": 0},
        {"name": "conv1", "type": "Conv2D", "output_shape": [None, 28, 28, 6], "params": 156},
        {"name": "pool1", "type": "AveragePooling2D", "output_shape": [None, 14, 14, 6], "params": 0},
        {"name": "conv2", "type": "Conv2D", "output_shape": [None, 10, 10, 16], "params": 2416},
        {"name": "pool2", "type": "AveragePooling2D", "output_shape": [None, 5, 5, 16], "params": 0},
        {"name": "flatten", "type": "Flatten", "output_shape": [None, 400], "params": 0},
        {"name": "fc1", "type": "Dense", "output_shape": [None, 120], "params": 48120},
        {"name": "fc2", "type": "Dense", "output_shape": [None, 84], "params": 10164},
        {"name": "out", "type": "Dense", "output_shape": [None, 10], "params": 850},
    ]
    alexnet_layers = [
        {"name": "conv1", "type": "Conv2D", "output_shape": [None, 55, 55, 96], "params": 34944},
        {"name": "pool1", "type": "MaxPooling2D", "output_shape": [None, 27, 27, 96], "params": 0},
        {"name": "fc8", "type": "Dense", "output_shape": [None, 1000], "params": 4097000},
    ]
    resnet_layers = [
        {"name": "conv1", "type": "Conv2D", "output_shape": [None, 112, 112, 64], "params": 9472},
        {"name": "add", "type": "Add", "output_shape": [None, 56, 56, 256], "params": 0},
        {"name": "predictions", "type": "Dense", "output_shape": [None, 1000], "params": 2049000},
    ]
    return {
        "schema": 1,
        "created_by": "training 0.0.test",
        "architectures": [
            {"key": "lenet5", "name": "LeNet-5", "year": 1998, "authors": "LeCun, Bottou, Bengio, Haffner",
             "paper": "Gradient-based learning applied to document recognition", "input_shape": [32, 32, 1],
             "summary": "Two convolution and pooling stages, then three dense layers.",
             "facts": ["Read cheques for banks.", "About 60 thousand parameters."],
             "ilsvrc_top5_error": None, "total_params": 61706, "layers": lenet_layers,
             "trainable_model": "lenet5"},
            {"key": "alexnet", "name": "AlexNet", "year": 2012, "authors": "Krizhevsky, Sutskever, Hinton",
             "paper": "ImageNet classification with deep convolutional neural networks",
             "input_shape": [227, 227, 3], "summary": "ReLU, dropout and two GPUs.",
             "facts": ["ILSVRC 2012 top-5 error 15.3 %."], "ilsvrc_top5_error": 15.3,
             "total_params": 62378344, "layers": alexnet_layers, "trainable_model": None},
            {"key": "resnet50", "name": "ResNet-50", "year": 2015, "authors": "He, Zhang, Ren, Sun",
             "paper": "Deep residual learning for image recognition", "input_shape": [224, 224, 3],
             "summary": "Shortcut connections.", "facts": [], "ilsvrc_top5_error": 3.57,
             "total_params": 25636712, "layers": resnet_layers, "trainable_model": None},
        ],
        "datasets": [
            {"name": "MNIST", "year": 1998, "images": 70000, "train": 60000, "test": 10000, "classes": 10,
             "image_size": "28×28 grey"},
            {"name": "CIFAR-10", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 10,
             "image_size": "32×32 colour"},
            {"name": "CIFAR-100", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 100,
             "image_size": "32×32 colour"},
            {"name": "ImageNet (ILSVRC-2012)", "year": 2012, "images": 1431167, "train": 1281167,
             "validation": 50000, "test": 100000, "classes": 1000, "image_size": "about 400×350 colour"},
        ],
    }


def compare() -> dict[str, Any]:
    def row(model, title, params, epochs, best, seconds, val, test, top5, ms):
        return {"model": model, "title": title, "params": params, "epochs": epochs, "best_epoch": best,
                "train_seconds": seconds, "val_accuracy": val, "test_accuracy": test, "test_top5": top5,
                "inference_ms": ms, "onnx": None}

    return {
        "schema": 1, "kind": "compare", "created": "2026-11-24T21:00:00+00:00", "created_by": "training 0.0.test",
        "data": "synth55 (test split)",
        "settings": {"epochs": 10, "batch_size": 64, "images_per_class": 150, "seed": 0},
        "rows": [
            row("logistic", "Logistic regression", 264055, 10, 10, 5.5, 0.41, 0.39, 0.71, 0.02),
            row("cnn", "CNN (course)", 88375, 10, 9, 61.2, 0.95, 0.94, 0.99, 0.21),
            row("lenet5", "LeNet-5", 1234567, 8, 6, 30.0, 0.90, 0.885, 0.98, 0.11),
            row("resnet", "ResNet (small)", 2500000, 10, 10, 310.4, 0.97, 0.965, None, 1.7),
        ],
        "plot": "compare.png",
    }


def tuning(finished: bool = True) -> dict[str, Any]:
    def trial(trial_id, status, blocks, filters, lr, score, seconds, epochs):
        return {"trial_id": trial_id, "status": status,
                "hyperparameters": {"conv_blocks": blocks, "filters_1": filters, "learning_rate": lr},
                "score": score, "seconds": seconds, "epochs": epochs}

    trials = [
        trial("00", "COMPLETED", 1, 8, 0.001, 0.81, 12.3, 5),
        trial("01", "COMPLETED", 2, 16, 0.0003, 0.93, 15.0, 5),
        trial("02", "FAILED", 3, 32, 0.01, None, 1.0, 0),
        trial("03", "COMPLETED", 2, 32, 0.002, 0.95, 20.5, 5),
        trial("04", "COMPLETED", 3, 8, 0.0001, 0.90, 25.0, 5),
    ]
    if not finished:
        trials.append(trial("05", "RUNNING", 1, 16, 0.005, None, None, None))
    return {
        "schema": 1, "kind": "tuning", "created": "2026-11-24T21:00:00+00:00", "created_by": "training 0.0.test",
        "tuner": "bayesian", "objective": "val_accuracy", "direction": "max", "max_trials": 8,
        "data": "synth55 (test split)",
        "search_space": [
            {"name": "conv_blocks", "type": "Int", "min": 1, "max": 3, "step": 1},
            {"name": "filters_1", "type": "Choice", "values": [8, 16, 32]},
            {"name": "learning_rate", "type": "Float", "min": 1e-4, "max": 1e-2, "sampling": "log"},
        ],
        "trials": trials,
        "best": {"trial_id": "03", "hyperparameters": trials[3]["hyperparameters"], "score": 0.95,
                 "test_accuracy": 0.94, "test_top5": 0.99, "onnx": None} if finished else None,
    }


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
