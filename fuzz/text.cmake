smppd_fuzz_target(text_decode SOURCES text_decode.cpp LIBS smppd_text)
