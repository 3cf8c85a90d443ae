"""The RTL units of the project: top module, source files (dependencies first), cocotb
test module, and the parameter sets that lint and simulation cover.  One table, read
by `make lint`, `make sim` (tests/sim) and later tools (synth, mutate, coverage)."""

from __future__ import annotations

from .sim import SimUnit

UNITS: dict[str, SimUnit] = {
    "hlog_quant": SimUnit(
        name="hlog_quant",
        toplevel="hlog_quant",
        sources=("esact_stream_reg.sv", "hlog_enc.sv", "hlog_quant.sv"),
        test_module="tb.hlog_quant.hlog_quant_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "esact_hlog_spec.sv", "hlog_quant_assert.sv"),
    ),
    "requant": SimUnit(
        name="requant", toplevel="requant", sources=("esact_pipe_ctrl.sv", "requant.sv"),
        test_module="tb.requant.requant_tests",
        checkers=("esact_stream_chk.sv", "esact_pipe_ctrl_assert.sv", "requant_assert.sv"),
    ),
    "topk": SimUnit(name="topk", toplevel="topk", sources=("topk.sv",), test_module="tb.topk.topk_tests",
                    checkers=("esact_stream_chk.sv", "topk_assert.sv")),
    "spls_predict": SimUnit(
        name="spls_predict", toplevel="spls_predict",
        sources=("esact_stream_reg.sv", "hlog_enc.sv", "hlog_mul.sv", "spls_predict.sv"),
        test_module="tb.spls_predict.spls_predict_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "spls_predict_assert.sv"),
    ),
    "softmax": SimUnit(
        name="softmax", toplevel="softmax",
        sources=("esact_stream_reg.sv", "esact_row_in.sv", "esact_row_out.sv", "softmax_pkg.sv", "esact_seq_iter.sv", "div_seq.sv", "softmax.sv"),
        test_module="tb.softmax.softmax_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "esact_row_in_assert.sv", "esact_row_out_assert.sv",
                  "esact_seq_iter_assert.sv", "div_seq_assert.sv", "softmax_assert.sv"),
    ),
    "gelu": SimUnit(name="gelu", toplevel="gelu", sources=("esact_pipe_ctrl.sv", "gelu.sv"),
                    test_module="tb.gelu.gelu_tests",
                    checkers=("esact_stream_chk.sv", "esact_pipe_ctrl_assert.sv", "gelu_assert.sv")),
    "layernorm": SimUnit(
        name="layernorm", toplevel="layernorm",
        sources=("esact_stream_reg.sv", "esact_row_in.sv", "esact_row_out.sv", "esact_seq_iter.sv", "div_seq.sv", "isqrt_seq.sv", "layernorm.sv"),
        test_module="tb.layernorm.layernorm_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "esact_row_in_assert.sv", "esact_row_out_assert.sv",
                  "esact_seq_iter_assert.sv", "div_seq_assert.sv", "isqrt_seq_assert.sv", "layernorm_assert.sv"),
    ),
    "gemm": SimUnit(name="gemm", toplevel="gemm", sources=("esact_stream_reg.sv", "gemm_core.sv", "gemm.sv"),
                    test_module="tb.gemm.gemm_tests",
                    checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "gemm_core_assert.sv",
                              "gemm_assert.sv")),
    "local_sim": SimUnit(
        name="local_sim", toplevel="local_sim", sources=("esact_stream_reg.sv", "local_sim.sv"),
        test_module="tb.local_sim.local_sim_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "local_sim_assert.sv"),
    ),
    "esact_top": SimUnit(
        name="esact_top",
        toplevel="esact_top",
        sources=(
            "lint_waivers.vlt", "gen/esact_csr_pkg.sv", "gen/esact_csr.sv", "esact_pkg.sv", "esact_stream_reg.sv", "esact_row_in.sv", "esact_row_out.sv",
            "hlog_enc.sv", "hlog_mul.sv", "spls_predict.sv", "topk.sv", "local_sim.sv", "softmax_pkg.sv",
            "esact_seq_iter.sv", "div_seq.sv", "isqrt_seq.sv", "softmax.sv", "layernorm.sv", "esact_pipe_ctrl.sv", "gelu.sv",
            "requant.sv", "gemm_core.sv",
            # the engines of esact_top and the top (the stage sequencer)
            "esact_regs.sv", "esact_load.sv", "esact_param_buf.sv", "esact_act_buf.sv", "esact_pred.sv",
            "esact_gemm_jobs.sv", "esact_gemm.sv", "esact_row_feed.sv", "esact_softmax_stage.sv",
            "esact_ln_stage.sv", "esact_stream.sv", "esact_top.sv",
        ),
        test_module="tb.esact_top.esact_top_tests",
        checkers=("esact_stream_chk.sv", "esact_stream_reg_assert.sv", "esact_row_in_assert.sv", "esact_row_out_assert.sv", "esact_apb_chk.sv",
                  "esact_seq_iter_assert.sv",
                  "div_seq_assert.sv", "isqrt_seq_assert.sv", "topk_assert.sv", "local_sim_assert.sv",
                  "softmax_assert.sv", "layernorm_assert.sv", "esact_pipe_ctrl_assert.sv", "gelu_assert.sv",
                  "requant_assert.sv", "gemm_core_assert.sv",
                  "spls_predict_assert.sv", "esact_pred_assert.sv", "esact_param_buf_assert.sv", "esact_gemm_jobs_assert.sv", "esact_gemm_assert.sv",
                  "esact_row_feed_assert.sv", "esact_softmax_stage_assert.sv", "esact_ln_stage_assert.sv",
                  "esact_stream_assert.sv", "esact_top_assert.sv"),
    ),
}

