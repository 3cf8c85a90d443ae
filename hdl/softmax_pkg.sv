// Copyright ESACT verification project contributors.
// SPDX-License-Identifier: Apache-2.0
//
// softmax_pkg: constants of the integer softmax.  Each mirrors the golden model
// (models/intops.py); tests/test_rtl_constants.py checks that they agree.

package softmax_pkg;

  // Integer softmax: base-2 exponent with EXP_FRAC fractional bits,
  // EXP_LUT[f] = round(2^15 * 2^(-f / 2^EXP_FRAC)).
  localparam int unsigned EXP_FRAC       = 6;
  localparam int unsigned EXP_ZERO_SHIFT = 16;
  localparam int unsigned SM_RECIP_BITS  = 32;
  localparam int unsigned P_BITS         = 8;

  localparam logic [15:0] EXP_LUT [64] = '{
    16'd32768, 16'd32415, 16'd32066, 16'd31720, 16'd31379, 16'd31041, 16'd30706, 16'd30376,
    16'd30048, 16'd29725, 16'd29405, 16'd29088, 16'd28774, 16'd28464, 16'd28158, 16'd27855,
    16'd27554, 16'd27258, 16'd26964, 16'd26674, 16'd26386, 16'd26102, 16'd25821, 16'd25543,
    16'd25268, 16'd24995, 16'd24726, 16'd24460, 16'd24196, 16'd23936, 16'd23678, 16'd23423,
    16'd23170, 16'd22921, 16'd22674, 16'd22430, 16'd22188, 16'd21949, 16'd21713, 16'd21479,
    16'd21247, 16'd21019, 16'd20792, 16'd20568, 16'd20347, 16'd20127, 16'd19911, 16'd19696,
    16'd19484, 16'd19274, 16'd19066, 16'd18861, 16'd18658, 16'd18457, 16'd18258, 16'd18061,
    16'd17867, 16'd17674, 16'd17484, 16'd17296, 16'd17109, 16'd16925, 16'd16743, 16'd16562
  };

endpackage
