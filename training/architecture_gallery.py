"""The architecture gallery (``classics.json``): the classic CNN architectures as built in Keras, with their history.

Layer tables and parameter counts come from building each network (weights=None, nothing is
downloaded); only the prose and the historical figures below are written by hand, with their
sources named in ``assets/architectures/README.md``. Every text the app shows has a Simplified
Chinese version beside it (``summary_zh``, ``facts_zh``, ``image_size_zh``, ``description_zh``);
names, authors and paper titles stay as published.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop import __version__

SCHEMA = 1


def _lenet5():
    from .classic_networks import lenet5_network

    return lenet5_network((32, 32, 1), 10)


def _alexnet():
    from .classic_networks import alexnet_network

    return alexnet_network((227, 227, 3), 1000)


def _vgg16():
    import keras

    return keras.applications.VGG16(weights=None)


def _inception_module():
    from .classic_networks import inception_3a

    return inception_3a()


def _resnet34():
    from .classic_networks import resnet_network

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
    "summary_zh": (
        "两级卷积与下采样从像素中学习局部笔画特征，再由全连接层判定是哪个数字。它证明了用反向传播端到端训练的"
        "网络在手写识别上胜过人工设计的特征提取器；本课程的 CNN 就是它的后代。"
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
    "facts_zh": [
        "输入为 32×32：28×28 的 MNIST 数字放在更大的画面中，使靠近边缘的笔画也能落到特征检测器的中心。",
        "在 MNIST 上的测试错误率为 0.95 %，加入人工扭曲的图像副本训练后为 0.8 %。",
        "论文中 C3 层的 16 个特征图各自只连接 S2 层 6 个特征图中的一部分（1,516 个参数）；这个 Keras 版本全部连接"
        "（2,416 个），因此共有 61,706 个参数，而论文中约为 60,000 个。",
        "论文中 S2 和 S4 层的每个特征图都有一个可训练的系数和偏置，后接 sigmoid；这里它们是不带参数的普通平均池化。",
        "激活函数是缩放的 tanh，f(a) = 1.7159·tanh(2a/3)；论文的输出层是 10 个欧氏径向基函数（RBF）单元，"
        "这里换成了 softmax 层。",
        "同一篇论文还介绍了基于这类网络的支票识别系统，每天能读取数百万张支票。",
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
    "summary_zh": (
        "五个卷积层和三个全连接层，用两块 GPU 在 120 万张 ImageNet 照片上训练。ReLU 激活、dropout、数据增强和"
        "重叠的最大池化让这么大的网络得以训练；它在 ILSVRC-2012 夺冠，开启了计算机视觉的深度学习时代。"
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
    "facts_zh": [
        "ILSVRC-2012 冠军：top-5 测试错误率 15.3 %，第二名为 26.2 %。",
        "约 6000 万个参数和 65 万个神经元（论文数据）；这个单塔 Keras 版本有 62,378,344 个参数。",
        "在两块各有 3 GB 显存的 NVIDIA GTX 580 GPU 上训练了五到六天；网络拆分在两块 GPU 上，conv2、conv4 和 "
        "conv5 只看到自己所在 GPU 上的特征图。",
        "论文写的是 224×224 输入，但 11×11、步长为 4 的卷积核只有在 227×227 输入上才得到 55×55 的第一层"
        "（这里按 227×227 构建）。",
        "使用 ReLU 的四层网络在 CIFAR-10 上达到 25 % 训练错误率的速度是使用 tanh 时的六倍。",
        "前两个全连接层使用 dropout（p = 0.5）；conv1 和 conv2 之后做局部响应归一化（n = 5，k = 2，α = 10⁻⁴，"
        "β = 0.75），后来的网络不再使用它。",
        "在 ILSVRC-2010 测试集上：top-1 错误率 37.5 %，top-5 错误率 17.0 %。",
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
    "summary_zh": (
        "只用 3×3 卷积：共十三个，分成五个块，块与块之间用最大池化隔开，最后是三个全连接层。它证明了用小卷积核"
        "堆出的深度胜过少数几个大卷积核。"
    ),
    "facts": [
        "ILSVRC-2014: second in classification with 7.3 % top-5 test error, first in localisation.",
        "Two stacked 3×3 convolutions see a 5×5 region and three see 7×7, with fewer parameters and more "
        "non-linearities than one large kernel.",
        "138,357,544 parameters (keras.applications.VGG16), 102,764,544 of them in the first fully connected layer.",
    ],
    "facts_zh": [
        "ILSVRC-2014：分类第二名，top-5 测试错误率 7.3 %；定位第一名。",
        "两个叠加的 3×3 卷积能看到 5×5 的区域，三个能看到 7×7，比一个大卷积核参数更少、非线性更多。",
        "共 138,357,544 个参数（keras.applications.VGG16），其中 102,764,544 个在第一个全连接层。",
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
    "summary_zh": (
        "四个分支同时处理同一个输入（1×1、3×3 和 5×5 卷积以及 3×3 最大池化），输出沿通道方向拼接。先用 1×1 卷积"
        "减少通道数，计算量大的 3×3 和 5×5 分支因此开销不大。GoogLeNet 堆叠了九个这样的模块。"
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
    "facts_zh": [
        "GoogLeNet 以 6.67 % 的 top-5 错误率赢得 ILSVRC-2014 分类任务。",
        "只计带参数的层深 22 层（算上池化层为 27 层），参数量约为 AlexNet 的十二分之一。",
        "模块 3a 把 28×28×192 变为 28×28×256：64（1×1）+ 128（3×3）+ 32（5×5）+ 32（池化投影）个通道，"
        "含偏置共 163,696 个参数。",
        "没有 1×1 降维的话，5×5 分支需要 5×5×192×32 = 153,600 个权重，而不是 192×16 + 5×5×16×32 = 15,872 个。",
        "按每张图像 15 亿次乘加运算的预算设计；两个辅助分类器在训练时提供额外的梯度信号，训练后去掉。",
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
_RESNET_FACTS_ZH = [
    "残差网络的集成以 3.57 % 的 top-5 测试错误率赢得 ILSVRC-2015 分类任务；同年 ResNet 还赢得了 ImageNet 检测"
    "和定位以及 COCO 检测和分割任务。",
    "普通网络越深反而越差（34 层训练后的错误率高于 18 层）；加上捷径连接后，34 层网络胜过了 18 层网络。",
    "每张 224×224 图像，ResNet-34 需要 36 亿次 FLOPs（乘加），ResNet-50 需要 38 亿次，而 VGG-19 需要 196 亿次。",
    "单模型在 ILSVRC-2012 验证集上的 top-5 错误率：ResNet-34 为 5.71 %，ResNet-50 为 5.25 %，"
    "ResNet-152 为 4.49 %。",
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
    "summary_zh": (
        "每个块学习一个修正量 F(x)，加到它的输入 x 上（残差连接），因此块可以退回恒等映射，很深的网络也能训练。"
        "ResNet-34 堆叠了 16 个基本块，每块是两个带批归一化的 3×3 卷积；分辨率减半处用 1×1 投影捷径使形状一致。"
    ),
    "facts": [
        *_RESNET_FACTS,
        "21,797,672 trainable parameters (the usual count); Keras also counts batch normalisation's moving mean "
        "and variance, 17,024 more.",
    ],
    "facts_zh": [
        *_RESNET_FACTS_ZH,
        "21,797,672 个可训练参数（通常引用的数字）；Keras 还把批归一化的滑动均值和方差计入参数，多出 17,024 个。",
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
    "summary_zh": (
        "更深的 ResNet 使用瓶颈块：1×1 卷积减少通道数，3×3 卷积在较少的通道上计算，再由 1×1 卷积恢复为四倍的"
        "通道数。十六个这样的块分为 3、4、6、3 块四个阶段，计算量只比 ResNet-34 略多。"
    ),
    "facts": [
        *_RESNET_FACTS,
        "keras.applications.ResNet50 has 25,636,712 parameters: the usually quoted 25,557,032, plus 26,560 "
        "convolution biases Keras keeps before batch normalisation and 53,120 batch-normalisation moving statistics.",
    ],
    "facts_zh": [
        *_RESNET_FACTS_ZH,
        "keras.applications.ResNet50 有 25,636,712 个参数：通常引用的 25,557,032 个，加上 Keras 在批归一化之前"
        "保留的 26,560 个卷积偏置和 53,120 个批归一化滑动统计量。",
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
     "image_size": "28×28 grey", "description": "handwritten digits 0-9 (LeCun, Cortes, Burges), from NIST data",
     "image_size_zh": "28×28 灰度", "description_zh": "手写数字 0-9（LeCun、Cortes、Burges），取自 NIST 数据"},
    {"name": "CIFAR-10", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 10,
     "image_size": "32×32 colour", "description": "small photos of 10 object classes (Krizhevsky, Nair, Hinton)",
     "image_size_zh": "32×32 彩色", "description_zh": "10 类物体的小照片（Krizhevsky、Nair、Hinton）"},
    {"name": "CIFAR-100", "year": 2009, "images": 60000, "train": 50000, "test": 10000, "classes": 100,
     "image_size": "32×32 colour", "description": "like CIFAR-10 with 100 classes in 20 superclasses",
     "image_size_zh": "32×32 彩色", "description_zh": "与 CIFAR-10 类似，共 100 类，分属 20 个超类"},
    {"name": "ImageNet (ILSVRC-2012)", "year": 2012, "images": 1431167, "train": 1281167, "validation": 50000,
     "test": 100000, "classes": 1000, "image_size": "variable size, colour (networks use 224×224 crops)",
     "description": "the ImageNet Large Scale Visual Recognition Challenge classification set, used unchanged "
                    "in the classification challenges of the following years",
     "image_size_zh": "尺寸不一，彩色（网络使用 224×224 的裁剪）",
     "description_zh": "ImageNet 大规模视觉识别挑战赛的分类数据集，此后几年的分类挑战赛沿用不变"},
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
    if len(info["facts_zh"]) != len(info["facts"]):  # the app shows one list or the other, never a mix
        raise AssertionError(f"{key}: {len(info['facts'])} facts but {len(info['facts_zh'])} Chinese facts")
    entry = {
        "key": key,
        "name": info["name"],
        "year": info["year"],
        "authors": info["authors"],
        "paper": info["paper"],
        "input_shape": built_shape,
        "summary": info["summary"],
        "facts": list(info["facts"]),
        "summary_zh": info["summary_zh"],
        "facts_zh": list(info["facts_zh"]),
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
