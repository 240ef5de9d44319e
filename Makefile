# promo_draw: PGXS build and test entry points.
#
# Developers with their own server: make && make install && make installcheck.
# Everyone else: tools/run test (installs packages, builds, starts a
# throwaway cluster and runs every suite), as README.md explains.

EXTENSION = promo_draw promo_draw_proxy
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" promo_draw.control)
PROXY_VERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" promo_draw_proxy.control)

MODULE_big = promo_draw
OBJS = \
	src/promo_draw.o \
	src/sqlexec.o \
	src/row_access.o \
	src/money.o \
	src/ticket.o \
	src/aggregates.o \
	src/barrier.o \
	src/entry.o \
	src/stake.o \
	src/shuffle.o \
	src/claim.o \
	src/bonus.o \
	src/wagering.o \
	src/bulk_insert.o \
	src/outbox.o \
	src/sandbox.o \
	src/draw.o \
	src/seal.o

# The install script is kept in pieces, one per capability, in this order.
SQL_PIECES = \
	src/sql/schema.sql \
	src/sql/money.sql \
	src/sql/aggregates.sql \
	src/sql/draw_tables.sql \
	src/sql/draw_functions.sql \
	src/sql/draw_among.sql \
	src/sql/verify.sql \
	src/sql/stake.sql \
	src/sql/claim.sql \
	src/sql/code_label.sql \
	src/sql/codes.sql \
	src/sql/instant_win.sql \
	src/sql/bonus.sql \
	src/sql/shards.sql \
	src/sql/privileges.sql

# promo_draw_proxy, for the proxy database of a sharded deployment; it
# shares verify_draw, draw_among and code_label with promo_draw.
PROXY_PIECES = \
	proxy/sql/schema.sql \
	proxy/sql/routing.sql \
	proxy/sql/draws.sql \
	src/sql/verify.sql \
	proxy/sql/sealed.sql \
	src/sql/draw_among.sql \
	src/sql/code_label.sql \
	proxy/sql/codes.sql \
	proxy/sql/customers.sql \
	proxy/sql/privileges.sql

# Released install scripts and the upgrade scripts are kept as they are;
# the current install scripts are built.
DATA = \
	promo_draw--0.1.0.sql \
	promo_draw--0.1.0--0.2.0.sql \
	promo_draw--0.2.0--0.3.0.sql
DATA_built = promo_draw--$(EXTVERSION).sql promo_draw_proxy--$(PROXY_VERSION).sql

# Every pg_regress test in sql/ (each one standalone); install first, as
# the check of a fresh install.
REGRESS_TESTS = $(sort $(patsubst sql/%.sql,%,$(wildcard sql/*.sql)))
REGRESS = install $(filter-out install,$(REGRESS_TESTS))

ISOLATION = \
	best_ticket_snapshot \
	draw_concurrent_run \
	draw_award_close \
	stake_concurrent \
	stake_close \
	codes_concurrent \
	bonus_concurrent \
	maintenance_rewrite \
	sealed_award_seal \
	notification_take
ISOLATION_OPTS = --inputdir=test/isolation

TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PGTAP_TESTS = $(sort $(wildcard test/pgtap/*.sql))
PGTAP_DB ?= promo

EXTRA_CLEAN = $(DATA_built)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Sealed draws hash with OpenSSL's EVP interface when the server has it.
ifeq ($(with_ssl),openssl)
SHLIB_LINK += -lcrypto
endif

# verify_draw reads these relations: promo_draw's own on a single node, and
# on the proxy functions that read them from every shard (src/sql/verify.sql)
VERIFY_RELATIONS = draw draw_reveal entry_reveal prize result notification

promo_draw--$(EXTVERSION).sql: $(SQL_PIECES) promo_draw.control
	cat $(SQL_PIECES) | sed $(foreach r,$(VERIFY_RELATIONS),-e 's/@$(r)@/promo_draw.$(r)/g') > $@

promo_draw_proxy--$(PROXY_VERSION).sql: $(PROXY_PIECES) promo_draw_proxy.control
	cat $(PROXY_PIECES) | sed $(foreach r,$(VERIFY_RELATIONS),-e 's/@$(r)@/promo_draw_proxy.$(r)_of(verify_draw.draw_id)/g') > $@

# One suite at a time, against a running server (PGHOST/PGPORT): the
# harness calls these so that one failing suite does not hide the others.
.PHONY: installcheck-regress installcheck-isolation installcheck-tap installcheck-pgtap
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
installcheck-isolation:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
installcheck-tap:
	$(prove_installcheck)
installcheck-pgtap:
	pg_prove --ext .sql -d $(PGTAP_DB) $(PGTAP_TESTS)

# A release tarball of the committed tree, named after the control file's
# version: make dist -> promo_draw-<version>.tar.gz
DISTNAME = promo_draw-$(EXTVERSION)
.PHONY: dist
dist:
	git archive --format=tar.gz --prefix=$(DISTNAME)/ -o $(DISTNAME).tar.gz HEAD
