// The ethers.js half of bench/chain.sh: the same work as chain_bench's
// batched snapshot and paged history, done the way a node.js user would
// with ethers v6 (tests/chain's lockfile), against the same node at the same
// block. Prints "name value" lines.
//
//   node bench/chain_ethers.js RPC POOL BLOCK [max_batch=200] [page_blocks=5000]
//
// Same calls in the same round trips as Trainyard's client on purpose:
// ethers' JsonRpcProvider batches the calls issued together (batchMaxCount =
// Trainyard's max_batch) and the snapshot issues them in the same groups
// (the block, the pool's code and getters together; bitmap words; ticks; the
// block hash again); the history reads the last block's hash, asks
// eth_getLogs for the same pages, one after the other, decodes every log
// with the pool's ABI (Trainyard decodes into 256-bit integers too) and
// reads the hash again (Trainyard's reorganisation check).
'use strict';
const path = require('path');

const modules = path.join(__dirname, '..', 'tests', 'chain', 'node_modules');
const { ethers } = require(path.join(modules, 'ethers'));
const poolAbi = require(path.join(modules,
    '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json')).abi;

const [rpc, poolAddr, blockArg, batchArg, pageArg] = process.argv.slice(2);
if (!rpc || !poolAddr || !blockArg) {
  process.stderr.write('usage: chain_ethers.js RPC POOL BLOCK [max_batch] [page_blocks]\n');
  process.exit(2);
}
const block = Number(blockArg);
const maxBatch = Number(batchArg || '200');
const pageBlocks = Number(pageArg || '5000');
const MIN_TICK = -887272, MAX_TICK = 887272;

// Counts HTTP requests (one per batch), as Trainyard's round_trips does.
class CountingProvider extends ethers.JsonRpcProvider {
  constructor(url, options) {
    super(url, undefined, options);
    this.roundTrips = 0;
  }
  async _send(payload) {
    this.roundTrips += 1;
    return super._send(payload);
  }
}

function provider() {
  return new CountingProvider(rpc, {
    staticNetwork: true, batchMaxCount: maxBatch, batchMaxSize: 1 << 30,
    batchStallTime: 0,
  });
}

async function snapshot() {
  const p = provider();
  const pool = new ethers.Contract(poolAddr, poolAbi, p);
  const at = { blockTag: block };
  const [blockBefore, code, fee, spacing, token0, token1, slot0, liquidity,
    fg0, fg1, protocolFees] =
      await Promise.all([p.getBlock(block), p.getCode(poolAddr, block),
        pool.fee(at), pool.tickSpacing(at), pool.token0(at),
        pool.token1(at), pool.slot0(at), pool.liquidity(at),
        pool.feeGrowthGlobal0X128(at), pool.feeGrowthGlobal1X128(at),
        pool.protocolFees(at)]);
  const hashBefore = blockBefore.hash;
  if (code === '0x') throw new Error('no contract');
  const s = Number(spacing);
  // JavaScript's >> on negative numbers floors, like Solidity's on int24.
  const minWord = Math.trunc(MIN_TICK / s) >> 8;
  const maxWord = Math.trunc(MAX_TICK / s) >> 8;
  const wordCalls = [];
  for (let w = minWord; w <= maxWord; ++w) wordCalls.push(pool.tickBitmap(w, at));
  const words = await Promise.all(wordCalls);
  const ticks = [];
  words.forEach((word, i) => {
    for (let bit = 0n; bit < 256n; ++bit) {
      if ((word >> bit) & 1n) ticks.push(((minWord + i) * 256 + Number(bit)) * s);
    }
  });
  const infos = await Promise.all(ticks.map((t) => pool.ticks(t, at)));
  const hashAfter = (await p.getBlock(block)).hash;
  if (hashBefore !== hashAfter) throw new Error('reorg');
  for (const info of infos) {
    if (!info.initialized) throw new Error('inconsistent reads');
  }
  void [fee, token0, token1, slot0, liquidity, fg0, fg1, protocolFees];
  return { ticks: ticks.length, roundTrips: p.roundTrips };
}

async function history() {
  const p = provider();
  const iface = new ethers.Interface(poolAbi);
  const topics = ['Swap', 'Mint', 'Burn', 'Collect', 'Flash']
      .map((name) => iface.getEvent(name).topicHash);
  let events = 0;
  const hashBefore = (await p.getBlock(block)).hash;
  for (let from = 0; from <= block; from += pageBlocks) {
    const to = Math.min(block, from + pageBlocks - 1);
    const logs = await p.getLogs({ address: poolAddr, topics: [topics],
      fromBlock: from, toBlock: to });
    for (const log of logs) {
      if (log.removed) throw new Error('reorg');
      if (iface.parseLog(log) === null) throw new Error('unknown log');
      events += 1;
    }
  }
  if ((await p.getBlock(block)).hash !== hashBefore) throw new Error('reorg');
  return { events, roundTrips: p.roundTrips };
}

async function main() {
  let t = process.hrtime.bigint();
  const snap = await snapshot();
  const snapSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  const hist = await history();
  const histSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const out = [
    ['ethers_snapshot_initialised_ticks', snap.ticks],
    ['ethers_snapshot_seconds', snapSeconds.toFixed(3)],
    ['ethers_snapshot_round_trips', snap.roundTrips],
    ['ethers_history_events', hist.events],
    ['ethers_history_seconds', histSeconds.toFixed(3)],
    ['ethers_history_round_trips', hist.roundTrips],
  ];
  for (const [k, v] of out) process.stdout.write(`${k} ${v}\n`);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
