// Transactions signed with a key Trainyard holds, for nodes that hold no
// unlocked account (RPC providers): EIP-1559 (type 2) and legacy EIP-155
// transactions, RLP-encoded and signed with secp256k1 — Debian's
// libsecp256k1, used inside signer.cc only — then sent by
// eth_sendRawTransaction. Keys come from a file or an environment variable;
// no message, log line or error ever contains one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "chain/eth.h"

namespace trainyard::chain {

// A secp256k1 private key and its address. Move-only; the secret is wiped
// when the object dies. Thread-safe for concurrent Sign calls.
class LocalKey {
 public:
  // 64 hex digits ("0x" optional, surrounding whitespace ignored).
  // VALIDATION_ERROR "invalid private key" — never echoing the text — for
  // anything else or a value that is not a valid secp256k1 secret.
  static Result<LocalKey> FromHex(std::string_view hex);
  // The key in a file (hex, as FromHex). NOT_FOUND if unreadable;
  // VALIDATION_ERROR if group or others may read it (chmod 600), as ssh
  // refuses such key files, or if it holds no valid key.
  static Result<LocalKey> FromFile(const std::string& path);

  LocalKey(LocalKey&& other) noexcept;
  LocalKey& operator=(LocalKey&& other) noexcept;
  LocalKey(const LocalKey&) = delete;
  LocalKey& operator=(const LocalKey&) = delete;
  ~LocalKey();

  const Address& address() const { return address_; }

  // A recoverable ECDSA signature of a 32-byte hash (RFC 6979 nonces,
  // low s): r, s and the recovery id (0 or 1).
  struct Signature {
    Hash32 r{};
    Hash32 s{};
    int recovery_id = 0;
  };
  Result<Signature> Sign(const Hash32& hash) const;

 private:
  LocalKey() = default;
  std::array<uint8_t, 32> secret_{};
  Address address_;
};

struct UnsignedTx {
  bool eip1559 = true;  // false: legacy with EIP-155 replay protection
  uint64_t chain_id = 1;
  uint64_t nonce = 0;
  U256 max_priority_fee_per_gas;  // EIP-1559
  U256 max_fee_per_gas;           // EIP-1559
  U256 gas_price;                 // legacy
  uint64_t gas = 0;
  std::optional<Address> to;  // nullopt: contract creation
  U256 value;
  Bytes data;
};

// The hash the sender signs (keccak of the type byte and RLP of the fields;
// legacy: of the fields with chain_id, 0, 0 as EIP-155 says).
Hash32 SigningHash(const UnsignedTx& tx);
// The signed transaction as eth_sendRawTransaction takes it; its hash is
// Keccak256 of these bytes.
Result<Bytes> SignTransaction(const UnsignedTx& tx, const LocalKey& key);

// Fees and nonce filled from the node, signed by `key` and sent:
// EIP-1559 when the latest block has a base fee (max fee = 2 x base fee +
// tip; tip = eth_maxPriorityFeePerGas, or 1 gwei where the node lacks it),
// else legacy at eth_gasPrice. REQUIRES: tx.from == key.address() and
// tx.gas > 0. Errors from the node (VALIDATION_ERROR for a refused
// transaction).
Result<Hash32> SendSigned(EthClient& eth, const LocalKey& key,
                          const TxRequest& tx);

}  // namespace trainyard::chain
