#!/usr/bin/env node
// SDK half of bench/univ3_vs_sdk.sh: builds a pool (full-range liquidity plus
// a ladder of 200 one-spacing positions), generates a deterministic sequence
// of swaps, runs it through @uniswap/v3-sdk's v3Swap (the SDK's swap
// simulator, JSBI arithmetic) and writes the sequence, the SDK's timing and
// its final state to a JSON file for the C++ engine to replay.
//
//   node swap_bench.js <out.json> [swaps=20000] [repetitions=3]
'use strict';

const fs = require('fs');
const JSBI = require('jsbi');
const sdk = require('@uniswap/v3-sdk');
const { TickMath, TickListDataProvider, Pool } = sdk;
const { Token, CurrencyAmount } = require('@uniswap/sdk-core');

const out = process.argv[2];
const nSwaps = Number(process.argv[3] || 20000);
const reps = Number(process.argv[4] || 3);
if (!out) {
  console.error('usage: node swap_bench.js <out.json> [swaps] [repetitions]');
  process.exit(2);
}

let state = 0x2545f4914f6cdd1dn;
function nextU64() {
  state ^= state >> 12n;
  state ^= (state << 25n) & 0xffffffffffffffffn;
  state ^= state >> 27n;
  return (state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}

const fee = 3000, spacing = 60;
const E18 = 10n ** 18n;
const positions = [{ tick_lower: -887220, tick_upper: 887220, liquidity: (1000n * E18).toString() }];
for (let i = -100; i < 100; ++i) {
  positions.push({ tick_lower: i * spacing, tick_upper: i * spacing + spacing, liquidity: (100n * E18).toString() });
}
const sqrt0 = BigInt(TickMath.getSqrtRatioAtTick(0).toString());
// Every tick a position references is initialized on chain (even with zero
// net liquidity) and bounds a swap step, so all of them go to the SDK.
const net = new Map();
let liquidity0 = 0n;
for (const p of positions) {
  const l = BigInt(p.liquidity);
  net.set(p.tick_lower, (net.get(p.tick_lower) || 0n) + l);
  net.set(p.tick_upper, (net.get(p.tick_upper) || 0n) - l);
  if (p.tick_lower <= 0 && 0 < p.tick_upper) liquidity0 += l;
}
const ticks = [...net.entries()].sort((a, b) => a[0] - b[0])
  .map(([index, v]) => ({ index, liquidityNet: v.toString(), liquidityGross: '1' }));
const provider = new TickListDataProvider(ticks, spacing);

// Sizes from 0.001 to ~4 tokens: most swaps stay within a range, larger ones
// cross a few initialized ticks. One in four is exact output.
const swaps = [];
for (let i = 0; i < nSwaps; ++i) {
  const zeroForOne = nextU64() % 2n === 0n;
  let amount = 10n ** 15n + (nextU64() % (4n * E18));
  if (nextU64() % 4n === 0n) amount = -(amount / 2n);
  swaps.push({ zero_for_one: zeroForOne, amount_specified: amount.toString() });
}
const jsbiSwaps = swaps.map((s) => ({ zfo: s.zero_for_one, amount: JSBI.BigInt(s.amount_specified) }));

async function runOnce(trace) {
  let st = { sqrt: JSBI.BigInt(sqrt0.toString()), tick: 0, liquidity: JSBI.BigInt(liquidity0.toString()) };
  let checksum = 0n;
  for (const s of jsbiSwaps) {
    const r = await sdk.v3Swap(JSBI.BigInt(fee), st.sqrt, st.tick, st.liquidity, spacing, provider, s.zfo, s.amount);
    checksum += BigInt(r.amountCalculated.toString());
    if (trace) trace.push({ amount_calculated: r.amountCalculated.toString(), sqrt_price_x96: r.sqrtRatioX96.toString(), tick: r.tickCurrent });
    st = { sqrt: r.sqrtRatioX96, tick: r.tickCurrent, liquidity: r.liquidity };
  }
  return { st, checksum };
}

// The SDK's public API: Pool.getOutputAmount / getInputAmount, which wrap
// v3Swap with CurrencyAmount bookkeeping and return the next Pool.
const token0 = new Token(1, '0x0000000000000000000000000000000000000001', 18, 'T0');
const token1 = new Token(1, '0x0000000000000000000000000000000000000002', 18, 'T1');
async function runPublicApiOnce() {
  let pool = new Pool(token0, token1, fee, JSBI.BigInt(sqrt0.toString()), JSBI.BigInt(liquidity0.toString()), 0, provider);
  for (const s of jsbiSwaps) {
    const [tokenIn, tokenOut] = s.zfo ? [token0, token1] : [token1, token0];
    if (JSBI.greaterThan(s.amount, JSBI.BigInt(0))) {
      [, pool] = await pool.getOutputAmount(CurrencyAmount.fromRawAmount(tokenIn, s.amount));
    } else {
      [, pool] = await pool.getInputAmount(CurrencyAmount.fromRawAmount(tokenOut, JSBI.multiply(s.amount, JSBI.BigInt(-1))));
    }
  }
  return pool;
}

(async () => {
  // Wall time, and process CPU time (user + system, all of node's threads,
  // so garbage collection on helper threads counts), which unlike wall time
  // excludes the time other processes take on a shared machine.
  let best = Infinity, bestCpu = Infinity, result;
  for (let r = 0; r < reps; ++r) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    result = await runOnce();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    best = Math.min(best, secs);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
  }
  const rate = nSwaps / best;
  let bestPublic = Infinity, finalPool;
  for (let r = 0; r < reps; ++r) {
    const t0 = process.hrtime.bigint();
    finalPool = await runPublicApiOnce();
    bestPublic = Math.min(bestPublic, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  if (finalPool.sqrtRatioX96.toString() !== result.st.sqrt.toString()) {
    throw new Error('public API and v3Swap disagree');
  }
  // Untimed pass recording every swap's result, to locate any divergence.
  const trace = [];
  await runOnce(trace);
  fs.writeFileSync(out, JSON.stringify({
    fee, tick_spacing: spacing, sqrt_price_x96: sqrt0.toString(), positions, swaps,
    trace,
    sdk: { seconds: best, swaps_per_second: rate, checksum: result.checksum.toString(),
           final: { sqrt_price_x96: result.st.sqrt.toString(), tick: result.st.tick,
                    liquidity: result.st.liquidity.toString() } },
  }));
  console.log(`sdk_swaps_per_second ${rate.toFixed(0)}`);
  console.log(`sdk_swaps_per_cpu_second ${(nSwaps / bestCpu).toFixed(0)}`);
  console.log(`sdk_public_api_swaps_per_second ${(nSwaps / bestPublic).toFixed(0)}`);
})().catch((e) => { console.error(e); process.exit(1); });
