#include "gateway/carrier_pipeline.hpp"

#include <algorithm>
#include <functional>

#include "carrier/upstream_report.hpp"
#include "common/heap.hpp"
#include "common/message_id.hpp"
#include "dlr/deliver.hpp"
#include "upstream/inbound_message.hpp"
#include "upstream/submit_builder.hpp"

namespace smppd::gateway {
namespace {

constexpr int simulator_carrier = -1;
constexpr std::size_t max_deliver_address = 20;  // deliver_sm source/destination_addr

// The upstream ids of a message's parts as stored with it: a line per part, "id", or
// "id\tSTAT\terr" once that part's final receipt came (so a restart keeps it).
std::string encode_parts(const auto& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '\n';
    out += p.upstream_id;
    if (p.final) {
      out += '\t';
      out += dlr::to_string(*p.final);
      out += '\t';
      out += std::to_string(p.error);
    }
  }
  return out;
}

}  // namespace

carrier_pipeline::carrier_pipeline(asio::any_io_executor executor,
                                   const std::vector<config::carrier_config>& carriers,
                                   const std::vector<config::route_config>& routes,
                                   const std::vector<config::mo_route_config>& mo_routes,
                                   pipeline_settings settings, pipeline_hooks hooks,
                                   std::shared_ptr<spdlog::logger> log, const wall_clock& clock)
    : clock_(clock),
      settings_(settings),
      hooks_(std::move(hooks)),
      log_(std::move(log)),
      route_table_(routes),
      routing_(!routes.empty()),
      mo_routes_(mo_routes) {
  carriers_.resize(carriers.size());
  waiting_ = std::make_unique<std::atomic<std::size_t>[]>(carriers.size() + 1);
  in_flight_ = std::make_unique<std::atomic<std::size_t>[]>(carriers.size() + 1);
  for (std::size_t i = 0; i < carriers.size(); ++i) {
    const int index = static_cast<int>(i);
    names_.push_back(carriers[i].name);
    carriers_[i].max_queue = carriers[i].max_queue;
    upstream::link_handlers handlers;
    handlers.on_result = [this, index](const upstream::submit_result& r) { on_result(index, r); };
    handlers.on_inbound = [this, index](const smpp::pdu& pdu, upstream::pending_reply reply) {
      on_inbound(index, pdu, std::move(reply));
    };
    handlers.on_ready = [this] { hooks_.wake(); };
    carriers_[i].link = upstream::carrier_link::create(executor, carriers[i], handlers, log_);
  }
  for (const auto& r : routes) {
    std::vector<int> list;
    for (const auto& name : r.carriers) list.push_back(carrier_index(name));
    routes_.push_back(std::move(list));
  }
}

void carrier_pipeline::await_receipts(tracked& t, const core::message_record& m) {
  auto& f = t.awaiting;
  f.system_id = m.system_id;
  f.source_addr = m.source_addr;
  f.destination_addr = m.destination_addr;
  f.user_message_reference = m.user_message_reference;
  f.submitted_at = m.submitted_at;
  f.registered_delivery = m.registered_delivery;
  f.source_addr_ton = m.source_addr_ton;
  f.source_addr_npi = m.source_addr_npi;
  f.dest_addr_ton = m.dest_addr_ton;
  f.dest_addr_npi = m.dest_addr_npi;
  f.batch_id = m.batch_id;
  f.callback_url = m.callback_url;
  f.userref = m.userref;
  t.message.reset();
}

// The record an outcome is reported with: the message's own, or one rebuilt from what was
// kept while it awaited its receipts (all dlr::receipt_for reads).
std::shared_ptr<const core::message_record> carrier_pipeline::record_of(const tracked& t) {
  if (t.message) return t.message;
  const auto& f = t.awaiting;
  auto r = std::make_shared<core::message_record>();
  r->id = t.id;
  r->system_id = f.system_id;
  r->source_addr = f.source_addr;
  r->destination_addr = f.destination_addr;
  r->user_message_reference = f.user_message_reference;
  r->submitted_at = f.submitted_at;
  r->registered_delivery = f.registered_delivery;
  r->source_addr_ton = f.source_addr_ton;
  r->source_addr_npi = f.source_addr_npi;
  r->dest_addr_ton = f.dest_addr_ton;
  r->dest_addr_npi = f.dest_addr_npi;
  r->batch_id = f.batch_id;
  r->callback_url = f.callback_url;
  r->userref = f.userref;
  return r;
}

