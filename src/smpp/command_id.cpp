#include "smpp/command_id.hpp"

#include <array>
#include <cstdio>
#include <utility>

namespace smppd::smpp {
namespace {

struct id_entry {
  command_id id;
  std::string_view name;
  command_id response;  // generic_nack when the id has no response of its own
};

constexpr std::array<id_entry, 27> ids{{
    {command_id::generic_nack, "generic_nack", command_id::generic_nack},
    {command_id::bind_receiver, "bind_receiver", command_id::bind_receiver_resp},
    {command_id::bind_receiver_resp, "bind_receiver_resp", command_id::generic_nack},
    {command_id::bind_transmitter, "bind_transmitter", command_id::bind_transmitter_resp},
    {command_id::bind_transmitter_resp, "bind_transmitter_resp", command_id::generic_nack},
    {command_id::query_sm, "query_sm", command_id::query_sm_resp},
    {command_id::query_sm_resp, "query_sm_resp", command_id::generic_nack},
    {command_id::submit_sm, "submit_sm", command_id::submit_sm_resp},
    {command_id::submit_sm_resp, "submit_sm_resp", command_id::generic_nack},
    {command_id::deliver_sm, "deliver_sm", command_id::deliver_sm_resp},
    {command_id::deliver_sm_resp, "deliver_sm_resp", command_id::generic_nack},
    {command_id::unbind, "unbind", command_id::unbind_resp},
    {command_id::unbind_resp, "unbind_resp", command_id::generic_nack},
    {command_id::replace_sm, "replace_sm", command_id::replace_sm_resp},
    {command_id::replace_sm_resp, "replace_sm_resp", command_id::generic_nack},
    {command_id::cancel_sm, "cancel_sm", command_id::cancel_sm_resp},
    {command_id::cancel_sm_resp, "cancel_sm_resp", command_id::generic_nack},
    {command_id::bind_transceiver, "bind_transceiver", command_id::bind_transceiver_resp},
    {command_id::bind_transceiver_resp, "bind_transceiver_resp", command_id::generic_nack},
    {command_id::outbind, "outbind", command_id::generic_nack},
    {command_id::enquire_link, "enquire_link", command_id::enquire_link_resp},
    {command_id::enquire_link_resp, "enquire_link_resp", command_id::generic_nack},
    {command_id::submit_multi, "submit_multi", command_id::submit_multi_resp},
    {command_id::submit_multi_resp, "submit_multi_resp", command_id::generic_nack},
    {command_id::alert_notification, "alert_notification", command_id::generic_nack},
    {command_id::data_sm, "data_sm", command_id::data_sm_resp},
    {command_id::data_sm_resp, "data_sm_resp", command_id::generic_nack},
}};

const id_entry* find(command_id id) noexcept {
  for (const auto& entry : ids) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

}  // namespace

bool is_known(command_id id) noexcept { return find(id) != nullptr; }

command_id response_id(command_id request) noexcept {
  const id_entry* entry = find(request);
  return entry != nullptr ? entry->response : command_id::generic_nack;
}

std::string_view name(command_id id) noexcept {
  const id_entry* entry = find(id);
  return entry != nullptr ? entry->name : std::string_view{};
}

std::string to_string(command_id id) {
  if (auto known = name(id); !known.empty()) return std::string(known);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(id));
  return hex;
}

}  // namespace smppd::smpp
