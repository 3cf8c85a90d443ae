// Pure Verilator harness of esact_top (no Python, no VPI): replays a program written
// by tb/bench/esact_program.py -- APB register writes, 512-bit load beats (valid every
// cycle), layer runs (CTRL write, wait for irq_o and the output packet, compare it with
// the expected bytes, clear STATUS.done, read the counters over APB) -- and prints one
// JSON line per run plus a summary line.  The throughput reference of `make bench`
// (sim_ratio = this harness's cycles/s over the cocotb environment's).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vtop.h"
#include "verilated.h"

namespace {

constexpr int kBeatBytes = 64;
constexpr uint32_t kCtrl = 0x00, kStatus = 0x04, kCycles = 0x30, kExecLo = 0x34, kExecHi = 0x38,
                   kSkipLo = 0x3C, kSkipHi = 0x40, kStage0 = 0x44;

struct Harness {
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vtop> top;
  uint64_t clocks = 0;
  // output capture
  std::vector<uint8_t> out;
  bool out_last_seen = false;
  uint64_t max_clocks = 0;
  // half a clock period in time steps: simulation time advances as in the cocotb
  // simulation (10 ns clock), so $time-dependent logic -- the assertion checkers are
  // off while `$time == 0` (hdl/assert/prim_assert.svh, ASSERT_OFF) -- runs as there
  uint64_t half_steps = 5000;
  // outputs sampled just before the last rising edge
  bool pre_ld_ready = false, pre_pready = false, pre_pslverr = false;
  uint32_t pre_prdata = 0;

  explicit Harness(int argc, char** argv) : ctx(new VerilatedContext) {
    ctx->commandArgs(argc, argv);
    top.reset(new Vtop{ctx.get()});
    double steps = 5.0;  // ns
    for (int p = ctx->timeprecision(); p < -9; ++p) steps *= 10.0;
    for (int p = ctx->timeprecision(); p > -9; --p) steps /= 10.0;
    half_steps = steps < 1.0 ? 1 : static_cast<uint64_t>(steps);
    top->clk_i = 0;
    top->rst_ni = 0;
    top->psel_i = 0;
    top->penable_i = 0;
    top->pwrite_i = 0;
    top->pprot_i = 0;
    top->pstrb_i = 0xF;
    top->ld_valid_i = 0;
    top->out_ready_i = 1;
    top->eval();
  }

  // One clock: inputs are already set (clk low); settle, sample the handshakes before
  // the rising edge, then the edge.  The falling edge needs no eval of its own (the
  // design has no negedge logic): the next tick's first eval covers it, so a clock
  // costs two evals, as in a plain Verilator main loop.
  void tick() {
    top->eval();
    pre_ld_ready = top->ld_ready_o;
    pre_pready = top->pready_o;
    pre_pslverr = top->pslverr_o;
    pre_prdata = top->prdata_o;
    if (top->out_valid_o && top->out_ready_i) {
      const uint8_t* p = reinterpret_cast<const uint8_t*>(top->out_data_o.data());
      out.insert(out.end(), p, p + kBeatBytes);
      if (top->out_last_o) out_last_seen = true;
    }
    ctx->timeInc(half_steps);
    top->clk_i = 1;
    top->eval();
    ctx->timeInc(half_steps);
    top->clk_i = 0;
    ++clocks;
    if (max_clocks && clocks > max_clocks) {
      std::fprintf(stderr, "esact_harness: watchdog: no progress after %llu clocks\n",
                   static_cast<unsigned long long>(clocks));
      std::exit(3);
    }
  }

  void reset() {
    top->rst_ni = 0;
    for (int i = 0; i < 5; ++i) tick();
    top->rst_ni = 1;
    tick();
  }

  uint32_t apb(bool write, uint32_t addr, uint32_t data) {
    top->psel_i = 1;
    top->penable_i = 0;
    top->pwrite_i = write;
    top->paddr_i = addr;
    top->pwdata_i = data;
    tick();
    top->penable_i = 1;
    uint32_t rdata = 0;
    for (int guard = 0;; ++guard) {
      tick();
      if (pre_pready) {
        rdata = pre_prdata;
        if (pre_pslverr) {
          std::fprintf(stderr, "esact_harness: APB %s 0x%x: PSLVERR\n", write ? "write" : "read", addr);
          std::exit(4);
        }
        break;
      }
      if (guard > 1000) {
        std::fprintf(stderr, "esact_harness: APB access 0x%x never ready\n", addr);
        std::exit(4);
      }
    }
    top->psel_i = 0;
    top->penable_i = 0;
    return rdata;
  }

