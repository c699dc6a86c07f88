#include "chain/keccak.h"

#include <cstring>

namespace trainyard::chain {

namespace {

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets and lane permutation of rho+pi, in the order of the
// usual compact implementation (lane 1 walks through all 24 others).
constexpr int kRho[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                          27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr int kPi[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                         15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

inline uint64_t Rotl(uint64_t x, int s) { return (x << s) | (x >> (64 - s)); }

void KeccakF1600(uint64_t st[25]) {
  for (int round = 0; round < 24; ++round) {
    uint64_t bc[5];
    for (int i = 0; i < 5; ++i) {
      bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
    }
    for (int i = 0; i < 5; ++i) {
      uint64_t t = bc[(i + 4) % 5] ^ Rotl(bc[(i + 1) % 5], 1);
      for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
    }
    uint64_t t = st[1];
    for (int i = 0; i < 24; ++i) {
      int j = kPi[i];
      uint64_t tmp = st[j];
      st[j] = Rotl(t, kRho[i]);
      t = tmp;
    }
    for (int j = 0; j < 25; j += 5) {
      for (int i = 0; i < 5; ++i) bc[i] = st[j + i];
      for (int i = 0; i < 5; ++i) {
        st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
      }
    }
    st[0] ^= kRoundConstants[round];
  }
}

// Lanes are little-endian 64-bit words of the byte stream.
void AbsorbBlock(uint64_t st[25], const uint8_t* block, size_t rate) {
  for (size_t i = 0; i < rate / 8; ++i) {
    uint64_t lane = 0;
    for (int b = 7; b >= 0; --b) lane = (lane << 8) | block[i * 8 + b];
    st[i] ^= lane;
  }
  KeccakF1600(st);
}

}  // namespace

Hash32 Keccak256(const uint8_t* data, size_t size) {
  constexpr size_t kRate = 136;  // 1088 bits for a 256-bit output
  uint64_t st[25] = {};
  while (size >= kRate) {
    AbsorbBlock(st, data, kRate);
    data += kRate;
    size -= kRate;
  }
  uint8_t last[kRate] = {};
  if (size > 0) std::memcpy(last, data, size);
  last[size] ^= 0x01;  // Keccak padding (SHA3 would use 0x06)
  last[kRate - 1] ^= 0x80;
  AbsorbBlock(st, last, kRate);
  Hash32 out;
  for (int i = 0; i < 32; ++i) {
    out[i] = static_cast<uint8_t>(st[i / 8] >> (8 * (i % 8)));
  }
  return out;
}

std::array<uint8_t, 4> Selector(std::string_view signature) {
  Hash32 h = Keccak256(signature);
  return {h[0], h[1], h[2], h[3]};
}

}  // namespace trainyard::chain
