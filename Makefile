# Shailoo: build, run, test.  See README.md.
#   make run     install what is needed, build, start PostgreSQL + app + nginx, print the URL
#   make test    unit, API and browser tests on an instance of their own
#   make stop    stop what `make run` started
#   make bench   load figures on the full demo country (needs `make run`)
#   make election-night   the demo's ASU devices send the night's reports, then the commissions'
#                         manual count with a few corrections and the scans (needs `make run`)
#   make xroad-demo PIN=21505199000011   another agency asks our X-Road voter status (needs `make run`)

PORT        ?= 8080
VAR         ?= var
TEST_PORT   ?= 18080
DEMO_SCALE  ?= 1
TEST_SCALE  ?= 0.01

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# Tables (routes, fields, statements) leave trailing members zero on purpose.
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-missing-field-initializers
PKGS    := libpq json-c libjwt libcurl libcrypto
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -I/usr/include/postgresql
LIBS    := -lfcgi -lmagic $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpq -ljson-c -ljwt -lcurl -lcrypto)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

CORE_SRC  := $(wildcard cgi/core/*.c)
RULES_SRC := $(wildcard cgi/rules/*.c)
EXT_SRC   := $(wildcard cgi/ext/*.c)
API_SRC   := $(wildcard cgi/api/*.c)
APP_SRC   := cgi/main.c $(CORE_SRC) $(RULES_SRC) $(EXT_SRC) $(API_SRC)
HDRS      := $(wildcard cgi/*.h cgi/*/*.h)
UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))

.PHONY: all build run stop test unit bench deps migrate psql clean fuzz demo-people election-night format xroad-demo

all: build

build: build/shailoo build/asan/shailoo build/demo-gen bin/shailoo-seats bin/shailoo-asu bin/shailoo-complaints-demo \
       bin/shailoo-verify

