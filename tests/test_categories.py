"""Item categories: the reviewed table, spot checks, aggregation."""
from __future__ import annotations

import numpy as np
import pytest

import valuepix_core as vp
from valuepix_core import categories as C
from valuepix_core._category_table import TABLE
from valuepix_core._resources import models_root


def test_table_covers_the_model_classes_in_order():
    rows = [ln.split("\t") for ln in TABLE.splitlines()]
    labels = [ln.split("\t") for ln in (models_root() / "efficientnet_lite0" / "labels.tsv").read_text().splitlines()[1:]]
    assert len(rows) == 1000
    assert [r[0] for r in rows] == [str(i) for i in range(1000)]
    assert [r[1] for r in rows] == [r[1] for r in labels]  # same synsets, same order
    keys = {k for k, _ in C.CATEGORIES}
    assert {r[2] for r in rows} == keys  # every category is used, no unknown key
    assert 10 <= len(keys) <= 16


@pytest.mark.parametrize("index,key", [
    (409, "watches_clocks"),       # analog clock
    (892, "watches_clocks"),       # wall clock
    (531, "watches_clocks"),       # digital watch
    (759, "cameras_optics"),       # reflex camera
    (732, "cameras_optics"),       # Polaroid camera
    (447, "cameras_optics"),       # binoculars
    (402, "musical_instruments"),  # acoustic guitar
    (889, "musical_instruments"),  # violin
    (579, "musical_instruments"),  # grand piano
    (620, "electronics"),          # laptop
    (487, "electronics"),          # cellular telephone
    (765, "furniture"),            # rocking chair
    (850, "toys_games"),           # teddy
    (679, "jewellery_accessories"),  # necklace
    (893, "jewellery_accessories"),  # wallet
    (849, "kitchenware"),          # teapot
    (587, "tools"),                # hammer
    (740, "tools"),                # power drill
    (752, "sports_outdoor"),       # racket
    (817, "vehicles"),             # sports car
    (671, "vehicles"),             # mountain bike
    (917, "books_media"),          # comic book
    (474, "clothing"),             # cardigan
    (883, "home_decor"),           # vase
    (1, "other"),                  # goldfish
    (963, "other"),                # pizza
])
def test_spot_checks(index, key):
    assert C.category_of(index) == key


def test_lookup_by_synset_and_errors():
    assert C.category_of("n02708093") == "watches_clocks"  # analog clock
    assert C.category_of("n04069434") == "cameras_optics"  # reflex camera
    assert C.category_of(np.int64(402)) == "musical_instruments"
    for bad in (1000, -1, "n00000000", 3.0, True):
        with pytest.raises(vp.InvalidArgumentError):
            C.category_of(bad)
    assert C.category_name("tools") == "Tools & hardware"
    with pytest.raises(vp.InvalidArgumentError):
        C.category_name("nope")


def test_aggregate_sums_probabilities_per_category():
    p = np.zeros(1000)
    p[[409, 892]] = [0.3, 0.2]   # clocks 0.5
    p[759] = 0.35                # camera
    p[1] = 0.15                  # goldfish -> other
    cats = C.aggregate(p)
    assert [c.key for c in cats[:3]] == ["watches_clocks", "cameras_optics", "other"]
    assert cats[0].score == pytest.approx(0.5) and cats[1].score == pytest.approx(0.35)
    assert sum(c.score for c in cats) == pytest.approx(1.0)
    assert len(cats) == len(C.CATEGORIES)
    assert all(isinstance(c, C.Category) for c in cats)
    with pytest.raises(vp.InvalidArgumentError):
        C.aggregate(np.zeros(10))


def test_codes_are_read_only_and_follow_a_given_class_order():
    codes = C.category_codes()
    assert codes.shape == (1000,) and not codes.flags.writeable
    rows = [ln.split("\t") for ln in TABLE.splitlines()]
    sub = C.category_codes([rows[759][1], rows[409][1]])
    keys = [k for k, _ in C.CATEGORIES]
    assert [keys[i] for i in sub] == ["cameras_optics", "watches_clocks"]
    with pytest.raises(vp.InvalidArgumentError):
        C.category_codes(["n99999999"])
