#include "chain/rlp.h"

namespace trainyard::chain {
namespace {

// The prefix of a string (offset 0x80) or list (0xc0) of `size` bytes.
Bytes Prefix(size_t size, uint8_t offset) {
  if (size < 56) return {static_cast<uint8_t>(offset + size)};
  Bytes len;
  for (size_t s = size; s > 0; s >>= 8)
    len.insert(len.begin(), static_cast<uint8_t>(s & 0xff));
  Bytes out = {static_cast<uint8_t>(offset + 55 + len.size())};
  out.insert(out.end(), len.begin(), len.end());
  return out;
}

}  // namespace

Bytes RlpBytes(const Bytes& data) {
  if (data.size() == 1 && data[0] < 0x80) return data;
  Bytes out = Prefix(data.size(), 0x80);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes RlpUint(const U256& value) {
  const Hash32 word = WordFromU256(value);
  size_t first = 0;
  while (first < word.size() && word[first] == 0) ++first;
  return RlpBytes(Bytes(word.begin() + first, word.end()));
}

Bytes RlpList(const std::vector<Bytes>& encoded_items) {
  size_t size = 0;
  for (const Bytes& item : encoded_items) size += item.size();
  Bytes out = Prefix(size, 0xc0);
  for (const Bytes& item : encoded_items)
    out.insert(out.end(), item.begin(), item.end());
  return out;
}

}  // namespace trainyard::chain
