#include "chain/signer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "chain/rlp.h"

namespace trainyard::chain {
namespace {

Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }
std::string Hex(const Bytes& b) { return HexEncode(b); }

// The examples of the RLP specification (Ethereum wiki, yellow paper B).
TEST(RlpTest, EncodesTheSpecificationsExamples) {
  EXPECT_EQ(Hex(RlpBytes(Text("dog"))), "0x83646f67");
  EXPECT_EQ(Hex(RlpList({RlpBytes(Text("cat")), RlpBytes(Text("dog"))})),
            "0xc88363617483646f67");
  EXPECT_EQ(Hex(RlpBytes({})), "0x80");
  EXPECT_EQ(Hex(RlpList({})), "0xc0");
  EXPECT_EQ(Hex(RlpUint(0)), "0x80");
  EXPECT_EQ(Hex(RlpBytes({0x00})), "0x00");
  EXPECT_EQ(Hex(RlpBytes({0x0f})), "0x0f");
  EXPECT_EQ(Hex(RlpUint(15)), "0x0f");
  EXPECT_EQ(Hex(RlpUint(1024)), "0x820400");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  const Bytes empty = RlpList({});
  const Bytes one = RlpList({empty});
  EXPECT_EQ(Hex(RlpList({empty, one, RlpList({empty, one})})),
            "0xc7c0c1c0c3c0c1c0");
  // A string of 56 bytes takes the long form.
  EXPECT_EQ(
      Hex(RlpBytes(
              Text("Lorem ipsum dolor sit amet, consectetur adipisicing elit")))
          .substr(0, 8),
      "0xb8384c");
}

constexpr const char* kEip155Key =
    "0x4646464646464646464646464646464646464646464646464646464646464646";

UnsignedTx Eip155Example() {
  UnsignedTx tx;
  tx.eip1559 = false;
  tx.chain_id = 1;
  tx.nonce = 9;
  tx.gas_price = U256(20'000'000'000ULL);
  tx.gas = 21000;
  tx.to = *Address::Parse("0x3535353535353535353535353535353535353535");
  tx.value = U256(1'000'000'000'000'000'000ULL);
  return tx;
}

// EIP-155's own example: signing hash and signed transaction.
TEST(SignerTest, ReproducesTheEip155Example) {
  auto key = LocalKey::FromHex(kEip155Key);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->address().Hex(), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  const UnsignedTx tx = Eip155Example();
  EXPECT_EQ(
      HexEncode(SigningHash(tx)),
      "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  auto raw = SignTransaction(tx, *key);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(
      Hex(*raw),
      "0xf86c098504a817c800825208943535353535353535353535353535353535353535"
      "880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c"
      "71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc"
      "64214b297fb1966a3b6d83");
}

// The same key and fields as a type-2 transaction, as ethers.js v6 signs it
// (tests/chain/node_modules/ethers, Wallet.signTransaction).
TEST(SignerTest, SignsEip1559TransactionsAsEthersDoes) {
  auto key = LocalKey::FromHex(kEip155Key);
  ASSERT_TRUE(key.ok());
  UnsignedTx tx = Eip155Example();
  tx.eip1559 = true;
  tx.max_priority_fee_per_gas = U256(2'000'000'000ULL);
  tx.max_fee_per_gas = U256(30'000'000'000ULL);
  tx.data = {0x12, 0x34};
  auto raw = SignTransaction(tx, *key);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(Hex(*raw),
            "0x02f875010984773594008506fc23ac0082520894353535353535353535353535"
            "3535353535353535880de0b6b3a7640000821234c001a0b7aa45fa779b6a87e910"
            "767a5cab957f9e37a68e4f0b5400133bb56d62e09f0aa042f7e2ef2f03fab76c22"
            "f9b85dbc6f35378cc3e7a7f11e18d625cf8049c264b1");
  EXPECT_EQ(
      HexEncode(Keccak256(raw->data(), raw->size())),
      "0xeecaf6a7fcc461052d763a15c9a7008a0b55eefafc43c6ff00efcee4a771cd93");
}

// ganache's deterministic accounts (mnemonic "myth like bonus ...").
TEST(SignerTest, DerivesAddressesFromKeys) {
  auto key = LocalKey::FromHex(
      "  0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d\n");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->address().Hex(), "0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1");
}

TEST(SignerTest, BadKeysAreRefusedWithoutEchoingThem) {
  for (const char* bad :
       {"0x12",
        "zz46464646464646464646464646464646464646464646464646464646464646",
        // zero and the curve order are not secrets
        "0x0000000000000000000000000000000000000000000000000000000000000000",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"}) {
    auto key = LocalKey::FromHex(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), ErrorCode::kValidation);
    const std::string text = bad;
    if (text.size() > 24) {
      EXPECT_EQ(key.status().ToString().find(text.substr(4, 20)),
                std::string::npos);
    }
  }
}

TEST(SignerTest, KeyFilesMustBePrivate) {
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("signer-test-" + std::to_string(::getpid()) + ".key"))
          .string();
  std::ofstream(path) << kEip155Key << "\n";
  ::chmod(path.c_str(), 0644);
  auto open = LocalKey::FromFile(path);
  EXPECT_EQ(open.status().code(), ErrorCode::kValidation);
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos);
  ::chmod(path.c_str(), 0600);
  auto key = LocalKey::FromFile(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->address().Hex(), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
  std::filesystem::remove(path);
  EXPECT_EQ(LocalKey::FromFile(path).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace trainyard::chain
