#include "chain/signer.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "chain/rlp.h"

namespace trainyard::chain {
namespace {

constexpr uint64_t kDefaultTipWei = 1'000'000'000;  // 1 gwei

// One context for the process: creating one is costly, and a context used
// only for signing and key derivation is safe to share between threads.
const secp256k1_context* Context() {
  static secp256k1_context* ctx =
      secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return ctx;
}

// Overwrites memory the compiler may not optimise the write away from.
void Wipe(void* p, size_t n) {
  volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
  while (n--) *v++ = 0;
}

Status InvalidKey() {
  return ValidationError(
      "invalid private key: expected 64 hex digits of a "
      "secp256k1 secret");
}

Bytes AddressBytes(const std::optional<Address>& a) {
  return a ? Bytes(a->bytes.begin(), a->bytes.end()) : Bytes();
}

// The fields both signing and the signed form start with.
std::vector<Bytes> Fields(const UnsignedTx& tx) {
  if (tx.eip1559) {
    return {RlpUint(tx.chain_id),
            RlpUint(tx.nonce),
            RlpUint(tx.max_priority_fee_per_gas),
            RlpUint(tx.max_fee_per_gas),
            RlpUint(tx.gas),
            RlpBytes(AddressBytes(tx.to)),
            RlpUint(tx.value),
            RlpBytes(tx.data),
            RlpList({})};  // empty access list
  }
  return {RlpUint(tx.nonce), RlpUint(tx.gas_price),
          RlpUint(tx.gas),   RlpBytes(AddressBytes(tx.to)),
          RlpUint(tx.value), RlpBytes(tx.data)};
}

Bytes Typed(const Bytes& rlp) {
  // Sized once and copied into (not insert() after one byte, which GCC 12
  // misreads as an out-of-bounds copy under -Warray-bounds).
  Bytes out(rlp.size() + 1);
  out[0] = 0x02;  // EIP-2718 type of an EIP-1559 transaction
  std::copy(rlp.begin(), rlp.end(), out.begin() + 1);
  return out;
}

U256 WordValue(const Hash32& h) { return U256FromWord(h.data()); }

}  // namespace

Result<LocalKey> LocalKey::FromHex(std::string_view hex) {
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front())))
    hex.remove_prefix(1);
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back())))
    hex.remove_suffix(1);
  if (hex.substr(0, 2) == "0x" || hex.substr(0, 2) == "0X")
    hex.remove_prefix(2);
  if (hex.size() != 64) return InvalidKey();
  LocalKey key;
  for (size_t i = 0; i < 32; ++i) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = static_cast<char>(
          std::tolower(static_cast<unsigned char>(hex[2 * i + k])));
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                           : -1;
      if (d < 0) return InvalidKey();
      v = v * 16 + d;
    }
    key.secret_[i] = static_cast<uint8_t>(v);
  }
  if (!secp256k1_ec_seckey_verify(Context(), key.secret_.data()))
    return InvalidKey();
  secp256k1_pubkey pub;
  if (!secp256k1_ec_pubkey_create(Context(), &pub, key.secret_.data()))
    return InvalidKey();
  uint8_t out[65];
  size_t len = sizeof out;
  secp256k1_ec_pubkey_serialize(Context(), out, &len, &pub,
                                SECP256K1_EC_UNCOMPRESSED);
  // The address: the last 20 bytes of keccak(x || y).
  const Hash32 h = Keccak256(out + 1, 64);
  std::memcpy(key.address_.bytes.data(), h.data() + 12, 20);
  return key;
}

Result<LocalKey> LocalKey::FromFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return NotFoundError("cannot read the key file " + path);
  if ((st.st_mode & 077) != 0) {
    return ValidationError("key file " + path +
                           " may be read by other users: chmod 600 it");
  }
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read the key file " + path);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  Result<LocalKey> key = FromHex(text);
  Wipe(text.data(), text.size());
  if (!key.ok())
    return ValidationError("key file " + path + ": " + key.status().message());
  return key;
}

LocalKey::LocalKey(LocalKey&& other) noexcept
    : secret_(other.secret_), address_(other.address_) {
  Wipe(other.secret_.data(), other.secret_.size());
}

LocalKey& LocalKey::operator=(LocalKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    address_ = other.address_;
    Wipe(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

LocalKey::~LocalKey() { Wipe(secret_.data(), secret_.size()); }

Result<LocalKey::Signature> LocalKey::Sign(const Hash32& hash) const {
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_sign_recoverable(Context(), &sig, hash.data(),
                                        secret_.data(), nullptr, nullptr)) {
    return Status(ErrorCode::kInternal, "secp256k1 signing failed");
  }
  uint8_t compact[64];
  Signature out;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(
      Context(), compact, &out.recovery_id, &sig);
  std::memcpy(out.r.data(), compact, 32);
  std::memcpy(out.s.data(), compact + 32, 32);
  return out;
}

Hash32 SigningHash(const UnsignedTx& tx) {
  std::vector<Bytes> fields = Fields(tx);
  if (tx.eip1559) {
    const Bytes payload = Typed(RlpList(fields));
    return Keccak256(payload.data(), payload.size());
  }
  fields.push_back(RlpUint(tx.chain_id));  // EIP-155
  fields.push_back(RlpUint(0));
  fields.push_back(RlpUint(0));
  const Bytes payload = RlpList(fields);
  return Keccak256(payload.data(), payload.size());
}

Result<Bytes> SignTransaction(const UnsignedTx& tx, const LocalKey& key) {
  TY_ASSIGN_OR_RETURN(LocalKey::Signature sig, key.Sign(SigningHash(tx)));
  std::vector<Bytes> fields = Fields(tx);
  if (tx.eip1559) {
    fields.push_back(RlpUint(static_cast<uint64_t>(sig.recovery_id)));
  } else {
    fields.push_back(
        RlpUint(U256(tx.chain_id) * U256(2) +
                U256(35 + static_cast<uint64_t>(sig.recovery_id))));
  }
  fields.push_back(RlpUint(WordValue(sig.r)));
  fields.push_back(RlpUint(WordValue(sig.s)));
  const Bytes rlp = RlpList(fields);
  return tx.eip1559 ? Typed(rlp) : rlp;
}

Result<Hash32> SendSigned(EthClient& eth, const LocalKey& key,
                          const TxRequest& request) {
  if (!(request.from == key.address())) {
    return ValidationError("the transaction is from " + request.from.Hex() +
                           " but the key is " + key.address().Hex());
  }
  if (request.gas == 0)
    return ValidationError("a signed transaction needs gas");
  UnsignedTx tx;
  TY_ASSIGN_OR_RETURN(tx.chain_id, eth.ChainId());
  TY_ASSIGN_OR_RETURN(tx.nonce, eth.PendingNonce(key.address()));
  tx.gas = request.gas;
  tx.to = request.to;
  tx.value = request.value;
  tx.data = request.data;
  TY_ASSIGN_OR_RETURN(std::optional<U256> base_fee, eth.LatestBaseFee());
  if (base_fee) {
    Result<U256> tip = eth.MaxPriorityFeePerGas();
    tx.max_priority_fee_per_gas = tip.ok() ? *tip : U256(kDefaultTipWei);
    tx.max_fee_per_gas = *base_fee * U256(2) + tx.max_priority_fee_per_gas;
  } else {
    tx.eip1559 = false;
    TY_ASSIGN_OR_RETURN(tx.gas_price, eth.GasPrice());
  }
  TY_ASSIGN_OR_RETURN(Bytes raw, SignTransaction(tx, key));
  return eth.SendRawTransaction(raw);
}

}  // namespace trainyard::chain
