"""The training -> desktop model contract (see README "Model contract").

One place for the names both sides must agree on, so neither hard-codes them twice.
"""

from __future__ import annotations

from pathlib import Path

#: Character models take float32 NHWC [N, 80, 60, 1], raw grey 0..255, white paper, dark ink.
CHAR_INPUT_HEIGHT = 80
CHAR_INPUT_WIDTH = 60
INPUT_NAME = "image"
#: Stroke models (metadata ``input_kind`` = ``strokes``) take float32 NHWC [N, 80, 60, 9] named
#: ``strokes``: channel 0 is exactly the image input of the same drawing, channels 1..8 the same
#: ink split by the direction the pen moved (desktop.core.direction_map).
STROKES_INPUT_NAME = "strokes"
STROKE_CHANNELS = 9
IMAGE_KIND = "image"
STROKES_KIND = "strokes"
INPUT_KINDS = (IMAGE_KIND, STROKES_KIND)
#: The input's name and channel count for each input kind of a character model.
INPUT_OF_KIND = {IMAGE_KIND: (INPUT_NAME, 1), STROKES_KIND: (STROKES_INPUT_NAME, STROKE_CHANNELS)}
LOGITS = "logits"
PROBABILITIES = "probabilities"
FEATURE_PREFIX = "features_"
#: Optional pair for class activation maps ("Why?"): the last conv block's activations
#: [N, h, w, C] and, per class, the gradient of its score with respect to them averaged over the
#: h x w positions: [classes, C] when the same for every image (global-average-pooling + dense
#: head: CAM), [N, classes, C] otherwise (Grad-CAM). The map for class k is ReLU(A . w[k]).
CAM_FEATURES = "cam_features"
CAM_WEIGHTS = "cam_weights"
CAM_OUTPUTS = (CAM_FEATURES, CAM_WEIGHTS)
#: Optional [N, D]: the features the class head reads (the input of its last dense layer), for
#: the personal layer that learns a user's handwriting (desktop.core.personal).
EMBEDDING = "embedding"

#: The 55 course characters in Keras ``class_names`` (sorted code point) order.
COURSE_CHARACTERS = "东主人从众出口吗吠哭啖因囡国大天太夫女妈山川工日明月朋木本林森水火炎牛犬玉王白竹羊美羔肉肤舟虎虫门闪问闲马鱼鸟"

#: Metadata keys every ONNX model carries (values are strings; JSON where noted).
META_CLASS_NAMES = "class_names"  # JSON list, output order
META_TASK = "task"  # characters | imagenet | custom | features
META_OUTPUT = "output"  # logits | probabilities | features
META_TITLE = "title"
META_TRAINED_ON = "trained_on"
META_METRICS = "metrics"  # JSON object
META_CREATED_BY = "created_by"  # "cnn-classroom <version>"
#: Optional: the calibration temperature T, a decimal string (absent = 1). The app shows
#: softmax(logits / T) (``training.calibrate`` fits T so the percentages mean what they say).
META_TEMPERATURE = "temperature"
#: Optional: the T that fits the model for likelihood alone (absent = ``temperature``), where
#: calibration raised T above it; log-probabilities at this T are on one scale for every model.
META_LIKELIHOOD_TEMPERATURE = "likelihood_temperature"
#: Optional: what a character model reads, ``image`` (absent) or ``strokes`` (see STROKES_INPUT_NAME).
META_INPUT_KIND = "input_kind"
REQUIRED_META = (META_CLASS_NAMES, META_TASK, META_OUTPUT, META_TITLE, META_TRAINED_ON, META_METRICS, META_CREATED_BY)

TASKS = ("characters", "imagenet", "custom", "features")
OUTPUT_KINDS = (LOGITS, PROBABILITIES, "features")

REPORT_SUFFIX = ".report.json"


def report_path(model_path: str | Path) -> Path:
    """The sidecar report beside an ONNX model: ``x.onnx`` -> ``x.report.json``."""
    p = Path(model_path)
    return p.with_name(p.stem + REPORT_SUFFIX)


def assets_dir() -> Path:
    """The shipped ``assets/`` folder (source checkout or PyInstaller bundle)."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[2] / "assets"


def shipped_models_dir() -> Path:
    """``assets/models``: the models that come with the app."""
    return assets_dir() / "models"
