#include "support/committed_store.hpp"

#include <sqlite3.h>

#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "store/journal/journal.hpp"
#include "store/sqlite/columns.hpp"

namespace smppd::test_support {
namespace {

// Opens `db` read-only, hands each row of `table_sql` to `row`, then every journal step, in
// order, to `step`, all from one snapshot.
void read_committed(const std::filesystem::path& db, const std::string& table_sql,
                    const std::function<void(sqlite3_stmt*)>& row,
                    const std::function<void(core::message_step&&)>& step) {
  sqlite3* c = nullptr;
  if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(c);
    throw std::runtime_error("cannot open " + db.string());
  }
  // One read transaction: both reads see the same commit. Without it a fold committing in
  // between (rows moved from the journal into the tables) hid those rows from both reads.
  sqlite3_exec(c, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(c, table_sql.c_str(), -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) row(s);
  sqlite3_finalize(s);
  sqlite3_prepare_v2(c, "SELECT data FROM journal ORDER BY seq", -1, &s, nullptr);
  bool ok = true;
  std::vector<std::uint8_t> scratch;
  while (ok && sqlite3_step(s) == SQLITE_ROW) {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 0));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, 0));
    const auto batch = store::journal::expand({data, size}, scratch);
    ok = batch && store::journal::decode(*batch, step);
  }
  sqlite3_finalize(s);
  sqlite3_exec(c, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(c);
  if (!ok) throw std::runtime_error("a journal row does not decode");
}

}  // namespace

std::vector<core::message_record> committed_messages(const std::filesystem::path& db) {
  std::map<std::uint64_t, core::message_record> out;
  read_committed(
      db,
      "SELECT " + store::sqlite::column_list<core::message_record>() +
          " FROM messages WHERE state < 2",
      [&](sqlite3_stmt* s) {
        auto m = store::sqlite::reader(s).record<core::message_record>();
        out[m.id] = std::move(m);
      },
      [&](core::message_step&& step) {
        if (auto* a = std::get_if<core::message_accepted>(&step)) {
          out[a->message.id] = std::move(a->message);
        } else if (auto* f = std::get_if<core::message_finished>(&step)) {
          if (core::is_final(f->state)) out.erase(f->message_id);
        } else if (auto* e = std::get_if<core::message_enroute>(&step)) {
          if (auto it = out.find(e->message_id); it != out.end()) {
            it->second.state = core::message_state::enroute;
          }
        }
      });
  std::vector<core::message_record> list;
  for (auto& [id, m] : out) list.push_back(std::move(m));
  return list;
}

std::vector<std::uint64_t> committed_receipt_ids(const std::filesystem::path& db) {
  std::set<std::uint64_t> ids;
  read_committed(
      db, "SELECT receipt_id FROM receipts",
      [&](sqlite3_stmt* s) { ids.insert(static_cast<std::uint64_t>(sqlite3_column_int64(s, 0))); },
      [&](core::message_step&& step) {
        if (auto* f = std::get_if<core::message_finished>(&step); f && f->receipt) {
          ids.insert(f->receipt->receipt_id);
        } else if (auto* m = std::get_if<core::mo_received>(&step)) {
          ids.insert(m->mo.receipt_id);
        } else if (auto* a = std::get_if<core::receipt_acknowledged>(&step)) {
          ids.erase(a->receipt_id);
        }
      });
  return {ids.begin(), ids.end()};
}

}  // namespace smppd::test_support