int carrier_pipeline::carrier_index(const std::string& name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  return it == names_.end() ? simulator_carrier : static_cast<int>(it - names_.begin());
}

void carrier_pipeline::start() {
  for (auto& c : carriers_) c.link->start();
}

void carrier_pipeline::stop() {
  for (auto& c : carriers_) c.link->stop();
}

std::optional<smpp::command_status> carrier_pipeline::admit(
    const core::message_record& message) const {
  if (!routing_) return std::nullopt;
  const auto* carriers =
      route_table_.match(message.destination_addr, message.system_id, message.message_class);
  if (carriers == nullptr) return smpp::command_status::esme_rinvdstadr;
  const int first = carrier_index(carriers->front());
  if (first == simulator_carrier) return std::nullopt;
  const auto i = static_cast<std::size_t>(first);
  if (waiting_[i].load(std::memory_order_relaxed) + in_flight_[i].load(std::memory_order_relaxed) >=
      carriers_[i].max_queue) {
    return smpp::command_status::esme_rmsgqful;
  }
  return std::nullopt;
}

void carrier_pipeline::count_waiting(const tracked& t, int delta) {
  const int c = routes_[t.route][t.position];
  if (c == simulator_carrier) return;
  auto& n = waiting_[static_cast<std::size_t>(c)];
  if (delta > 0) {
    n.fetch_add(1, std::memory_order_relaxed);
  } else {
    n.fetch_sub(1, std::memory_order_relaxed);
  }
}

