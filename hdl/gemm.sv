// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// gemm: the GEMM engine (gemm_core) with its own operand memories, written through a
// load stream that is stalled while a job runs.  A is M_MAX rows of K_MAX bytes, B is
// K_MAX rows of N_MAX bytes; one load beat writes PE_C bytes (ld_sel_i: 0 = A,
// 1 = B; ld_row_i: row of A or k of B; ld_word_i: which PE_C-byte word of that row).
// Writes outside the memories are ignored.  Commands and results: see gemm_core.sv.

module gemm #(
  parameter int unsigned PE_R  = 8,
  parameter int unsigned PE_C  = 8,
  parameter int unsigned M_MAX = 32,
  parameter int unsigned N_MAX = 32,
  parameter int unsigned K_MAX = 64,
  localparam int unsigned MW   = $clog2(M_MAX + 1),
  localparam int unsigned NW   = $clog2(N_MAX + 1),
  localparam int unsigned KW   = $clog2(K_MAX + 1),
  localparam int unsigned NT   = N_MAX / PE_C,
  localparam int unsigned KWd  = K_MAX / PE_C,
  localparam int unsigned TW   = $clog2(NT + 1),
  localparam int unsigned AIdxW   = $clog2(M_MAX),
  localparam int unsigned KIdxW   = $clog2(K_MAX),
  localparam int unsigned TIdxW   = (NT > 1) ? $clog2(NT) : 1,
  localparam int unsigned LdRowW  = (KW > MW) ? KW : MW,
  localparam int unsigned LdWordW = $clog2(((NT > KWd) ? NT : KWd) + 1)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  input  logic                  ld_valid_i,
  output logic                  ld_ready_o,
  input  logic                  ld_sel_i,
  input  logic [LdRowW-1:0]     ld_row_i,
  input  logic [LdWordW-1:0]    ld_word_i,
  input  logic [PE_C*8-1:0]     ld_data_i,

  input  logic                  cmd_valid_i,
  output logic                  cmd_ready_o,
  input  logic [MW-1:0]         cmd_m_i,
  input  logic [NW-1:0]         cmd_n_i,
  input  logic [KW-1:0]         cmd_k_i,
  input  logic                  cmd_a_unsigned_i,
  input  logic [M_MAX-1:0]      cmd_row_mask_i,
  input  logic [NT-1:0]         cmd_ctile_mask_i,
  input  logic [K_MAX-1:0]      cmd_k_mask_i,

  output logic                  out_valid_o,
  input  logic                  out_ready_i,
  output logic [MW-1:0]         out_row_o,
  output logic [TW-1:0]         out_ctile_o,
  output logic [PE_C*32-1:0]    out_data_o,
  output logic                  out_none_o,
  output logic                  out_err_o,
  output logic                  out_last_o
);

  logic [7:0]        a_mem [M_MAX][K_MAX];
  logic [PE_C*8-1:0] b_mem [K_MAX][NT];
  logic [PE_R*AIdxW-1:0] a_rd_row;
  logic [KIdxW-1:0]      a_rd_k;
  logic [PE_R*8-1:0]     a_rd_data;
  logic [KIdxW-1:0]      b_rd_k;
  logic [TIdxW-1:0]      b_rd_tile;
  logic                  busy;
  logic [$clog2(PE_R * PE_C + 1)-1:0] unused_macs;  // counted by esact_top only

  assign ld_ready_o = !busy;

  always_ff @(posedge clk_i) begin
    if (ld_valid_i && ld_ready_o) begin
      if (!ld_sel_i) begin
        for (int unsigned m = 0; m < M_MAX; m++) begin
          for (int unsigned w = 0; w < KWd; w++) begin
            if (LdRowW'(m) == ld_row_i && LdWordW'(w) == ld_word_i) begin
              for (int unsigned b = 0; b < PE_C; b++) begin
                a_mem[m][w*PE_C+b] <= ld_data_i[b*8 +: 8];
              end
            end
          end
        end
      end else begin
        for (int unsigned k = 0; k < K_MAX; k++) begin
          for (int unsigned t = 0; t < NT; t++) begin
            if (LdRowW'(k) == ld_row_i && LdWordW'(t) == ld_word_i) begin
              b_mem[k][t] <= ld_data_i;
            end
          end
        end
      end
    end
  end

  always_comb begin
    for (int unsigned r = 0; r < PE_R; r++) begin
      a_rd_data[r*8 +: 8] = a_mem[a_rd_row[r*AIdxW +: AIdxW]][a_rd_k];
    end
  end

  gemm_core #(
    .PE_R (PE_R), .PE_C (PE_C), .M_MAX (M_MAX), .N_MAX (N_MAX), .K_MAX (K_MAX)
  ) u_core (
    .clk_i,
    .rst_ni,
    .a_rd_row_o  (a_rd_row),
    .a_rd_k_o    (a_rd_k),
    .a_rd_data_i (a_rd_data),
    .b_rd_k_o    (b_rd_k),
    .b_rd_tile_o (b_rd_tile),
    .b_rd_data_i (b_mem[b_rd_k][b_rd_tile]),
    .busy_o      (busy),
    .macs_o      (unused_macs),
    .cmd_valid_i,
    .cmd_ready_o,
    .cmd_m_i,
    .cmd_n_i,
    .cmd_k_i,
    .cmd_a_unsigned_i,
    .cmd_row_mask_i,
    .cmd_ctile_mask_i,
    .cmd_k_mask_i,
    .out_valid_o,
    .out_ready_i,
    .out_row_o,
    .out_ctile_o,
    .out_data_o,
    .out_none_o,
    .out_err_o,
    .out_last_o
  );

endmodule
