"""``classics.json``: the classic CNN architectures as built in Keras, with their history.

Layer tables and parameter counts come from building each network (weights=None, nothing is
downloaded); only the prose and the historical figures below are written by hand, with their
sources named in ``assets/architectures/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop import __version__

SCHEMA = 1


def _lenet5():
    from .classic import lenet5_network

    return lenet5_network((32, 32, 1), 10)


def _alexnet():
    from .classic import alexnet_network

    return alexnet_network((227, 227, 3), 1000)


def _vgg16():
    import keras

    return keras.applications.VGG16(weights=None)


def _inception_module():
    from .classic import inception_3a

    return inception_3a()


def _resnet34():
    from .classic import resnet_network

    return resnet_network((224, 224, 3), 1000)


def _resnet50():
    import keras

    return keras.applications.ResNet50(weights=None)


_LENET = {
    "name": "LeNet-5",
    "year": 1998,
    "authors": "LeCun, Bottou, Bengio, Haffner",
    "paper": "Gradient-based learning applied to document recognition (Proceedings of the IEEE, 1998)",
    "summary": (
        "Two stages of convolution and subsampling learn local stroke features from the pixels, then "
        "fully connected layers decide the digit. It showed that a network trained end to end with "
        "backpropagation beats hand-designed feature extractors on handwriting; the course CNN is its descendant."
    ),
    "facts": [
        "Input 32×32: the 28×28 MNIST digits sit in a larger field so that strokes near the edge still reach "
        "the centre of the feature detectors.",
        "0.95 % test error on MNIST, 0.8 % when trained with artificially distorted copies of the images.",
        "The paper's C3 connects each of its 16 maps to only some of the 6 S2 maps (1,516 parameters); this Keras "
        "version connects all of them (2,416), hence 61,706 parameters instead of the paper's about 60,000.",
        "In the paper S2 and S4 have a trainable coefficient and bias per map followed by a sigmoid; here they are "
        "plain average pooling without parameters.",
        "Activations are a scaled tanh, f(a) = 1.7159·tanh(2a/3); the paper's output layer is 10 Euclidean RBF "
        "units, replaced here by a softmax layer.",
        "The same paper describes a cheque-reading system built on such networks that read several million "
        "cheques per day.",
    ],
    "ilsvrc_top5_error": None,
    "trainable_model": "lenet5",
}

_ALEXNET = {
    "name": "AlexNet",
    "year": 2012,
    "authors": "Krizhevsky, Sutskever, Hinton",
    "paper": "ImageNet classification with deep convolutional neural networks (NIPS 2012)",
    "summary": (
        "Five convolutional and three fully connected layers trained on 1.2 million ImageNet photos with two "
        "GPUs. ReLU activations, dropout, data augmentation and overlapping max pooling made a network this "
        "large trainable, and its ILSVRC-2012 win started the deep-learning era of computer vision."
    ),
    "facts": [
        "ILSVRC-2012 winner: 15.3 % top-5 test error, against 26.2 % for the second-best entry.",
        "About 60 million parameters and 650,000 neurons (paper); this single-tower Keras version has 62,378,344.",
        "Trained for five to six days on two NVIDIA GTX 580 GPUs with 3 GB each; the network was split between "
        "them and conv2, conv4 and conv5 only see the feature maps on their own GPU.",
        "The paper says 224×224 inputs, but an 11×11 kernel with stride 4 gives the 55×55 first layer only on "
        "227×227 (as built here).",
        "With ReLU a four-layer network reached 25 % training error on CIFAR-10 six times faster than with tanh.",
        "Dropout (p = 0.5) in the first two fully connected layers; local response normalisation after conv1 and "
        "conv2 (n = 5, k = 2, α = 10⁻⁴, β = 0.75), which later networks dropped.",
        "On the ILSVRC-2010 test set: 37.5 % top-1 and 17.0 % top-5 error.",
    ],
    "ilsvrc_top5_error": 15.3,
    "trainable_model": "alexnet",
}

_VGG16 = {
    "name": "VGG-16",
    "year": 2014,
    "authors": "Simonyan, Zisserman",
    "paper": "Very deep convolutional networks for large-scale image recognition (arXiv 2014, ICLR 2015)",
    "summary": (
        "Nothing but 3×3 convolutions, thirteen of them in five blocks separated by max pooling, then three "
        "fully connected layers. It showed that depth built from small kernels beats a few large kernels."
    ),
    "facts": [
        "ILSVRC-2014: second in classification with 7.3 % top-5 test error, first in localisation.",
        "Two stacked 3×3 convolutions see a 5×5 region and three see 7×7, with fewer parameters and more "
        "non-linearities than one large kernel.",
        "138,357,544 parameters (keras.applications.VGG16), 102,764,544 of them in the first fully connected layer.",
    ],
    "ilsvrc_top5_error": 7.3,
    "trainable_model": None,
}

_INCEPTION = {
    "name": "Inception module (GoogLeNet 3a)",
    "year": 2014,
    "authors": "Szegedy, Liu, Jia, Sermanet, Reed, Anguelov, Erhan, Vanhoucke, Rabinovich",
    "paper": "Going deeper with convolutions (arXiv 2014, CVPR 2015)",
    "summary": (
        "Four branches look at the same input at once (1×1, 3×3 and 5×5 convolutions and a 3×3 max pool) and "
        "their outputs are stacked along the channels. 1×1 convolutions first shrink the channels, so the "
        "expensive 3×3 and 5×5 branches stay cheap. GoogLeNet stacks nine such modules."
    ),
    "facts": [
        "GoogLeNet won ILSVRC-2014 classification with 6.67 % top-5 error.",
        "22 layers deep counting layers with parameters (27 with pooling), with about 12 times fewer parameters "
        "than AlexNet.",
        "Module 3a turns 28×28×192 into 28×28×256: 64 (1×1) + 128 (3×3) + 32 (5×5) + 32 (pool projection) "
        "channels, 163,696 parameters with biases.",
        "Without its 1×1 reduction the 5×5 branch would need 5×5×192×32 = 153,600 weights instead of "
        "192×16 + 5×5×16×32 = 15,872.",
        "Designed for a budget of 1.5 billion multiply-adds per image; two auxiliary classifiers add gradient "
        "signal during training and are dropped afterwards.",
    ],
    "ilsvrc_top5_error": 6.67,
    "trainable_model": "inception",
}

_RESNET_FACTS = [
    "An ensemble of residual networks won ILSVRC-2015 classification with 3.57 % top-5 test error; ResNets also "
    "won ImageNet detection and localisation and COCO detection and segmentation that year.",
    "Plain networks got worse with depth (34 layers trained to a higher error than 18); with shortcuts the "
    "34-layer network beat the 18-layer one.",
    "3.6 billion FLOPs (multiply-adds) per 224×224 image for ResNet-34 and 3.8 billion for ResNet-50, against "
    "19.6 billion for VGG-19.",
    "Single-model top-5 error on the ILSVRC-2012 validation set: ResNet-34 5.71 %, ResNet-50 5.25 %, "
    "ResNet-152 4.49 %.",
]

_RESNET34 = {
    "name": "ResNet-34",
    "year": 2015,
    "authors": "He, Zhang, Ren, Sun",
    "paper": "Deep residual learning for image recognition (arXiv 2015, CVPR 2016)",
    "summary": (
        "Each block learns a correction F(x) that is added to its input x, so a block can fall back to the "
        "identity and very deep networks still train. ResNet-34 stacks 16 basic blocks of two 3×3 convolutions "
        "with batch normalisation; where the resolution halves, a 1×1 projection shortcut matches the shapes."
    ),
    "facts": [
        *_RESNET_FACTS,
        "21,797,672 trainable parameters (the usual count); Keras also counts batch normalisation's moving mean "
        "and variance, 17,024 more.",
    ],
    "ilsvrc_top5_error": 3.57,
    "trainable_model": "resnet",
}

_RESNET50 = {
    "name": "ResNet-50",
    "year": 2015,
    "authors": "He, Zhang, Ren, Sun",
    "paper": "Deep residual learning for image recognition (arXiv 2015, CVPR 2016)",
    "summary": (
        "The deeper ResNets use bottleneck blocks: a 1×1 convolution reduces the channels, a 3×3 convolution "
        "works on the few, and a 1×1 convolution restores four times as many. Sixteen of them in stages of "
        "3, 4, 6 and 3 blocks cost little more than ResNet-34."
    ),
    "facts": [
        *_RESNET_FACTS,
        "keras.applications.ResNet50 has 25,636,712 parameters: the usually quoted 25,557,032, plus 26,560 "
        "convolution biases Keras keeps before batch normalisation and 53,120 batch-normalisation moving statistics.",
    ],
    "ilsvrc_top5_error": 3.57,
    "trainable_model": "resnet",
}

#: key -> (builder, input shape, hand-written facts).
ARCHITECTURES: dict[str, tuple[Callable[[], Any], tuple[int, ...], dict[str, Any]]] = {
    "lenet5": (_lenet5, (32, 32, 1), _LENET),
    "alexnet": (_alexnet, (227, 227, 3), _ALEXNET),
    "vgg16": (_vgg16, (224, 224, 3), _VGG16),
    "inception_module": (_inception_module, (28, 28, 192), _INCEPTION),
    "resnet34": (_resnet34, (224, 224, 3), _RESNET34),
    "resnet50": (_resnet50, (224, 224, 3), _RESNET50),
}

DATASETS = [
    {"name": "MNIST", "year": 1998, "images": 70000, "train": 60000, "test": 10000, "classes": 10,
     "image_size": "28×28 grey", "description": "handwritten digits 0-9 (LeCun, Cortes, Burges), from NIST data"},
    {"name": "CIFAR-10", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 10,
     "image_size": "32×32 colour", "description": "small photos of 10 object classes (Krizhevsky, Nair, Hinton)"},
    {"name": "CIFAR-100", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 100,
     "image_size": "32×32 colour", "description": "like CIFAR-10 with 100 classes in 20 superclasses"},
    {"name": "ImageNet (ILSVRC-2012)", "year": 2012, "images": 1431167, "train": 1281167, "validation": 50000,
     "test": 100000, "classes": 1000, "image_size": "variable size, colour (networks use 224×224 crops)",
     "description": "the ImageNet Large Scale Visual Recognition Challenge classification set, used unchanged "
                    "in the classification challenges of the following years"},
]


def architecture_entry(key: str) -> dict[str, Any]:
    """One architecture as in ``classics.json``: built in Keras, measured, described."""
    import numpy as np

    from .report import layer_table

    builder, input_shape, info = ARCHITECTURES[key]
    model = builder()
    built_shape = [int(d) for d in model.inputs[0].shape[1:]]
    if built_shape != list(input_shape):
        raise AssertionError(f"{key}: built with input {built_shape}, described as {list(input_shape)}")
    entry = {
        "key": key,
        "name": info["name"],
        "year": info["year"],
        "authors": info["authors"],
        "paper": info["paper"],
        "input_shape": built_shape,
        "summary": info["summary"],
        "facts": list(info["facts"]),
        "ilsvrc_top5_error": info["ilsvrc_top5_error"],
        "total_params": int(model.count_params()),
        "trainable_params": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
        "layers": layer_table(model),
        "trainable_model": info["trainable_model"],
    }
    return entry


def build_classics(keys: Sequence[str] | None = None, *, progress: bool = False) -> dict[str, Any]:
    import keras

    entries = []
    for key in keys or list(ARCHITECTURES):
        entries.append(architecture_entry(key))
        if progress:
            e = entries[-1]
            print(f"{key:<18} {e['total_params']:>12,} parameters, {len(e['layers'])} layers", flush=True)
        keras.backend.clear_session()  # the big ImageNet networks need not stay in memory
    return {
        "schema": SCHEMA,
        "created_by": f"training {__version__}",
        "architectures": entries,
        "datasets": [dict(d) for d in DATASETS],
    }


def write_classics(path: str | Path, keys: Sequence[str] | None = None, *, progress: bool = False) -> Path:
    from .report import write_json_atomic

    return write_json_atomic(path, build_classics(keys, progress=progress))
