// A local EVM for the chain/ tests and bench/chain.sh: ganache on loopback
// with Uniswap V3's own compiled contracts (v3-core factory and pools,
// v3-periphery NonfungiblePositionManager, SwapRouter, QuoterV2) and plain
// ERC-20 tokens (OpenZeppelin's compiled ERC20PresetMinterPauser).
//
//   node testnet.js --port N [--seed S] [--positions K] [--swaps K] [--spread T]
//
// --spread: positions are centred up to T ticks from the pool's price
// (default 3000; bench/chain.sh widens it for pools with many ticks).
// --fast: positions and swaps are sent as one eth_sendTransaction each,
// without ethers' polling (ganache mines them at once); for large chains.
// --per-block K (with --fast): the miner is stopped and positions and swaps
// go out K at a time in one JSON-RPC batch, then one evm_mine puts all K in
// one block. ganache's cost is mostly per block (state and receipt tries,
// its database), so bench/chain.sh's chain of ~21,000 transactions deploys
// in minutes instead of ~35 (every event still has its own transaction and
// log index; blocks simply hold many).
// --only-last-pool: the 0.3% pool is created but gets no positions or swaps
// (bench/chain.sh measures the 0.05% one only: half the transactions).
//
// Deploys, creates two pools with seeded random positions and swaps, then
// prints one JSON line with the addresses ("READY {...}") and serves until
// it is killed. Test harness only: the product has no JavaScript at run time.
'use strict';
const path = require('path');
const ganache = require('ganache');
const { ethers } = require('ethers');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const port = Number(arg('port', '8545'));
let seed = Number(arg('seed', '1')) >>> 0;
const nPositions = Number(arg('positions', '24'));
const nSwaps = Number(arg('swaps', '20'));
const spread = Number(arg('spread', '3000'));
const fast = process.argv.includes('--fast');
const perBlock = fast ? Number(arg('per-block', '1')) : 1;
const onlyLastPool = process.argv.includes('--only-last-pool');

// Small seeded generator (mulberry32) so a failing run can be reproduced.
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function randInt(lo, hi) { return lo + Math.floor(rand() * (hi - lo + 1)); }

// ganache underestimates gas for calls that call back (mint, swap): give
// every transaction a fixed limit instead of eth_estimateGas.
const GAS = { gasLimit: 8000000 };

function artifact(rel) {
  return require(path.join(__dirname, 'node_modules', rel));
}
const A = {
  factory: artifact('@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json'),
  pool: artifact('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json'),
  npm: artifact('@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json'),
  router: artifact('@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json'),
  quoter: artifact('@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol/QuoterV2.json'),
  erc20: artifact('@openzeppelin/contracts/build/contracts/ERC20PresetMinterPauser.json'),
};

async function deploy(signer, art, ...args) {
  const f = new ethers.ContractFactory(art.abi, art.bytecode, signer);
  const c = await f.deploy(...args);
  await c.waitForDeployment();
  return c;
}

// sqrt(price) * 2^96 for a price given as a float.
function encodePrice(price) {
  const s = Math.sqrt(price);
  return BigInt(Math.floor(s * 2 ** 48)) * (1n << 48n);
}

// Transactions waiting for the next block (--per-block K > 1).
let pending = [];