void carrier_pipeline::add(core::message_record message) {
  if (messages_.contains(message.id) || let_go_.contains(message.id)) return;
  if (waiting_in_memory_ >= settings_.max_waiting_in_memory) {
    let_go_.insert(message.id);
    const auto* carriers =
        route_table_.match(message.destination_addr, message.system_id, message.message_class);
    if (carriers != nullptr) {
      const int first = carrier_index(carriers->front());
      if (first != simulator_carrier)
        waiting_[static_cast<std::size_t>(first)].fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  track(std::make_shared<const core::message_record>(std::move(message)));
}

// Routes a message and puts it in its lane; false when no route matches any more.
bool carrier_pipeline::track(std::shared_ptr<const core::message_record> shared) {
  const auto id = shared->id;
  const auto* carriers =
      route_table_.match(shared->destination_addr, shared->system_id, shared->message_class);
  if (carriers == nullptr) {
    // Routes changed since it was accepted: nowhere to go.
    log_->warn("message {}: no route for {} any more; rejected", format_message_id(id),
               shared->destination_addr);
    hooks_.record({id,
                   dlr::receipt_status::rejectd,
                   carrier::gateway_error_for_submit_status(smpp::command_status::esme_rinvdstadr),
                   clock_.now(),
                   std::move(shared),
                   {}});
    return false;
  }
  const auto validity =
      shared->validity_period.value_or(shared->submitted_at + settings_.default_validity);
  tracked t;
  t.id = id;
  t.message = std::move(shared);
  std::vector<int> list;
  for (const auto& name : *carriers) list.push_back(carrier_index(name));
  const auto found = std::find(routes_.begin(), routes_.end(), list);
  t.route = static_cast<std::size_t>(found - routes_.begin());
  if (found == routes_.end()) routes_.push_back(std::move(list));
  heap_push(expiries_, timed{validity, id, 0});
  auto [it, inserted] = messages_.emplace(id, std::move(t));
  if (inserted) enqueue(it->second);
  return true;
}

void carrier_pipeline::refill() {
  while (!let_go_.empty() && waiting_in_memory_ < settings_.max_waiting_in_memory / 2) {
    auto page = hooks_.read_waiting(refill_cursor_, settings_.refill_page);
    for (auto& m : page) {
      refill_cursor_ = core::waiting_cursor{m.priority, m.id};
      if (let_go_.erase(m.id) == 0) continue;  // in memory, or never let go of
      const auto* carriers = route_table_.match(m.destination_addr, m.system_id, m.message_class);
      if (carriers != nullptr) {
        const int first = carrier_index(carriers->front());
        if (first != simulator_carrier)
          waiting_[static_cast<std::size_t>(first)].fetch_sub(1, std::memory_order_relaxed);
      }
      track(std::make_shared<const core::message_record>(std::move(m)));
    }
    if (page.size() < settings_.refill_page) {
      refill_cursor_.reset();  // the end: the next walk starts again at the top
      if (page.empty()) break;
    }
  }
}

bool carrier_pipeline::resume(const core::message_record& message) {
  const int c = carrier_index(message.carrier);
  if (c == simulator_carrier) return false;
  tracked t;
  t.carrier = c;
  t.state = phase::awaiting;
  std::string_view rest = message.upstream_id;
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    part p;
    const auto tab = line.find('\t');
    p.upstream_id = std::string(line.substr(0, tab));
    if (tab != std::string_view::npos) {
      const auto fields = line.substr(tab + 1);
      const auto tab2 = fields.find('\t');
      p.final = dlr::parse_status(fields.substr(0, tab2));
      if (tab2 != std::string_view::npos) {
        p.error = static_cast<std::uint32_t>(
            std::strtoul(std::string(fields.substr(tab2 + 1)).c_str(), nullptr, 10));
      }
    }
    t.parts.push_back(std::move(p));
  }
  const auto id = message.id;
  auto& state = carriers_[static_cast<std::size_t>(c)];
  for (std::size_t i = 0; i < t.parts.size(); ++i) {
    if (!t.parts[i].final) {
      state.by_upstream_id[carrier::canonical_upstream_id(t.parts[i].upstream_id)] = {
          id, static_cast<std::uint16_t>(i)};
    }
  }
  in_flight_[static_cast<std::size_t>(c)].fetch_add(1, std::memory_order_relaxed);
  t.id = message.id;
  await_receipts(t, message);
  const auto validity =
      message.validity_period.value_or(message.submitted_at + settings_.default_validity);
  heap_push(expiries_, timed{validity, id, 0});
  messages_.emplace(id, std::move(t));
  return true;
}

void carrier_pipeline::enqueue(tracked& t) {
  t.state = phase::waiting;
  t.carrier = -1;
  ++waiting_in_memory_;
  t.in_lane = true;
  auto& l = lanes_[{t.route, t.position}];
  l.by_priority[std::min<std::uint8_t>(t.message->priority, 3)].push_back(t.id);
  ++l.size;
  count_waiting(t, +1);
}

void carrier_pipeline::pump() {
  const auto now = clock_.now();
  while (!expiries_.empty() && expiries_.front().at <= now) {
    const auto e = heap_pop(expiries_);
    const auto it = messages_.find(e.message_id);
    if (it == messages_.end()) continue;
    finish(it->second, dlr::receipt_status::expired, 0, {});
  }
  while (!retries_.empty() && retries_.front().at <= now) {
    const auto r = heap_pop(retries_);
    const auto it = messages_.find(r.message_id);
    if (it == messages_.end() || it->second.generation != r.generation) continue;
    count_waiting(it->second, -1);
    enqueue(it->second);
  }
  for (auto& c : carriers_) release_held(c, now);
  for (auto& [key, l] : lanes_) {
    if (l.size > 0) feed(key, l);
  }
  if (!let_go_.empty()) refill();
}

// Receipts held for a submit_sm_resp that can no longer come before them: unknown ids,
// answered ESME_ROK (the carrier must not send them again) and logged.
void carrier_pipeline::release_held(carrier_state& c, wall_time now) {
  const auto oldest_unanswered = c.unanswered_tags.empty() ? next_tag_ : *c.unanswered_tags.begin();
  std::erase_if(c.held, [&](held_receipt& h) {
    if (h.until > now && oldest_unanswered <= h.last_tag) return false;
    log_->warn("carrier {}: receipt for unknown message id {} ({})",
               names_[static_cast<std::size_t>(&c - carriers_.data())], h.receipt.id,
               dlr::to_string(h.receipt.status));
    h.reply.send(smpp::command_status::esme_rok);
    return true;
  });
}

// Hands a lane's messages, highest priority first, to its first carrier with a bound
// session, while that carrier wants more. False when the lane is stuck.
bool carrier_pipeline::feed(std::pair<std::size_t, std::size_t> key, lane& l) {
  const auto& route = routes_[key.first];
  int target = -2;
  for (std::size_t p = key.second; p < route.size() && target == -2; ++p) {
    const int c = route[p];
    if (c == simulator_carrier || carriers_[static_cast<std::size_t>(c)].link->bound_sessions() > 0)
      target = c;
  }
  if (target == -2) return false;  // nothing bound: wait (validity still runs)
  for (int priority = 3; priority >= 0; --priority) {
    auto& queue = l.by_priority[static_cast<std::size_t>(priority)];
    while (!queue.empty()) {
      if (target != simulator_carrier &&
          !carriers_[static_cast<std::size_t>(target)].link->wants_more())
        return false;
      const auto id = queue.front();
      queue.pop_front();
      --l.size;
      const auto it = messages_.find(id);
      if (it == messages_.end() || it->second.state != phase::waiting) continue;
      tracked& t = it->second;
      if (t.position != key.second || t.route != key.first) continue;
      count_waiting(t, -1);
      --waiting_in_memory_;
      t.in_lane = false;
      if (target == simulator_carrier) {
        auto message = *t.message;
        messages_.erase(it);
        hooks_.to_simulator(std::move(message));
        continue;
      }
      submit(t, target);
    }
  }
  return true;
}

void carrier_pipeline::submit(tracked& t, int carrier) {
  auto& state = carriers_[static_cast<std::size_t>(carrier)];
  const auto& config = state.link->config();
  auto pdus =
      upstream::build_submits(*t.message,
                              config.long_messages == "payload" ? upstream::long_messages::payload
                                                                : upstream::long_messages::udh,
                              ++next_reference_);
  ++t.generation;
  t.carrier = carrier;
  t.state = phase::submitted;
  t.unanswered = pdus.size();
  t.parts.assign(pdus.size(), part{});
  in_flight_[static_cast<std::size_t>(carrier)].fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < pdus.size(); ++i) {
    const auto tag = next_tag_++;
    submits_.emplace(tag, submit_ref{t.id, t.generation, static_cast<std::uint16_t>(i)});
    state.unanswered_tags.insert(tag);
    state.link->submit(std::move(pdus[i]), tag);
  }
}