# Parameter sets each unit is linted and simulated with (the first is the default build).
PARAM_SETS: dict[str, dict[str, dict[str, int]]] = {
    "hlog_quant": {
        "w8_l1_trunc": {"WIDTH": 8, "LANES": 1, "ROUND": 0},
        "w8_l4_round": {"WIDTH": 8, "LANES": 4, "ROUND": 1},
    },
    "requant": {"l8": {"LANES": 8}, "l3_tag12": {"LANES": 3, "TAG_W": 12}},
    "topk": {"t128_l8": {"T_MAX": 128, "LANES": 8, "W": 24}, "t20_l3": {"T_MAX": 20, "LANES": 3, "W": 24}},
    "spls_predict": {"l8_e4": {"LANES": 8, "ELEMS": 4, "ROUND": 0}, "l3_e1_round": {"LANES": 3, "ELEMS": 1, "ROUND": 1}},
    "softmax": {"t128_l8": {"T_MAX": 128, "LANES": 8}, "t20_l3": {"T_MAX": 20, "LANES": 3}},
    "gelu": {"l8": {"LANES": 8}, "l2_tag9": {"LANES": 2, "TAG_W": 9}},
    "layernorm": {"n512_l8": {"N_MAX": 512, "LANES": 8}, "n24_l5": {"N_MAX": 24, "LANES": 5}},
    "gemm": {
        "pe8x8": {"PE_R": 8, "PE_C": 8, "M_MAX": 32, "N_MAX": 32, "K_MAX": 64},
        # K_MAX not a power of two (as in the MiniLM build, 1536): the k counter's
        # width then has values past K_MAX, which a power-of-two build cannot show
        "pe4x2": {"PE_R": 4, "PE_C": 2, "M_MAX": 16, "N_MAX": 8, "K_MAX": 24},
    },
    "esact_top": {
        "minilm": {},
        "small": {"T_MAX": 32, "D_MAX": 128, "F_MAX": 256, "H_MAX": 4},
    },
    "local_sim": {"t128_h12": {"T_MAX": 128, "H_MAX": 12}, "t16_h3": {"T_MAX": 16, "H_MAX": 3}},
}
