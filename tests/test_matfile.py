"""The MATLAB v5 reader that takes the Clothing Co-Parsing labels without SciPy."""

import struct
import zlib

import numpy as np
import pytest

from softfocus.training.people.matfile import MatFileError, read_matrix


def _element(kind: int, payload: bytes, small: bool = False) -> bytes:
    if small:  # the v5 "small data element": size and type share one 4-byte word
        assert len(payload) <= 4
        return struct.pack("<I", (len(payload) << 16) | kind) + payload.ljust(4, b"\0")
    return struct.pack("<II", kind, len(payload)) + payload + b"\0" * (-len(payload) % 8)


def mat_file(name: str, matrix: np.ndarray, compressed: bool, small_name: bool = False) -> bytes:
    """A v5 .mat file holding ``matrix`` (uint8) as MATLAB writes it: column-major."""
    header = b"MATLAB 5.0 MAT-file, written by the tests".ljust(116) + b"\0" * 8
    header += struct.pack("<H", 0x0100) + b"IM"
    body = (
        _element(6, struct.pack("<II", 9, 0))  # array flags: mxUINT8_CLASS
        + _element(5, struct.pack("<ii", *matrix.shape))
        + _element(1, name.encode(), small=small_name)
        + _element(2, matrix.astype(np.uint8).tobytes(order="F"))
    )
    element = _element(14, body)
    if compressed:
        packed = zlib.compress(element)
        element = struct.pack("<II", 15, len(packed)) + packed
    return header + element


@pytest.mark.parametrize("compressed", [False, True])
def test_a_label_matrix_reads_back_in_row_major_order(tmp_path, compressed):
    labels = np.arange(12, dtype=np.uint8).reshape(3, 4)
    path = tmp_path / "labels.mat"
    path.write_bytes(mat_file("groundtruth", labels, compressed))
    read = read_matrix(path, "groundtruth")
    assert read.shape == (3, 4)
    np.testing.assert_array_equal(read, labels)


def test_short_names_in_small_elements_and_a_named_lookup(tmp_path):
    labels = np.eye(3, dtype=np.uint8)
    path = tmp_path / "tags.mat"
    path.write_bytes(mat_file("tags", labels, compressed=True, small_name=True))
    np.testing.assert_array_equal(read_matrix(path), labels)
    with pytest.raises(MatFileError, match="named 'groundtruth'"):
        read_matrix(path, "groundtruth")


def test_other_files_are_refused_with_a_reason(tmp_path):
    path = tmp_path / "photo.mat"
    path.write_bytes(b"\xff\xd8\xff\xe0 a JPEG, not a MAT file" * 8)
    with pytest.raises(MatFileError, match="not a MATLAB v5"):
        read_matrix(path)
