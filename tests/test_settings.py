import dataclasses

import pytest

from softfocus.app.settings import PipelineSettings


def test_settings_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PipelineSettings().kernel_size_px = 5  # type: ignore[misc]


def test_extreme_values_are_clamped_on_construction():
    settings = PipelineSettings(
        effect="DISCO", kernel_size_px=10_000, smoothing=7, feather_px=-3, mask_low=2, mask_high=-1
    )
    assert settings.effect == "blur"
    assert settings.kernel_size_px == 151
    assert settings.smoothing == 0.95
    assert settings.feather_px == 0.0
    assert 0 <= settings.mask_low < settings.mask_high <= 1


def test_round_trip_through_dict_ignores_unknown_keys():
    settings = PipelineSettings(effect="replace", kernel_size_px=20, backdrop_path="x.png")
    data = settings.to_dict() | {"from_the_future": 1}
    assert PipelineSettings.from_dict(data) == settings
    assert settings.kernel_size_px == 21
