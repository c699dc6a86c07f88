// TY_MULTIVERSION compiles a hot loop for AVX-512, AVX2+FMA and baseline
// x86-64 and picks the best when the program loads (GCC function
// multiversioning), so the binary still runs on any x86-64 machine.
// Elsewhere (other compilers or CPUs, sanitizer builds) it is empty.
// INTERNAL to src/rl.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(__SANITIZE_ADDRESS__)
#define TY_MULTIVERSION \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TY_MULTIVERSION
#endif
