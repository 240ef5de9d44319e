-- Roles for bonuses: with the GRANTs of examples/roles.sql the application
-- grants bonuses and applies bets and wins, the operator forfeits and
-- expires them, reporting reads them; nobody writes the tables directly,
-- and only a superuser moves the playthrough cap.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(18);
\ir ../../examples/roles.sql

SET LOCAL ROLE promo_app;
SELECT lives_ok($$SELECT set_config('pdtest.bonus', promo_draw.grant_bonus(42, 10, 30)::text, true)$$,
	'the application grants a bonus');
SELECT lives_ok($$SELECT promo_draw.bonus_bet(current_setting('pdtest.bonus')::bigint, 2, 1, 'spin-1'),
                         promo_draw.bonus_win(current_setting('pdtest.bonus')::bigint, 3, 'spin-1')$$,
	'applies a bet and its win');
SELECT is((SELECT balance || '/' || wagered FROM promo_draw.bonus_state(current_setting('pdtest.bonus')::bigint)),
	'11/2', 'and reads the bonus''s state');
SELECT throws_ok($$UPDATE promo_draw.bonus SET wagered = required$$, '42501', NULL,
	'the application cannot clear a bonus by hand');
SELECT throws_ok($$INSERT INTO promo_draw.bonus_event (bonus_id, kind, amount, balance_after, wagered_after, status_after)
                   VALUES (1, 'win', 100, 100, 0, 'active')$$, '42501', NULL, 'nor write events');
SELECT throws_ok($$SELECT promo_draw.forfeit_bonus(current_setting('pdtest.bonus')::bigint, 'mine')$$,
	'42501', NULL, 'nor forfeit bonuses');
SELECT throws_ok($$SET promo_draw.max_playthrough = 0$$, '42501', NULL, 'nor lift the playthrough cap');
RESET ROLE;

SET LOCAL ROLE promo_operator;
SELECT lives_ok($$SELECT promo_draw.forfeit_bonus(current_setting('pdtest.bonus')::bigint, 'duplicate account')$$,
	'the operator forfeits a bonus');
SELECT is(promo_draw.expire_bonuses(), 0, 'and expires the bonuses past their time');
SELECT throws_ok($$SELECT promo_draw.bonus_bet(current_setting('pdtest.bonus')::bigint, 1)$$, '42501', NULL,
	'the operator places no bets');
-- the compliance cap kept in the database is the owner's: the operator, who
-- grants bonuses, can neither lift it nor write around it
SELECT throws_ok($$SELECT promo_draw.set_max_playthrough(NULL)$$, '42501', NULL,
	'the operator cannot lift the playthrough cap');
SELECT throws_ok($$DELETE FROM promo_draw.setting$$, '42501', NULL, 'nor delete it from its table');
RESET ROLE;
SELECT promo_draw.set_max_playthrough(10);
SET LOCAL ROLE promo_operator;
SELECT throws_ok($$INSERT INTO promo_draw.setting (name, value) VALUES ('max_playthrough', 1000)
                   ON CONFLICT (name) DO UPDATE SET value = 1000$$, '42501', NULL, 'nor raise it');
SELECT throws_ok($$SELECT promo_draw.grant_bonus(1, 10, 11)$$, 'PD035', NULL,
	'and grants no bonus above it');
RESET ROLE;

SET LOCAL ROLE promo_reporting;
SELECT is((SELECT status FROM promo_draw.bonus WHERE bonus_id = current_setting('pdtest.bonus')::bigint),
	'forfeited', 'reporting reads bonuses');
SELECT is((SELECT count(*) FROM promo_draw.bonus_event WHERE bonus_id = current_setting('pdtest.bonus')::bigint),
	2::bigint, 'and their events');
SELECT throws_ok($$SELECT promo_draw.grant_bonus(1, 10, 1)$$, '42501', NULL, 'reporting grants nothing');
SELECT lives_ok($$SELECT * FROM promo_draw.simulate_playthrough(10, 30, 0.96, 1, 100, 2)$$,
	'anyone may simulate a bonus');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
