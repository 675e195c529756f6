"""Reused models and frames equal freshly built ones."""

from dataclasses import replace

import numpy as np

from attention_sim.cache import FrameCache, ModelCache
from attention_sim.model import build
from attention_sim.settings import Settings
from attention_sim.views import layout

CASES = [
    Settings(),
    Settings(step=4, query=3, causal=True),
    Settings(preset="pronoun", sentence="The animal did not cross the street because it was tired", d_model=6, query=8, step=5),
    Settings(preset="random", sentence="a b c d e f g", d_model=8, d_k=3, heads=2, head=1, temperature=0.5, positional=True, step=3),
    Settings(step=9, query=-4, d_model=99),
    Settings(sentence=" ".join(f"w{i}" for i in range(20)), query=30, d_model=99),
]


def assert_same_model(cached, fresh):
    assert cached.settings == fresh.settings
    assert cached.tokens == fresh.tokens
    assert sorted(cached.notices) == sorted(fresh.notices)
    assert cached.weights_source == fresh.weights_source
    for name in ("X", "W_Q", "W_K", "W_V", "concat", "embeddings", "positional"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(fresh, name), err_msg=name)
    for a, b in zip(cached.heads, fresh.heads):
        for name in a._fields:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_model_cache_equals_build():
    cache = ModelCache()
    for settings in CASES:
        for step in (1, 3, 5):
            for query in (0, 2, 50):
                changed = replace(settings, step=step, query=query)
                assert_same_model(cache.build(changed), build(changed))


def test_model_cache_reuses_matrices():
    cache = ModelCache()
    first = cache.build(Settings(step=1))
    second = cache.build(Settings(step=4, query=2))
    assert second.X is first.X, "a step or query change must not rebuild"
    third = cache.build(Settings(step=4, query=2, causal=True))
    assert third.X is not first.X


def test_frame_cache_equals_layout():
    cache = FrameCache(size=4)
    model = build(Settings(step=3, query=1))
    paint_json, frame = cache.get(layout, model, 640.0, 420.0)
    fresh = layout(model, 640.0, 420.0)
    assert paint_json == fresh.paint_json()
    assert frame.regions == fresh.regions
    again, same = cache.get(layout, model, 640.0, 420.0)
    assert same is frame and again == paint_json
    other, _ = cache.get(layout, model, 320.0, 420.0)
    assert other != paint_json, "another width is another frame"


def test_frame_cache_evicts_oldest():
    cache = FrameCache(size=2)
    for step in (1, 2, 3):
        cache.get(layout, build(Settings(step=step)), 640.0, 420.0)
    assert len(cache.frames) == 2
    assert [key[2].step for key in cache.frames] == [2, 3]