void carrier_pipeline::on_result(int carrier, const upstream::submit_result& r) {
  auto& state = carriers_[static_cast<std::size_t>(carrier)];
  state.unanswered_tags.erase(r.tag);
  apply_result(carrier, r);
  release_held(state, clock_.now());
}

void carrier_pipeline::apply_result(int carrier, const upstream::submit_result& r) {
  const auto ref_it = submits_.find(r.tag);
  if (ref_it == submits_.end()) return;
  const submit_ref ref = ref_it->second;
  submits_.erase(ref_it);
  const auto it = messages_.find(ref.message_id);
  if (it == messages_.end() || it->second.generation != ref.generation) return;
  tracked& t = it->second;
  auto& state = carriers_[static_cast<std::size_t>(carrier)];
  if (r.error || r.status != smpp::command_status::esme_rok) {
    const bool temporary =
        r.error || carrier::classify_submit_status(r.status) == carrier::failure_kind::temporary;
    if (temporary) {
      retry_later(t);
    } else {
      log_->warn("carrier {}: message {} rejected: {}", names_[static_cast<std::size_t>(carrier)],
                 format_message_id(t.id), smpp::name(r.status));
      fail_over(t, r.status);
    }
    hooks_.wake();
    return;
  }
  auto& p = t.parts[ref.part];
  p.upstream_id = std::string(r.message_id);
  const auto key = carrier::canonical_upstream_id(p.upstream_id);
  state.by_upstream_id[key] = {t.id, ref.part};
  if (--t.unanswered == 0) {
    t.state = phase::awaiting;
    await_receipts(t, *t.message);
    write_enroute(t, {});
  }
  // A receipt that came before this response waited for it.
  const auto held = std::find_if(state.held.begin(), state.held.end(), [&](const held_receipt& h) {
    return std::find(h.candidates.begin(), h.candidates.end(), key) != h.candidates.end();
  });
  if (held != state.held.end()) {
    auto h = std::move(*held);
    state.held.erase(held);
    on_receipt(carrier, std::move(h.receipt), std::move(h.reply));
  }
}

