#include "store/journal/journal.hpp"

#include <lz4.h>

#include <chrono>
#include <limits>
#include <optional>
#include <type_traits>

namespace smppd::store::journal {
namespace {

using tag = entry::kind;
constexpr std::size_t length_octets = 4;

std::uint64_t to_ms(wall_time t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

class field_writer {
 public:
  explicit field_writer(std::vector<std::uint8_t>& out) : out_(out) {}

  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void octets(const void* data, std::size_t size) {
    varint(size);
    const auto* p = static_cast<const std::uint8_t*>(data);
    out_.insert(out_.end(), p, p + size);
  }

  template <class T>
  void operator()(std::string_view, const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      varint(v ? 1 : 0);
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      varint(static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<T, std::string> ||
                         std::is_same_v<T, std::vector<std::uint8_t>>) {
      octets(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, wall_time>) {
      varint(to_ms(v));
    } else {
      static_assert(std::is_same_v<T, std::optional<wall_time>>, "no journal encoding");
      out_.push_back(v ? 1 : 0);
      if (v) varint(to_ms(*v));
    }
  }

 private:
  std::vector<std::uint8_t>& out_;
};

class field_reader {
 public:
  explicit field_reader(std::span<const std::uint8_t> in) : in_(in) {}

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t position() const { return pos_; }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return fail();
      const auto b = in_[pos_++];
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail();  // more than ten octets
  }
  std::uint8_t octet() {
    if (pos_ >= in_.size()) return static_cast<std::uint8_t>(fail());
    return in_[pos_++];
  }

  // Fields from `name` on may be missing at the end of the body (they keep their values):
  // an entry written before they were added to the field list.
  void optional_from(std::string_view name) { optional_from_ = name; }

  template <class T>
  void operator()(std::string_view name, T& v) {
    if (!optional_from_.empty() && name == optional_from_) optional_tail_ = true;
    if (optional_tail_ && at_end()) return;
    if constexpr (std::is_same_v<T, bool>) {
      const auto x = varint();
      if (x > 1) fail();
      v = x == 1;
    } else if constexpr (std::is_enum_v<T> || std::is_integral_v<T>) {
      using U = typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>,
                                            std::type_identity<T>>::type;
      const auto x = varint();
      if (x > static_cast<std::uint64_t>(std::numeric_limits<U>::max())) fail();
      v = static_cast<T>(x);
    } else if constexpr (std::is_same_v<T, std::string> ||
                         std::is_same_v<T, std::vector<std::uint8_t>>) {
      const auto size = varint();
      if (size > in_.size() - pos_) {
        fail();
        return;
      }
      const auto* p = in_.data() + pos_;
      v.assign(p, p + size);
      pos_ += size;
    } else if constexpr (std::is_same_v<T, wall_time>) {
      v = time();
    } else {
      static_assert(std::is_same_v<T, std::optional<wall_time>>, "no journal encoding");
      const auto present = octet();
      if (present > 1) fail();
      if (present == 1) {
        v = time();
      } else {
        v.reset();
      }
    }
  }

 private:
  wall_time time() {
    return wall_time(std::chrono::milliseconds(static_cast<std::int64_t>(varint())));
  }
  std::uint64_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::string_view optional_from_;
  bool optional_tail_ = false;
};

}  // namespace

encoder::encoder() { clear(); }

void encoder::clear() {
  bytes_.clear();
  bytes_.push_back(format_version);
  steps_ = 0;
}

void encoder::begin_entry(std::uint8_t t) {
  bytes_.push_back(t);
  bytes_.resize(bytes_.size() + length_octets);
  body_at_ = bytes_.size();
}

void encoder::end_entry() {
  const auto length = static_cast<std::uint32_t>(bytes_.size() - body_at_);
  for (std::size_t i = 0; i < length_octets; ++i) {
    bytes_[body_at_ - length_octets + i] = static_cast<std::uint8_t>(length >> (8 * i));
  }
  ++steps_;
}

void encoder::accepted(const core::message_record& message) {
  begin_entry(static_cast<std::uint8_t>(tag::accepted));
  core::message_record::visit(message, field_writer(bytes_));
  end_entry();
}

void encoder::enroute(const core::message_enroute& step) {
  begin_entry(static_cast<std::uint8_t>(tag::enroute));
  field_writer w(bytes_);
  w.varint(step.message_id);
  w.octets(step.carrier.data(), step.carrier.size());
  w.octets(step.upstream_id.data(), step.upstream_id.size());
  end_entry();
}

void encoder::finished(const core::message_finished& step, std::uint64_t receipt_id) {
  begin_entry(static_cast<std::uint8_t>(tag::finished));
  field_writer w(bytes_);
  w.varint(step.message_id);
  w("state", step.state);
  w("done_at", step.done_at);
  w.varint(step.error_code);
  bytes_.push_back(step.receipt ? 1 : 0);
  if (step.receipt) write_receipt(*step.receipt, receipt_id);
  end_entry();
}

void encoder::mo_received(const core::receipt_record& mo, std::uint64_t receipt_id) {
  begin_entry(static_cast<std::uint8_t>(tag::mo_received));
  write_receipt(mo, receipt_id);
  end_entry();
}

void encoder::write_receipt(const core::receipt_record& r, std::uint64_t receipt_id) {
  field_writer w(bytes_);
  // receipt_id first in the field list: scan() reads it without decoding the rest.
  core::receipt_record::visit(r, [&](std::string_view name, const auto& v) {
    if (name == "receipt_id") {
      w.varint(receipt_id);
    } else {
      w(name, v);
    }
  });
}

void encoder::receipt_removed(std::uint64_t receipt_id) {
  begin_entry(static_cast<std::uint8_t>(tag::receipt_removed));
  field_writer(bytes_).varint(receipt_id);
  end_entry();
}

bool scan(std::span<const std::uint8_t> batch, const std::function<void(const entry&)>& each) {
  if (batch.empty() || batch[0] != format_version) return false;
  std::size_t at = 1;
  while (at < batch.size()) {
    if (batch.size() - at < 1 + length_octets) return false;
    const auto t = batch[at];
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < length_octets; ++i) {
      length |= static_cast<std::uint32_t>(batch[at + 1 + i]) << (8 * i);
    }
    at += 1 + length_octets;
    if (length > batch.size() - at) return false;
    entry e{static_cast<tag>(t), 0, 0, batch.subspan(at, length)};
    at += length;
    field_reader r(e.body);
    switch (e.what) {
      case tag::accepted:
      case tag::enroute:
        e.message_id = r.varint();  // id: the first field of a message_record too
        break;
      case tag::finished: {
        e.message_id = r.varint();
        core::message_state state{};
        wall_time done_at{};
        r("state", state);
        r("done_at", done_at);
        r.varint();  // error_code
        if (r.octet() == 1) e.receipt_id = r.varint();
        break;
      }
      case tag::receipt_removed:
      case tag::mo_received:
        e.receipt_id = r.varint();
        break;
      default:
        return false;
    }
    if (!r.ok()) return false;
    each(e);
  }
  return true;
}

std::optional<core::message_step> decode(const entry& e) {
  field_reader r(e.body);
  core::message_step step;
  switch (e.what) {
    case tag::accepted: {
      core::message_accepted a;
      r.optional_from("batch_id");  // messages written before the REST API end before it
      core::message_record::visit(a.message, r);
      step = std::move(a);
      break;
    }
    case tag::enroute: {
      core::message_enroute en;
      en.message_id = r.varint();
      r("carrier", en.carrier);
      r("upstream_id", en.upstream_id);
      step = std::move(en);
      break;
    }
    case tag::finished: {
      core::message_finished f;
      r("message_id", f.message_id);
      r("state", f.state);
      r("done_at", f.done_at);
      r("error_code", f.error_code);
      const auto has_receipt = r.octet();
      if (has_receipt > 1) return std::nullopt;
      if (has_receipt == 1) {
        f.receipt.emplace();
        // Receipts written before MO existed end at created_at.
        r.optional_from("esm_class");
        core::receipt_record::visit(*f.receipt, r);
      }
      step = std::move(f);
      break;
    }
    case tag::mo_received: {
      core::mo_received m;
      r.optional_from("webhook_url");  // written before the REST API
      core::receipt_record::visit(m.mo, r);
      step = std::move(m);
      break;
    }
    case tag::receipt_removed:
      step = core::receipt_acknowledged{r.varint()};
      break;
    default:
      return std::nullopt;
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return step;
}

bool decode(std::span<const std::uint8_t> batch,
            const std::function<void(core::message_step&&)>& each) {
  // Every entry must decode before any is handed out: a batch is all or nothing.
  std::vector<core::message_step> steps;
  bool bad = false;
  const bool parsed = scan(batch, [&](const entry& e) {
    if (bad) return;
    auto step = decode(e);
    if (!step) {
      bad = true;
      return;
    }
    steps.push_back(std::move(*step));
  });
  if (!parsed || bad) return false;
  for (auto& step : steps) each(std::move(step));
  return true;
}

void compress(std::span<const std::uint8_t> batch, std::vector<std::uint8_t>& row) {
  const auto keep_plain = [&] { row.assign(batch.begin(), batch.end()); };  // read as format 1
  if (batch.size() > LZ4_MAX_INPUT_SIZE) return keep_plain();               // ~2 GB
  row.clear();
  row.push_back(compressed_format_version);
  field_writer(row).varint(batch.size());
  const auto header = row.size();
  const int source = static_cast<int>(batch.size());
  row.resize(header + static_cast<std::size_t>(LZ4_compressBound(source)));
  const int written = LZ4_compress_default(reinterpret_cast<const char*>(batch.data()),
                                           reinterpret_cast<char*>(row.data() + header), source,
                                           static_cast<int>(row.size() - header));
  if (written <= 0) return keep_plain();  // not with compressBound's room; never unexpandable
  row.resize(header + static_cast<std::size_t>(written));
}

std::optional<std::span<const std::uint8_t>> expand(std::span<const std::uint8_t> row,
                                                    std::vector<std::uint8_t>& scratch) {
  if (row.empty() || row[0] != compressed_format_version) return row;
  field_reader r(row.subspan(1));
  const auto size = r.varint();
  if (!r.ok()) return std::nullopt;
  const auto block = row.subspan(1 + r.position());
  // LZ4 expands at most ~255x: a stated length beyond that is corrupt, not a reason to
  // allocate it.
  if (size > block.size() * 255 + 64 || size > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  scratch.resize(size);
  const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(block.data()),
                                      reinterpret_cast<char*>(scratch.data()),
                                      static_cast<int>(block.size()), static_cast<int>(size));
  if (got < 0 || static_cast<std::uint64_t>(got) != size) return std::nullopt;
  return std::span<const std::uint8_t>(scratch);
}

}  // namespace smppd::store::journal
