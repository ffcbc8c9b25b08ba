# The store's journal decoder: what a restart reads back from disk. corpus/journal_decode/
# holds batches written by the encoder (tests/store/journal_test's sample and smaller ones).
smppd_fuzz_target(journal_decode SOURCES ${CMAKE_CURRENT_LIST_DIR}/journal_decode.cpp
                  LIBS smppd_store_journal)
