"""U-Net variants as named presets of one config (TF-free, so the app and docs can read them).

``report`` is the course report's network exactly; ``realtime`` is the slim U-Net that runs
live: a stride-2 stem, narrow levels, a single-channel sigmoid head (ONNX Runtime's
Softmax over a 3-channel NHWC tensor cost a third of such a model's time) and a 16:9-ish
128×224 input that a 4-level encoder divides evenly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

HEAD_SOFTMAX = "softmax"
HEAD_SIGMOID = "sigmoid"
# training/losses.py
SIGMOID_LOSSES = ("bce_dice", "edge_bce_dice", "hard_edge_bce_dice", "hard_edge_bce_lovasz")


@dataclass(frozen=True)
class UNetConfig:
    """Architecture plus the training defaults that belong to it.

    The encoder has one level per entry of ``filters``; each level is ``convs_per_block``
    3×3 conv + BatchNorm + LeakyReLU and a 2×2 max-pool. The decoder climbs back with
    ConvTranspose + skip Concatenate + conv block, up to the second level's resolution; the
    head is one more ConvTranspose and a 1×1 conv to the classes (optionally fed the first
    level's skip too, concatenated and convolved or simply added: ``head_merge``). A
    ``stem_stride`` of 2 runs the whole net at half resolution and upsamples the logits
    bilinearly. The first level runs on four times the pixels of the second, so its conv
    count (``first_level_convs``) is where a slim model's time goes; a ``bridge`` block at
    the pooled bottom costs next to nothing (a 128×224 input is 4×7 there) and is the one
    place whose 3×3 convs see the whole frame.
    """

    name: str
    input_height: int
    input_width: int
    filters: tuple[int, ...]
    convs_per_block: int = 2
    stem_filters: int = 0
    stem_stride: int = 1
    head: str = HEAD_SOFTMAX
    num_classes: int = 3
    head_skip: bool = False
    # How the head merges the first level's skip: "concat" (then a 3×3 conv block) or "add"
    # (the skip added to the upsampled decoder, straight into the 1×1 logits).
    head_merge: str = "concat"
    # Convs in the first (highest-resolution) level; 0 means ``convs_per_block``.
    first_level_convs: int = 0
    # A conv block at the deepest, pooled resolution (1/32 of the input) before the decoder
    # climbs back; 0: none, the last pooling goes straight into the first upsampling.
    bridge_filters: int = 0
    # Levels from this index on (their encoder blocks, the decoder stages that end at their
    # widths, and the bridge) use depthwise-separable 3×3 convs: about a ninth of a full
    # conv's multiply-adds at the same width, so the deep levels can be several times wider
    # for the same time. 0: every conv is full.
    separable_from_level: int = 0
    # With a stem stride, the logits come out at the stride's resolution and are upsampled
    # bilinearly, so an outline can only bend between the stride's pixels. A sub-pixel head
    # adds a 1×1 conv with a logit for each full-resolution pixel of the cell (stride² of
    # them, put in place by depth-to-space) to the upsampled logits; zero at the start, so
    # training starts from the bilinear head (ESPCN's sub-pixel layer, as a residual).
    head_subpixel: bool = False
    leaky_relu_slope: float = 0.1
    flexible_input: bool = False  # any H×W multiple of the stride (contract input_stride)
    learning_rate: float = 0.01
    # Sigmoid heads: "bce_dice", "edge_bce_dice" (BCE weighted towards the label's edges), or
    # "hard_edge_bce_dice" (that, on the pixels still wrong only: training/losses.py), or
    # "hard_edge_bce_lovasz" (that with the Lovász loss, a surrogate of each image's IoU, for Dice).
    loss: str = "bce_dice"
    batch_size: int = 64
    epochs: int = 40

    def __post_init__(self) -> None:
        divisor = self.stride
        if self.input_height % divisor or self.input_width % divisor:
            raise ValueError(
                f"Preset {self.name!r}: input {self.input_height}x{self.input_width} must be "
                f"divisible by {divisor} (stem stride × 2^levels); pick a multiple of {divisor}."
            )
        if self.head not in (HEAD_SOFTMAX, HEAD_SIGMOID):
            raise ValueError(f"head must be {HEAD_SOFTMAX!r} or {HEAD_SIGMOID!r}")
        if self.loss not in SIGMOID_LOSSES:
            raise ValueError(f"loss must be one of {', '.join(SIGMOID_LOSSES)}, not {self.loss!r}")
        if self.head_merge not in ("concat", "add"):
            raise ValueError(f"head_merge must be 'concat' or 'add', not {self.head_merge!r}")
        if self.head == HEAD_SIGMOID and self.num_classes != 1:
            object.__setattr__(self, "num_classes", 1)

    @property
    def output_channels(self) -> int:
        return 1 if self.head == HEAD_SIGMOID else self.num_classes

    @property
    def stride(self) -> int:
        """What H and W must be multiples of: the stem's stride times one halving a level."""
        return self.stem_stride * 2 ** len(self.filters)


PRESETS: dict[str, UNetConfig] = {
    "report": UNetConfig(
        name="report",
        input_height=128,
        input_width=128,
        filters=(32, 64, 128, 256, 512),
        convs_per_block=2,
        head=HEAD_SOFTMAX,
        num_classes=3,
        learning_rate=0.01,
        batch_size=64,
        epochs=40,
    ),
    "realtime": UNetConfig(
        name="realtime",
        input_height=128,
        input_width=224,
        filters=(16, 24, 32, 48),
        convs_per_block=2,
        stem_filters=12,
        stem_stride=2,
        head=HEAD_SIGMOID,
        head_skip=True,
        learning_rate=0.005,
        batch_size=16,
        epochs=30,
    ),
    # For tests and quick experiments: learns a shape-on-background task in seconds.
    "tiny": UNetConfig(
        name="tiny",
        input_height=32,
        input_width=32,
        filters=(8, 16),
        convs_per_block=1,
        head=HEAD_SOFTMAX,
        num_classes=3,
        learning_rate=0.01,
        batch_size=16,
        epochs=5,
    ),
}


# The realtime network over any input shape: each frame is fed at the multiple of 32 that
# holds most of it (portrait photos as portraits), at about 128×224's pixel count. The two
# deepest levels are wider (40, 64): they run on 1/256 and 1/1024 of the pixels, so the
# extra capacity costs about 5 % of the model's time. The edge-weighted loss raised the
# real-photo boundary score; its first build took a red poster for a person, which the
# scene tint in the composites (scenes colour-shifted like the people) is there to undo.
PRESETS["person"] = replace(
    PRESETS["realtime"],
    name="person",
    filters=(16, 24, 40, 64),
    flexible_input=True,
    loss="edge_bce_dice",
)


# The person network made cheaper where pixels are many and wider where they are few: the
# full-resolution level has one conv instead of two and the head adds the first level's skip
# instead of concatenating it and convolving again (together a sixth of the model's time on
# 2 cores), and the deeper levels are wider (32, 48, 80) for what the saving buys.
PRESETS["person_lean"] = replace(
    PRESETS["person"],
    name="person_lean",
    filters=(16, 32, 48, 80),
    first_level_convs=1,
    head_merge="add",
)


# The lean network with a bridge block (96 filters, two 3×3 convs) at the pooled bottom. The
# real-photo failures it is for: a column of "person" above a pedestrian's head up to the top
# edge, a sign or shelf beside someone taken as part of them. Whether that patch is person is
# a question about the whole frame, and only the bottom's convs see all of it (a 128×224
# input is 4×7 there, so the block costs about 5 % of the network's time).
PRESETS["person_bridge"] = replace(PRESETS["person_lean"], name="person_bridge", bridge_filters=96)


# The person network trained for the input it runs at: 160×288 (1.6× the pixels of 128×224).
# Fed 160×288 without retraining, `person` finds outlines better (boundary F on real photos
# 0.541 → 0.567) but takes more of a drawn red poster for a person (4.5 % → 9.9 % of the
# frame); trained there (after smaller epochs: the build's progressive phases) it kept the
# first (0.566) and lost the second (2.6 %). The shipped model since gen8 (the card).
PRESETS["person_wide"] = replace(
    PRESETS["person"], name="person_wide", input_height=160, input_width=288
)


# The wide person network with a sub-pixel head (``head_subpixel``): logits for each pixel
# of the 160×288 input rather than 80×144 upsampled, for one more 1×1 conv at 80×144 (about
# 0.3 % more multiply-adds). Built with gen10's recipe (2026-12-05) it scored no better on
# the real photos (boundary F 0.584 against 0.590) and ran 5 % slower than landscape; kept
# for the next search (the model card's *Tried with gen10*).
PRESETS["person_sharp"] = replace(PRESETS["person_wide"], name="person_sharp", head_subpixel=True)


def get_preset(name: str, **overrides) -> UNetConfig:
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
    return replace(PRESETS[name], **overrides) if overrides else PRESETS[name]


# The lean network with depthwise-separable convs below the first level, four times wider
# there (32, 96, 192 and a 192-filter bridge) for the multiply-adds of the narrow full convs,
# and a larger native input (160×288, 1.6× the pixels): fed 160×288, the person network
# found real-photo outlines better (boundary F 0.524 → 0.548) without being trained for it.
# Built and measured on 2026-12-04 (the card's *Known weaknesses*): no better than `person`
# on real photos (IoU 0.816 against 0.818) and 27 % slower than MediaPipe landscape; kept for
# the next search, not shipped.
PRESETS["person_separable"] = replace(
    PRESETS["person_lean"],
    name="person_separable",
    input_height=160,
    input_width=288,
    filters=(16, 32, 96, 192),
    separable_from_level=1,
    bridge_filters=192,
)
