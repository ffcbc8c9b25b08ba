#pragma once
// What a store file holds, read with a plain connection of its own, without opening a
// message store on it (which would fold the journal under the running one): the tables
// plus the journal replayed. The tests' view of "durable".

#include <filesystem>
#include <vector>

#include "core/records.hpp"

namespace smppd::test_support {

// Messages not yet final, by id.
std::vector<core::message_record> committed_messages(const std::filesystem::path& db);
// Ids of the receipts not acknowledged, ascending.
std::vector<std::uint64_t> committed_receipt_ids(const std::filesystem::path& db);

}  // namespace smppd::test_support
