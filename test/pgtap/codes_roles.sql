-- Roles for promotion codes and instant wins: with the GRANTs of
-- examples/roles.sql the operator sets codes and pools up, the application
-- redeems and plays, reporting reads the outcomes; nobody writes the tables
-- directly, and no role but the owner can read a pool's shuffled order
-- (it says who will win) or claim rows behind the functions' backs.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(27);
\ir ../../examples/roles.sql

-- the operator sets up a limited code, a batch of single-use codes and a pool
SET LOCAL ROLE promo_operator;
SELECT lives_ok($$SELECT promo_draw.create_code('ROLES-10', '2000-01-01', '2100-01-01', 2)$$,
	'the operator creates a code');
SELECT is((SELECT count(*) FROM promo_draw.create_codes('ROLE-', 5, '2000-01-01', '2100-01-01')),
	5::bigint, 'and a batch of single-use codes');
SELECT lives_ok($$SELECT set_config('pdtest.iw',
	promo_draw.create_instant_win('Roles', '2000-01-01', '2100-01-01')::text, true)$$,
	'the operator creates an instant win');
SELECT lives_ok($$SELECT promo_draw.add_instant_prizes(current_setting('pdtest.iw')::bigint, 'Prize', 1),
                         promo_draw.add_instant_prizes(current_setting('pdtest.iw')::bigint, NULL, 3)$$,
	'fills its pool');
SELECT is(promo_draw.shuffle_instant_win(current_setting('pdtest.iw')::bigint), 4::bigint,
	'and shuffles it in advance');
SELECT throws_ok($$SELECT promo_draw.redeem('ROLES-10', 1)$$, '42501', NULL,
	'the operator does not redeem for customers');
SELECT throws_ok($$SELECT position FROM promo_draw.instant_prize$$, '42501', NULL,
	'nor read the shuffled pool');
RESET ROLE;

-- the application redeems, cancels and plays, through the functions only
SET LOCAL ROLE promo_app;
SELECT is((SELECT customer_id FROM promo_draw.redeem('roles-10', 7)), 7::bigint,
	'the application redeems a code');
SELECT lives_ok($$SELECT promo_draw.cancel_redemption('ROLES-10', 7)$$,
	'and cancels a redemption');
SELECT is((SELECT count(*) FROM generate_series(1, 4) c,
                  LATERAL promo_draw.instant_win(current_setting('pdtest.iw')::bigint, c) p
           WHERE p.outcome = 'won'), 1::bigint,
	'the application plays the instant win: one prize in the pool, one winner');
SELECT throws_ok($$INSERT INTO promo_draw.redemption (code, customer_id) VALUES ('ROLES-10', 8)$$,
	'42501', NULL, 'the application cannot write redemptions directly');
SELECT throws_ok($$UPDATE promo_draw.code_shard SET used = 0$$, '42501', NULL,
	'nor reset a limit');
SELECT throws_ok($$SELECT position FROM promo_draw.instant_prize$$, '42501', NULL,
	'nor read the shuffled pool');
SELECT throws_ok($$SELECT promo_draw.claim_row('promo_draw.instant_prize', '{}')$$, '42501', NULL,
	'nor claim rows behind the functions');
SELECT throws_ok($$SELECT promo_draw.create_code('MINE', '2000-01-01', '2100-01-01')$$, '42501', NULL,
	'nor create codes');
SELECT throws_ok($$SELECT promo_draw.add_instant_prizes(current_setting('pdtest.iw')::bigint, 'More', 1)$$,
	'42501', NULL, 'nor add prizes');
RESET ROLE;

-- reporting reads the outcomes, not the pool
SET LOCAL ROLE promo_reporting;
SELECT is((SELECT redeemed || '/' || cancelled || '/' || remaining FROM promo_draw.code_report
           WHERE code_label = 'ROLES-10'), '0/1/2', 'reporting reads the code report, a shared code whole');
SELECT is((SELECT count(*) FROM promo_draw.code_report
           WHERE single_use AND code_label = 'ROLE-************'), 5::bigint,
	'and single-use codes without their random part');
SELECT is((SELECT string_agg(cancelled_at IS NOT NULL || '/' || archived, ',')
           FROM promo_draw.redemption_report WHERE code_label = 'ROLES-10'), 'true/false',
	'and redemptions');
SELECT throws_ok($$SELECT code FROM promo_draw.promo_code$$, '42501', NULL,
	'but not the codes themselves');
SELECT throws_ok($$SELECT code FROM promo_draw.redemption$$, '42501', NULL,
	'nor the redemptions table');
SELECT is((SELECT count(*) FROM promo_draw.instant_play
           WHERE instant_win_id = current_setting('pdtest.iw')::bigint), 4::bigint,
	'and every play');
SELECT is((SELECT won || '/' || prizes_left FROM promo_draw.instant_win_summary
           WHERE instant_win_id = current_setting('pdtest.iw')::bigint), '1/0',
	'and the pool summary');
SELECT throws_ok($$SELECT position FROM promo_draw.instant_prize$$, '42501', NULL,
	'but not the shuffled pool');
SELECT throws_ok($$SELECT promo_draw.redeem('ROLES-10', 9)$$, '42501', NULL, 'reporting redeems nothing');
RESET ROLE;

-- no label gives a single-use code away
SELECT is((SELECT count(*) FROM promo_draw.code_report r JOIN promo_draw.promo_code c
             ON r.code_label = c.code WHERE c.max_redemptions = 1), 0::bigint,
	'no single-use code appears in the report');

-- even a table owner's claim needs the right to update the table
CREATE ROLE promo_claimless NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO promo_claimless;
GRANT EXECUTE ON FUNCTION promo_draw.claim_row(regclass, tid[]) TO promo_claimless;
SET LOCAL ROLE promo_claimless;
SELECT throws_ok($$SELECT promo_draw.claim_row('promo_draw.code_shard', ARRAY['(0,1)'::tid])$$,
	'42501', NULL, 'claim_row checks UPDATE rights on the table itself');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