void carrier_pipeline::retry_later(tracked& t) {
  forget_upstream_ids(t);
  ++t.generation;
  ++t.attempts;
  const auto shift = std::min<std::uint32_t>(t.attempts - 1, 16);
  const auto delay =
      std::min<std::chrono::seconds>(settings_.first_retry * (1u << shift), settings_.max_retry);
  t.state = phase::waiting;
  count_waiting(t, +1);  // not in a lane while it backs off, but waiting all the same
  heap_push(retries_, timed{clock_.now() + delay, t.id, t.generation});
}

void carrier_pipeline::fail_over(tracked& t, smpp::command_status status) {
  forget_upstream_ids(t);
  ++t.generation;
  if (t.position + 1 < routes_[t.route].size()) {
    ++t.position;
    enqueue(t);
    return;
  }
  finish(t, dlr::receipt_status::rejectd, carrier::gateway_error_for_submit_status(status), {});
}

void carrier_pipeline::forget_upstream_ids(tracked& t) {
  if (t.carrier >= 0) {
    auto& state = carriers_[static_cast<std::size_t>(t.carrier)];
    for (const auto& p : t.parts) {
      if (!p.upstream_id.empty())
        state.by_upstream_id.erase(carrier::canonical_upstream_id(p.upstream_id));
    }
    if (t.state != phase::waiting) {
      in_flight_[static_cast<std::size_t>(t.carrier)].fetch_sub(1, std::memory_order_relaxed);
    }
  }
  t.parts.clear();
  t.carrier = -1;
  t.unanswered = 0;
}

void carrier_pipeline::write_enroute(tracked& t, std::function<void()> after_durable) {
  hooks_.write_enroute(core::message_enroute{t.id, names_[static_cast<std::size_t>(t.carrier)],
                                             encode_parts(t.parts)},
                       std::move(after_durable));
}

void carrier_pipeline::finish(tracked& t, dlr::receipt_status status, std::uint32_t error,
                              upstream::pending_reply reply) {
  if (t.state == phase::waiting) count_waiting(t, -1);
  if (t.in_lane) --waiting_in_memory_;
  forget_upstream_ids(t);
  auto after = [reply = std::move(reply)] { reply.send(smpp::command_status::esme_rok); };
  const auto id = t.id;
  hooks_.record({id, status, error, clock_.now(), record_of(t), std::move(after)});
  messages_.erase(id);
}

void carrier_pipeline::on_inbound(int carrier, const smpp::pdu& pdu,
                                  upstream::pending_reply reply) {
  const auto& name = names_[static_cast<std::size_t>(carrier)];
  auto report = carrier::classify_upstream(pdu);
  if (auto* r = std::get_if<carrier::upstream_receipt>(&report)) {
    on_receipt(carrier, std::move(*r), std::move(reply));
  } else if (std::holds_alternative<carrier::unreadable_receipt>(report)) {
    log_->warn("carrier {}: a receipt without an id or a state; answered ESME_ROK", name);
    reply.send(smpp::command_status::esme_rok);
  } else {
    auto mo = upstream::mo_record(pdu);
    const auto account = mo ? mo_routes_.account_for(mo->destination_addr) : std::nullopt;
    if (!mo) {
      reply.send(smpp::command_status::esme_rinvcmdid);
    } else if (!account) {
      log_->warn("carrier {}: MO to {} matches no mo_route; answered ESME_RINVDSTADR", name,
                 mo->destination_addr);
      reply.send(smpp::command_status::esme_rinvdstadr);
    } else if (mo->source_addr.size() > max_deliver_address ||
               mo->destination_addr.size() > max_deliver_address) {
      // A data_sm address (up to 64) that no deliver_sm to the customer could carry.
      log_->warn("carrier {}: MO from {} to {}: an address longer than {}; refused", name,
                 mo->source_addr, mo->destination_addr, max_deliver_address);
      reply.send(mo->source_addr.size() > max_deliver_address
                     ? smpp::command_status::esme_rinvsrcadr
                     : smpp::command_status::esme_rinvdstadr);
    } else {
      mo->system_id = *account;
      mo->created_at = clock_.now();
      hooks_.accept_mo(std::move(*mo), std::move(reply));
    }
  }
  hooks_.wake();
}