  void load(uint32_t addr, const uint8_t* data) {
    top->ld_valid_i = 1;
    top->ld_addr_i = addr;
    std::memcpy(top->ld_data_i.data(), data, kBeatBytes);
    do {
      tick();
    } while (!pre_ld_ready);
    top->ld_valid_i = 0;
  }
};

bool rd(FILE* f, void* p, size_t n) { return std::fread(p, 1, n, f) == n; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s program.bin [+verilator args]\n", argv[0]);
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) {
    std::fprintf(stderr, "esact_harness: cannot open %s\n", argv[1]);
    return 2;
  }
  Harness h(argc, argv);
  h.reset();
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t runs = 0, bad_runs = 0, loads = 0;
  uint8_t beat[kBeatBytes];
  for (;;) {
    uint8_t op;
    if (!rd(f, &op, 1)) break;
    if (op == 'W') {
      uint32_t a, d;
      if (!rd(f, &a, 4) || !rd(f, &d, 4)) break;
      h.apb(true, a, d);
    } else if (op == 'L') {
      uint32_t a;
      if (!rd(f, &a, 4) || !rd(f, beat, kBeatBytes)) break;
      h.load(a, beat);
      ++loads;
    } else if (op == 'R') {
      uint32_t ctrl, id, nbytes;
      uint64_t budget;
      if (!rd(f, &ctrl, 4) || !rd(f, &id, 4) || !rd(f, &budget, 8) || !rd(f, &nbytes, 4)) break;
      std::vector<uint8_t> expect(nbytes);
      if (!rd(f, expect.data(), nbytes)) break;
      h.out.clear();
      h.out_last_seen = false;
      const uint64_t c0 = h.clocks;
      h.max_clocks = h.clocks + budget;
      h.apb(true, kCtrl, ctrl);
      while (!(h.top->irq_o && h.out_last_seen)) h.tick();
      const uint64_t run_clocks = h.clocks - c0;
      h.max_clocks = 0;
      h.apb(true, kStatus, 0x2);  // clear done (write 1 to clear)
      const uint32_t cyc = h.apb(false, kCycles, 0);
      const uint64_t ex = h.apb(false, kExecLo, 0) | (uint64_t(h.apb(false, kExecHi, 0)) << 32);
      const uint64_t sk = h.apb(false, kSkipLo, 0) | (uint64_t(h.apb(false, kSkipHi, 0)) << 32);
      uint32_t st[8];
      for (int i = 0; i < 8; ++i) st[i] = h.apb(false, kStage0 + 4 * i, 0);
      size_t mism = 0;
      if (h.out.size() != expect.size()) {
        mism = expect.size() / kBeatBytes + 1;
      } else {
        for (size_t b = 0; b < expect.size(); b += kBeatBytes)
          if (std::memcmp(&h.out[b], &expect[b], kBeatBytes) != 0) ++mism;
      }
      ++runs;
      if (mism) ++bad_runs;
      std::printf("{\"run\": %u, \"clocks\": %llu, \"cycles\": %u, \"exec_macs\": %llu, \"skip_macs\": %llu, "
                  "\"stage_cycles\": [%u, %u, %u, %u, %u, %u, %u, %u], \"out_beats\": %zu, "
                  "\"expected_beats\": %zu, \"mismatched_beats\": %zu}\n",
                  id, static_cast<unsigned long long>(run_clocks), cyc, static_cast<unsigned long long>(ex),
                  static_cast<unsigned long long>(sk), st[0], st[1], st[2], st[3], st[4], st[5], st[6], st[7],
                  h.out.size() / kBeatBytes, expect.size() / kBeatBytes, mism);
      std::fflush(stdout);
    } else {
      std::fprintf(stderr, "esact_harness: bad opcode 0x%02x in %s\n", op, argv[1]);
      return 2;
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"summary\": true, \"runs\": %llu, \"bad_runs\": %llu, \"loads\": %llu, \"clocks\": %llu, "
              "\"wall_s\": %.3f, \"cycles_per_s\": %.1f}\n",
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(bad_runs),
              static_cast<unsigned long long>(loads), static_cast<unsigned long long>(h.clocks), wall,
              h.clocks / wall);
  h.top->final();
  std::fclose(f);
  return bad_runs ? 1 : 0;
}
