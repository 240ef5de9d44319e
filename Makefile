# promo_draw: PGXS build and test entry points.
#
# Developers with their own server: make && make install && make installcheck.
# Everyone else: tools/run test (installs packages, builds, starts a
# throwaway cluster and runs every suite), as README.md explains.

EXTENSION = promo_draw promo_draw_proxy
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" promo_draw.control)

MODULE_big = promo_draw
OBJS = \
	src/promo_draw.o \
	src/sqlexec.o \
	src/table_write.o \
	src/row_access.o \
	src/bulk_insert.o \
	src/money.o \
	src/ticket.o \
	src/best_ticket.o \
	src/draw_state.o \
	src/partition.o \
	src/entry.o \
	src/stake.o \
	src/outbox.o \
	src/sandbox.o \
	src/eligibility.o \
	src/digest.o \
	src/seal.o \
	src/sealed_order.o \
	src/prize_walk.o \
	src/draw.o \
	src/record.o \
	src/shard.o \
	src/proxy.o \
	src/shuffle.o \
	src/claim.o \
	src/bonus.o \
	src/wagering.o

# Every install and update script is built by tools/sqlinclude from the
# manifest of the same name in src/sql/ (promo_draw) or proxy/sql/
# (promo_draw_proxy), which includes each object's file at the version that
# script needs: udfs/create_draw/0.3.0.sql and the like.  The scripts of a
# released version never change (src/sql/shipped.sha256).
SQL_MANIFESTS = $(sort $(wildcard src/sql/promo_draw--*.sql proxy/sql/promo_draw_proxy--*.sql))
SQL_OBJECTS = $(wildcard src/sql/*/*/*.sql proxy/sql/*/*/*.sql)
DATA_built = $(notdir $(SQL_MANIFESTS))

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
	notification_take \
	message_lease \
	max_playthrough
ISOLATION_OPTS = --inputdir=test/isolation

TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PGTAP_TESTS = $(sort $(wildcard test/pgtap/*.sql))
PGTAP_DB ?= promo

EXTRA_CLEAN = $(addsuffix .tmp,$(DATA_built))

# rebuild a C file when a header it includes changes
autodepend = yes

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Sealed draws hash with OpenSSL's EVP interface when the server has it.
ifeq ($(with_ssl),openssl)
SHLIB_LINK += -lcrypto
endif

# verify_draw reads these relations (src/sql/udfs/verify_draw): promo_draw's
# own on a single node, and on the proxy functions that read them from every
# shard
VERIFY_RELATIONS = draw draw_reveal entry_reveal prize result notification

promo_draw--%.sql: src/sql/promo_draw--%.sql $(SQL_OBJECTS) tools/sqlinclude
	$(SHELL) tools/sqlinclude $< $(foreach r,$(VERIFY_RELATIONS),'$(r)=promo_draw.$(r)') >$@.tmp
	mv $@.tmp $@

promo_draw_proxy--%.sql: proxy/sql/promo_draw_proxy--%.sql $(SQL_OBJECTS) tools/sqlinclude
	$(SHELL) tools/sqlinclude $< \
		$(foreach r,$(VERIFY_RELATIONS),'$(r)=promo_draw_proxy.$(r)_of(verify_draw.draw_id)') >$@.tmp
	mv $@.tmp $@

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