// Sends the pending transactions in one JSON-RPC batch to a stopped miner and
// mines them into one block; fails unless the block holds all of them.
async function flush(provider) {
  if (pending.length === 0) return;
  const body = pending.map((tx, i) => ({
    jsonrpc: '2.0', id: i, method: 'eth_sendTransaction', params: [tx],
  }));
  const count = pending.length;
  pending = [];
  const res = await fetch(provider._getConnection().url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  for (const reply of await res.json()) {
    if (reply.error) throw new Error('eth_sendTransaction: ' + reply.error.message);
  }
  await provider.send('evm_mine', []);
  const block = await provider.send('eth_getBlockByNumber', ['latest', false]);
  if (block.transactions.length !== count) {
    throw new Error(`block ${Number(block.number)} holds ` +
        `${block.transactions.length} of ${count} transactions`);
  }
}

// contract.method(...args) from `signer`, waiting for its receipt; with
// --fast a single eth_sendTransaction (ganache mines before answering); with
// --per-block K queued and mined K to a block.
async function call(provider, signer, contract, method, args) {
  if (!fast) {
    await (await contract.connect(signer)[method](...args, GAS)).wait();
    return;
  }
  const tx = {
    from: await signer.getAddress(), to: await contract.getAddress(),
    data: contract.interface.encodeFunctionData(method, args),
    gas: '0x' + GAS.gasLimit.toString(16),
  };
  if (perBlock <= 1) {
    await provider.send('eth_sendTransaction', [tx]);
    return;
  }
  pending.push(tx);
  if (pending.length >= perBlock) await flush(provider);
}

async function main() {
  const server = ganache.server({
    logging: { quiet: true },
    wallet: { deterministic: true, totalAccounts: 6, defaultBalance: 1e6 },
    chain: { chainId: 1337, allowUnlimitedContractSize: true },
    // Room for --per-block transactions of GAS each in one block.
    miner: { blockGasLimit: Math.max(60000000, perBlock * GAS.gasLimit) },
  });
  await server.listen(port, '127.0.0.1');
  const provider = new ethers.JsonRpcProvider(`http://127.0.0.1:${port}`,
      undefined, { staticNetwork: true, batchMaxCount: 1 });
  provider.pollingInterval = 20;
  const accounts = await provider.send('eth_accounts', []);
  const signers = await Promise.all(accounts.map((a) => provider.getSigner(a)));
  const owner = signers[0];

  const tokens = [];
  for (const sym of ['TKA', 'TKB', 'TKC']) {
    tokens.push(await deploy(owner, A.erc20, 'Token ' + sym, sym));
  }
  // Sorted by address, as pools order them.
  const addrs = await Promise.all(tokens.map((t) => t.getAddress()));
  const weth = addrs[2];  // never wrapped: the tests pay in tokens only
  const factory = await deploy(owner, A.factory);
  const fAddr = await factory.getAddress();
  const npm = await deploy(owner, A.npm, fAddr, weth, ethers.ZeroAddress);
  const router = await deploy(owner, A.router, fAddr, weth);
  const quoter = await deploy(owner, A.quoter, fAddr, weth);
  const npmAddr = await npm.getAddress();
  const routerAddr = await router.getAddress();

  const big = 10n ** 30n;
  for (const t of tokens) {
    for (let i = 0; i < 3; ++i) {
      await (await t.mint(accounts[i], big)).wait();
      const ts = t.connect(signers[i]);
      await (await ts.approve(npmAddr, ethers.MaxUint256)).wait();
      await (await ts.approve(routerAddr, ethers.MaxUint256)).wait();
    }
  }

  const [t0, t1] = addrs[0].toLowerCase() < addrs[1].toLowerCase()
      ? [addrs[0], addrs[1]] : [addrs[1], addrs[0]];
  const pools = [];
  for (const [fee, spacing, price] of [[3000, 60, 1.0], [500, 10, 2.5]]) {
    await (await npm.createAndInitializePoolIfNecessary(
        t0, t1, fee, encodePrice(price), GAS)).wait();
    const poolAddr = await factory.getPool(t0, t1, fee);
    const pool = new ethers.Contract(poolAddr, A.pool.abi, owner);
    const center = Number((await pool.slot0()).tick);
    const load = !onlyLastPool || fee === 500;
    if (perBlock > 1) await provider.send('miner_stop', []);
    for (let i = 0; i < (load ? nPositions : 0); ++i) {
      const w = randInt(1, 40) * spacing;
      const c = Math.round((center + randInt(-spread, spread)) / spacing) * spacing;
      const lower = c - w, upper = c + w;
      const amount = BigInt(randInt(1, 1000)) * 10n ** BigInt(randInt(15, 19));
      const who = signers[i % 3];
      const params = {
        token0: t0, token1: t1, fee, tickLower: lower, tickUpper: upper,
        amount0Desired: amount, amount1Desired: amount, amount0Min: 0,
        amount1Min: 0, recipient: accounts[i % 3], deadline: 2n ** 40n,
      };
      await call(provider, who, npm, 'mint', [params]);
    }
    for (let i = 0; i < (load ? nSwaps : 0); ++i) {
      const zeroForOne = rand() < 0.5;
      const amountIn = BigInt(randInt(1, 1000)) * 10n ** BigInt(randInt(14, 18));
      await call(provider, signers[1], router, 'exactInputSingle', [{
        tokenIn: zeroForOne ? t0 : t1, tokenOut: zeroForOne ? t1 : t0, fee,
        recipient: accounts[1], deadline: 2n ** 40n, amountIn,
        amountOutMinimum: 0, sqrtPriceLimitX96: 0,
      }]);
    }
    if (perBlock > 1) {
      await flush(provider);
      await provider.send('miner_start', []);
    }
    pools.push({ address: poolAddr, fee, tick_spacing: spacing });
  }
  // Protocol fees on the first pool, so the snapshot has some to read.
  const p0 = new ethers.Contract(pools[0].address, A.pool.abi, owner);
  await (await p0.setFeeProtocol(4, 5)).wait();

  const info = {
    rpc: `http://127.0.0.1:${port}`,
    chain_id: 1337,
    accounts,
    token0: t0,
    token1: t1,
    factory: fAddr,
    position_manager: npmAddr,
    router: routerAddr,
    quoter: await quoter.getAddress(),
    pools,
    block: await provider.getBlockNumber(),
  };
  process.stdout.write('READY ' + JSON.stringify(info) + '\n');
  const stop = async () => { await server.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
