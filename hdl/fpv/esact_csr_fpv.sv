// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// esact_csr_fpv: helper invariants of the generated CSR block's APB front end (bound
// in `make formal` next to esact_apb_chk): the block is active exactly in the access
// cycle that follows a setup cycle, and its internal request pulse coincides with it.
// They tie the block's state to the protocol so that k-induction closes on the APB
// rules (AccessCompletes, PreadyOnlyInAccess, ...).

`include "prim_assert.svh"

module esact_csr_fpv (
  input logic clk,
  input logic rst_n,
  input logic s_apb_psel,
  input logic s_apb_penable,
  input logic is_active,
  input logic cpuif_req
);

  logic setup_q;
  always_ff @(posedge clk) begin
    if (!rst_n) setup_q <= 1'b0;
    else setup_q <= s_apb_psel && !s_apb_penable;
  end

  `ASSERT(ActiveInAccessCycle_A, is_active == setup_q, clk, rst_n)
  `ASSERT(RequestWhenActive_A, cpuif_req == is_active, clk, rst_n)

endmodule

bind esact_csr esact_csr_fpv u_esact_csr_fpv (.*);
