"""esact_top's directed SPLS corners: every bin of cg_spls.keep/.window/.threshold and
every cell of .window_x_threshold is one random-test instance's first run, whatever
the seed (issue 16: functional closure must not depend on the seed)."""

import itertools
import random

import pytest

from tb.common.units import PARAM_SETS
from tb.esact_top.esact_top_cov import (CORNERS, KEEP_BINS, THR_BINS, WINDOW_BINS, corner_params, keep_bin,
                                        thr_bin, window_bin)
from tests.sim.test_esact_top import RANDOM_SEEDS


def test_corners_cover_every_bin_and_cross_cell():
    assert {c[0] for c in CORNERS} == set(KEEP_BINS)
    assert {(c[1], c[2]) for c in CORNERS} == set(itertools.product(WINDOW_BINS, THR_BINS))
    assert RANDOM_SEEDS >= len(CORNERS), "the default regression has fewer random instances than corners"


@pytest.mark.parametrize("seed", range(40))
def test_corner_params_land_in_their_bins(seed):
    rng = random.Random(seed)
    small = PARAM_SETS["esact_top"]["small"]
    for target in CORNERS:
        t, h, k, w, thr = corner_params(target, small["T_MAX"], 3, rng)
        assert 1 <= k <= t <= small["T_MAX"] and 1 <= w and 1 <= h <= 3
        assert (keep_bin(k, t), window_bin(w, t), thr_bin(thr, h, k)) == target, (target, t, h, k, w, thr)


def test_corner_params_refuse_bad_arguments():
    with pytest.raises(ValueError, match="target"):
        corner_params(("k=2", "1", "0"), 32, 3, random.Random(0))
    with pytest.raises(ValueError, match="t_max"):
        corner_params(CORNERS[0], 4, 3, random.Random(0))
