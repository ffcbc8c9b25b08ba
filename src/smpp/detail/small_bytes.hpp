#pragma once
// A byte buffer with inline room for the common case and a heap spill beyond it, so the few
// TLVs of a typical submit_sm or receipt cost no allocation while message_payload still fits.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

namespace smppd::smpp::detail {

template <std::size_t Inline>
class small_bytes {
 public:
  small_bytes() noexcept = default;
  // Copies only the live bytes: the inline tail is never initialised.
  small_bytes(const small_bytes& other) { assign(other.span()); }
  small_bytes(small_bytes&& other) noexcept { take(other); }
  small_bytes& operator=(const small_bytes& other) {
    if (this != &other) assign(other.span());
    return *this;
  }
  small_bytes& operator=(small_bytes&& other) noexcept {
    if (this != &other) take(other);
    return *this;
  }
  ~small_bytes() = default;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const std::uint8_t* data() const noexcept { return on_heap() ? heap_.data() : inline_.data(); }
  std::uint8_t* data() noexcept { return on_heap() ? heap_.data() : inline_.data(); }
  std::span<const std::uint8_t> span() const noexcept { return {data(), size_}; }

  void assign(std::span<const std::uint8_t> bytes) {
    if (bytes.size() <= Inline) {
      heap_.clear();
      heap_.shrink_to_fit();
      if (!bytes.empty()) std::memcpy(inline_.data(), bytes.data(), bytes.size());
    } else {
      heap_.assign(bytes.begin(), bytes.end());
    }
    size_ = bytes.size();
  }

  void append(std::span<const std::uint8_t> bytes) {
    const std::size_t new_size = size_ + bytes.size();
    if (new_size <= Inline) {
      if (!bytes.empty()) std::memcpy(inline_.data() + size_, bytes.data(), bytes.size());
    } else {
      if (!on_heap()) heap_.assign(inline_.begin(), inline_.begin() + static_cast<long>(size_));
      heap_.insert(heap_.end(), bytes.begin(), bytes.end());
    }
    size_ = new_size;
  }

  // Removes [offset, offset + count); the caller keeps the range inside size().
  void erase(std::size_t offset, std::size_t count) {
    const bool was_on_heap = on_heap();
    std::uint8_t* base = data();
    std::memmove(base + offset, base + offset + count, size_ - offset - count);
    size_ -= count;
    if (was_on_heap) {
      heap_.resize(size_);
      if (size_ <= Inline) {
        std::memcpy(inline_.data(), heap_.data(), size_);
        heap_.clear();
        heap_.shrink_to_fit();
      }
    }
  }

  void clear() noexcept {
    heap_.clear();
    size_ = 0;
  }

  friend bool operator==(const small_bytes& a, const small_bytes& b) noexcept {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_) == 0);
  }

 private:
  bool on_heap() const noexcept { return size_ > Inline; }

  void take(small_bytes& other) noexcept {
    if (other.on_heap()) {
      heap_ = std::move(other.heap_);
    } else {
      heap_.clear();
      if (other.size_ != 0) std::memcpy(inline_.data(), other.inline_.data(), other.size_);
    }
    size_ = other.size_;
    other.heap_.clear();
    other.size_ = 0;
  }

  std::array<std::uint8_t, Inline> inline_;  // not zeroed: only [0, size_) is ever read
  std::vector<std::uint8_t> heap_;
  std::size_t size_ = 0;
};

}  // namespace smppd::smpp::detail