void carrier_pipeline::on_receipt(int carrier, carrier::upstream_receipt r,
                                  upstream::pending_reply reply) {
  auto& state = carriers_[static_cast<std::size_t>(carrier)];
  auto candidates = carrier::upstream_id_candidates(r.id);
  for (const auto& key : candidates) {
    const auto found = state.by_upstream_id.find(key);
    if (found == state.by_upstream_id.end()) continue;
    const auto [message_id, part_index] = found->second;
    const auto it = messages_.find(message_id);
    if (it == messages_.end()) break;
    apply_receipt(it->second, part_index, r, std::move(reply));
    return;
  }
  state.held.push_back(held_receipt{std::move(candidates), std::move(r), std::move(reply),
                                    clock_.now() + settings_.hold_unmatched, next_tag_ - 1});
  release_held(state, clock_.now());
}

void carrier_pipeline::apply_receipt(tracked& t, std::uint16_t part_index,
                                     const carrier::upstream_receipt& r,
                                     upstream::pending_reply reply) {
  if (!dlr::is_final(r.status)) {
    // An intermediate report: passed on when the customer asked for those (a webhook
    // hears of every status).
    auto after = [reply] { reply.send(smpp::command_status::esme_rok); };
    const auto message = record_of(t);
    if (dlr::wants_receipt(message->registered_delivery, r.status) ||
        !message->callback_url.empty()) {
      hooks_.record({t.id, r.status, r.gateway_error, clock_.now(), message, after});
    } else {
      after();
    }
    return;
  }
  auto& p = t.parts[part_index];
  if (!p.final) {
    p.final = r.status;
    p.error = r.gateway_error;
  }
  // The message's outcome: the first failed part, else DELIVRD once every part is.
  if (dlr::is_failure(r.status)) {
    finish(t, r.status, r.gateway_error, std::move(reply));
    return;
  }
  const bool all_done = std::all_of(t.parts.begin(), t.parts.end(),
                                    [](const part& q) { return q.final.has_value(); });
  if (!all_done) {
    write_enroute(t, [reply] { reply.send(smpp::command_status::esme_rok); });
    return;
  }
  const bool delivered = std::all_of(t.parts.begin(), t.parts.end(), [](const part& q) {
    return *q.final == dlr::receipt_status::delivrd;
  });
  finish(t, delivered ? dlr::receipt_status::delivrd : r.status, 0, std::move(reply));
}

std::optional<wall_time> carrier_pipeline::next_wake() const {
  std::optional<wall_time> wake;
  const auto consider = [&wake](wall_time t) {
    if (!wake || t < *wake) wake = t;
  };
  if (!expiries_.empty()) consider(expiries_.front().at);
  if (!retries_.empty()) consider(retries_.front().at);
  for (const auto& c : carriers_) {
    for (const auto& h : c.held) consider(h.until);
  }
  return wake;
}

std::vector<carrier_counts> carrier_pipeline::counts() const {
  std::vector<carrier_counts> out;
  for (std::size_t i = 0; i < carriers_.size(); ++i) {
    out.push_back({names_[i], carriers_[i].link->bound_sessions(),
                   waiting_[i].load(std::memory_order_relaxed),
                   in_flight_[i].load(std::memory_order_relaxed)});
  }
  return out;
}

}  // namespace smppd::gateway
