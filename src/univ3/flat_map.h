// An open-addressing hash map (linear probing, backward-shift deletion) for
// the pool's tick and position tables: one contiguous allocation, no per-entry
// nodes, so lookups are cache-friendly and steady-state updates never
// allocate. Copyable, so a whole pool can be snapshotted by value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace trainyard::univ3 {

// K must be equality-comparable; Hash maps K to a well-mixed uint64_t.
// Not thread-safe for concurrent mutation.
template <typename K, typename V, typename Hash>
class FlatMap {
 public:
  FlatMap() { Rehash(16); }

  size_t size() const { return size_; }
  // Bytes held by the slot array.
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }

  // The value for `key`, or nullptr.
  const V* Find(const K& key) const {
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  V* Find(const K& key) {
    return const_cast<V*>(static_cast<const FlatMap*>(this)->Find(key));
  }

  // The value for `key`, default-constructed and inserted if absent.
  // Invalidates pointers from earlier calls when the table grows.
  V& FindOrInsert(const K& key) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
    size_t i = Home(key);
    for (;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) break;
      if (s.key == key) return s.value;
    }
    Slot& s = slots_[i];
    s.used = true;
    s.key = key;
    s.value = V();
    ++size_;
    return s.value;
  }

  // Removes `key` if present. Invalidates pointers into the table.
  void Erase(const K& key) {
    size_t i = Home(key);
    for (;; i = (i + 1) & mask_) {
      if (!slots_[i].used) return;
      if (slots_[i].key == key) break;
    }
    // Backward-shift: pull later entries of the probe run into the hole.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; slots_[j].used; j = (j + 1) & mask_) {
      const size_t home = Home(slots_[j].key);
      const bool movable = hole <= j ? (home <= hole || home > j)
                                     : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].used = false;
    --size_;
  }

  // Makes room for n entries without further allocation.
  void Reserve(size_t n) {
    size_t want = 16;
    while (want * 3 < n * 4 + 4) want *= 2;
    if (want > slots_.size()) Rehash(want);
  }

  // Calls f(key, value) for every entry, in unspecified order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.used) f(s.key, s.value);
    }
  }

 private:
  struct Slot {
    K key{};
    V value{};
    bool used = false;
  };

  size_t Home(const K& key) const { return Hash()(key) >> shift_; }

  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot());
    mask_ = capacity - 1;
    shift_ = 64 - __builtin_ctzll(capacity);
    size_ = 0;
    for (const Slot& s : old) {
      if (s.used) FindOrInsert(s.key) = s.value;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
  size_t size_ = 0;
};

}  // namespace trainyard::univ3