build/shailoo: $(APP_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(APP_SRC) $(LIBS)

build/asan/shailoo: $(APP_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $(APP_SRC) $(LIBS)

DEMO_GEN_SRC := $(wildcard sql/demo/gen*.c)
build/demo-gen: $(DEMO_GEN_SRC) sql/demo/gen.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $(DEMO_GEN_SRC) -lm

# Seat allocation from JSON on stdin (tests/seats/README.md).
SEATS_CLI_SRC := cgi/tools/seats_cli.c cgi/api/seats_json.c cgi/rules/seats.c cgi/core/json.c cgi/core/http.c cgi/core/pool.c
bin/shailoo-seats: $(SEATS_CLI_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icgi -o $@ $(SEATS_CLI_SRC) -ljson-c

# The demo's registry of complaints (usage: cgi/tools/complaints_demo.c).
COMPLAINTS_DEMO_SRC := cgi/tools/complaints_demo.c cgi/rules/complaints.c cgi/rules/calendar.c
bin/shailoo-complaints-demo: $(COMPLAINTS_DEMO_SRC) cgi/rules/complaints.h cgi/rules/calendar.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icgi -o $@ $(COMPLAINTS_DEMO_SRC)

# The demo's ASU devices: their keys, and election night (usage: cgi/tools/asu_sim.c).
ASU_SIM_SRC := cgi/tools/asu_sim.c cgi/tools/asu_keys.c cgi/tools/asu_night.c cgi/tools/asu_night_http.c \
               cgi/tools/asu_figures.c cgi/core/jws.c
bin/shailoo-asu: $(ASU_SIM_SRC) cgi/tools/asu_sim.h cgi/tools/asu_night.h cgi/core/jws.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icgi -o $@ $(ASU_SIM_SRC) -lcurl -lcrypto -lm

# An observer's check of an election's public results against its log (usage: cgi/tools/verify.c).
VERIFY_SRC := cgi/tools/verify.c cgi/tools/verify_fetch.c cgi/tools/verify_log.c cgi/tools/verify_replay.c \
              cgi/tools/verify_compare.c cgi/tools/verify_seats.c cgi/api/asu_report.c cgi/api/seats_json.c \
              cgi/rules/protocol.c cgi/rules/seats.c cgi/core/json.c cgi/core/jws.c cgi/core/http.c cgi/core/pool.c
bin/shailoo-verify: $(VERIFY_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Icgi -o $@ $(VERIFY_SRC) -ljson-c -lcurl -lcrypto

# The document kinds' table is the API's, with the owners' checks (core and the table only).
build/unit/test_documents: tests/unit/test_documents.c cgi/api/document_kinds.c $(CORE_SRC) $(RULES_SRC) $(EXT_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -Icgi -o $@ $< cgi/api/document_kinds.c $(CORE_SRC) $(RULES_SRC) $(EXT_SRC) $(LIBS) -lcmocka

build/unit/%: tests/unit/%.c $(CORE_SRC) $(RULES_SRC) $(EXT_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -Icgi -o $@ $< $(CORE_SRC) $(RULES_SRC) $(EXT_SRC) $(LIBS) -lcmocka

# Debian packages and npm modules; quick when already there.
deps:
	@scripts/deps.sh

run: deps build
	@VAR=var PORT=$(PORT) DEMO_SCALE=$(DEMO_SCALE) scripts/instance.sh start

stop:
	@VAR=var scripts/instance.sh stop

migrate:
	@VAR=var scripts/instance.sh migrate

psql:
	@VAR=var scripts/instance.sh psql

# The demo people of every demo build: PIN, name, role, scope.
demo-people:
	@node -e 'for (const p of require("./tests/fakes/demo-people.json")) console.log([p.pin, [p.last_name, p.first_name, p.patronymic].join(" "), p.role, p.scope].join("\t"))' 

unit: $(UNIT_TESTS)
	@scripts/run-unit.sh $(UNIT_TESTS)

test: deps build
	@scripts/test.sh $(TEST_PORT) $(TEST_SCALE)

bench: deps build build/bench-hello
	@VAR=var PORT=$(PORT) tests/bench/bench.sh

# The bare FastCGI answer make bench compares with (tests/bench/hello.c).
build/bench-hello: tests/bench/hello.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $< -lfcgi

# Every demo station's device sends its day to the running instance (make run):
# make election-night ARGS="--duration 30 --check-visibility"
election-night: bin/shailoo-asu
	@bin/shailoo-asu night --dir $(VAR)/asu --url http://127.0.0.1:$(PORT) $(ARGS)
	@VAR=$(VAR) scripts/instance.sh demo-protocols

# Another agency's security server (tests/fakes/security_server.mjs, its client
# certificate signed by the instance's demo CA) asks our X-Road provider, as
# the demo agency's information system would (needs `make run`).  The CEC's
# demo administrator grants the demo agency our services first (once).
# ASK=complaint-status/1, ASK=election-results/202104/results, ASK=candidate-status/PIN...
PIN ?= 21505199000011
ASK ?= voter-status/$(PIN)
XROAD_DEMO_CLIENT ?= central-server/GOV/70000050/demo-agency
xroad-demo:
	@PGHOST=$(CURDIR)/$(VAR)/run PGUSER=shailoo PGDATABASE=shailoo psql -X -qAt -v ON_ERROR_STOP=1 -c \
	    "INSERT INTO xroad_access (client, service, granted_by) SELECT '$(XROAD_DEMO_CLIENT)', s, '21111197000066' \
	       FROM unnest(ARRAY['voter-status', 'candidate-status', 'complaint-status', 'election-results']) s \
	     ON CONFLICT DO NOTHING" >/dev/null
	@node tests/fakes/security_server.mjs --provider https://127.0.0.1:$$(( $(PORT) + 402 )) \
	    --sign-with $(VAR)/keys/xroad/ca.pem $(VAR)/keys/xroad/ca.key --trust $(VAR)/keys/xroad/ca.pem \
	    --client $(XROAD_DEMO_CLIENT) --user-id demo-official --ask $(ASK)

# libFuzzer harnesses of the parsers (clang); FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
FUZZERS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# The report harness links the handler's files and stubs the database.
FUZZ_LINKS_fuzz_report := cgi/api/asu.c cgi/api/asu_report.c cgi/api/common.c
build/fuzz/%: tests/fuzz/%.c $(CORE_SRC) $(RULES_SRC) $(HDRS) $(API_SRC)
	@mkdir -p $(@D)
	clang $(CSTD) -g -O1 -fsanitize=fuzzer,address,undefined -Icgi $(shell pkg-config --cflags $(PKGS)) -I/usr/include/postgresql -o $@ $< $(FUZZ_LINKS_$*) $(filter-out cgi/core/server.c cgi/core/db.c cgi/core/publish.c,$(CORE_SRC)) $(RULES_SRC) -ljson-c -ljwt -lcrypto -lmagic

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do echo "fuzz: $$f ($(FUZZ_SECONDS) s)"; mkdir -p build/corpus/$$(basename $$f); \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/corpus/$$(basename $$f) 2>&1 | tail -2 || exit 1; done

# Rewrite the C files in the one style (.clang-format); make test checks it.
format:
	@scripts/format-check.sh --fix

clean:
	rm -rf build bin
