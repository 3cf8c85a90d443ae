"""Bad configuration of the shared agents is refused with a ValueError naming the
parameter and its legal values (tb/agents)."""

import pytest

from tb.agents.apb.apb_item import ApbItem
from tb.agents.stream.stream_cfg import StreamCfg

SIGNALS = {"valid": "valid_i", "ready": "ready_o", "data": "data_i"}


@pytest.mark.parametrize("prot", [-1, 8])
def test_apb_prot_out_of_range(prot):
    with pytest.raises(ValueError, match=r"prot=.*0\.\.7"):
        ApbItem("t", 0, False, 0, prot=prot)


def test_apb_prot_in_range():
    assert [ApbItem("t", prot=p).prot for p in (0, 7)] == [0, 7]


def test_stream_idle_payload_refused():
    with pytest.raises(ValueError, match="idle_payload must be 'random', 'mixed' or 'hold'"):
        StreamCfg(prefix="in", signals=SIGNALS, item_type=dict, idle_payload="zero")


@pytest.mark.parametrize("mode", ["random", "mixed", "hold"])
def test_stream_idle_payload_accepted(mode):
    assert StreamCfg(prefix="in", signals=SIGNALS, item_type=dict, idle_payload=mode).idle_payload == mode
