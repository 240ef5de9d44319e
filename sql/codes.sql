--
-- Promotion codes: validation, the window, once per customer, exact limits,
-- cancellation with audit, generated codes.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

--
-- create_code checks everything and stores codes in upper case
--
SELECT * FROM error_of($$SELECT create_code(NULL, '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('A', NULL, '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('A', '2000-01-01', '2100-01-01', reward => NULL)$$);
SELECT * FROM error_of($$SELECT create_code('', '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of(format($$SELECT create_code(%L, '2000-01-01', '2100-01-01')$$, repeat('A', 65)));
SELECT * FROM error_of($$SELECT create_code('WELCOME 10', '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('-WELCOME', '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('WELCOME€', '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('A', '2100-01-01', '2000-01-01')$$);
SELECT * FROM error_of($$SELECT create_code('A', '2000-01-01', '2100-01-01', max_redemptions => 0)$$);
SELECT count(*) AS codes_after_errors FROM promo_code;

SELECT create_code('Welcome-10', '2000-01-01', '2100-01-01', 3, '{"free_spins": 10}');
SELECT create_code('open_to_all', '2000-01-01', '2100-01-01');
SELECT create_code('SOON', '2099-01-01', '2100-01-01');
SELECT create_code('OVER', '2000-01-01', '2001-01-01');
SELECT * FROM error_of($$SELECT create_code('WELCOME-10', '2000-01-01', '2100-01-01')$$);
SELECT code, max_redemptions, shards, reward FROM promo_code ORDER BY code;
-- a limit is split into shards that add up to it; no limit, no shard
SELECT code, count(*) AS shards, sum(capacity) AS capacity, sum(used) AS used
FROM code_shard GROUP BY code ORDER BY code;
SELECT create_code('BIG', '2000-01-01', '2100-01-01', 1000);
SELECT count(*) AS shards, sum(capacity) AS capacity, min(capacity), max(capacity)
FROM code_shard WHERE code = 'BIG';

--
-- redeem: once per customer, case-insensitively, inside the window
--
SELECT code, customer_id, cancelled_at FROM redeem('welcome-10', 1);
SELECT * FROM error_of($$SELECT redeem('WELCOME-10', 1)$$) \gset e_
SELECT :'e_code' AS code, :'e_message' AS message, :'e_detail' LIKE 'It was redeemed at %' AS detail_says_when;
SELECT * FROM error_of($$SELECT redeem('NO-SUCH-CODE', 1)$$);
SELECT * FROM error_of($$SELECT redeem('SOON', 1)$$);
SELECT * FROM error_of($$SELECT redeem('OVER', 1)$$);
SELECT * FROM error_of($$SELECT redeem(NULL, 1)$$);
SELECT * FROM error_of($$SELECT redeem('WELCOME-10', NULL)$$);
SELECT * FROM error_of($$SELECT redeem('bad code!', 1)$$);

-- the limit is exact: three redemptions, the fourth customer is refused
SELECT customer_id FROM redeem('WELCOME-10', 2);
SELECT customer_id FROM redeem('WELCOME-10', 3);
SELECT * FROM error_of($$SELECT redeem('WELCOME-10', 4)$$);
SELECT sum(used) AS used FROM code_shard WHERE code = 'WELCOME-10';

-- cancel_redemption frees a place, keeps the redemption for audit, and
-- lets the customer redeem again; the old one then moves to the history
SELECT cancel_redemption('welcome-10', 2);
SELECT customer_id, cancelled_at IS NOT NULL AS cancelled FROM redemption
WHERE code = 'WELCOME-10' ORDER BY customer_id;
SELECT sum(used) AS used FROM code_shard WHERE code = 'WELCOME-10';
SELECT customer_id FROM redeem('WELCOME-10', 4);
SELECT * FROM error_of($$SELECT redeem('WELCOME-10', 2)$$);
SELECT cancel_redemption('WELCOME-10', 4);
SELECT customer_id, cancelled_at IS NULL AS valid FROM redeem('WELCOME-10', 2);
SELECT customer_id, cancelled_at IS NULL AS valid FROM redemption
WHERE code = 'WELCOME-10' ORDER BY customer_id;
SELECT customer_id, redeemed_at < cancelled_at AS in_order FROM redemption_history ORDER BY 1;
SELECT code, max_redemptions, redeemed, cancelled, remaining FROM code_summary WHERE code = 'WELCOME-10';
SELECT * FROM error_of($$SELECT cancel_redemption('WELCOME-10', 99)$$);
SELECT * FROM error_of($$SELECT cancel_redemption('WELCOME-10', 4)$$);
SELECT * FROM error_of($$SELECT cancel_redemption('NO-SUCH-CODE', 1)$$);
SELECT * FROM error_of($$SELECT cancel_redemption(NULL, 1)$$);

-- without a limit: any number of customers, no shard touched
SELECT count(*) AS redeemed FROM generate_series(1, 500) c, LATERAL redeem('OPEN_TO_ALL', c);
SELECT count(*) AS shards FROM code_shard WHERE code = 'OPEN_TO_ALL';

--
-- create_codes: n single-use codes, prefix and 12 characters of an
-- alphabet without 0, O, 1, I and L
--
CREATE TEMP TABLE batch AS
SELECT c AS code FROM create_codes('vip-', 1000, '2000-01-01', '2100-01-01', '{"free_bet": 5}') c;
SELECT count(*) AS codes, count(DISTINCT code) AS distinct_codes,
       count(*) FILTER (WHERE code ~ '^VIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$') AS well_formed
FROM batch;
SELECT count(*) AS single_use FROM promo_code p JOIN batch b USING (code)
WHERE p.max_redemptions = 1 AND p.reward = '{"free_bet": 5}';
SELECT r.code IS NOT NULL AS redeemed FROM (SELECT code FROM batch ORDER BY code LIMIT 1) b, LATERAL redeem(b.code, 1) r;
SELECT * FROM error_of(format($$SELECT redeem(%L, 2)$$, (SELECT code FROM batch ORDER BY code LIMIT 1))) \gset e_
SELECT :'e_code' AS code, :'e_message' LIKE 'promotion code VIP-% is exhausted' AS exhausted;
SELECT count(*) AS unprefixed FROM create_codes('', 3, '2000-01-01', '2100-01-01') c
WHERE c ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}$';
SELECT * FROM error_of($$SELECT create_codes('X', 0, '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_codes('X', 1000001, '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_codes('X Y', 1, '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of(format($$SELECT create_codes(%L, 1, '2000-01-01', '2100-01-01')$$, repeat('P', 53)));
SELECT * FROM error_of($$SELECT create_codes('X', 1, '2100-01-01', '2000-01-01')$$);
SELECT * FROM error_of($$SELECT create_codes(NULL, 1, '2000-01-01', '2100-01-01')$$);

-- random_code
SELECT length(random_code(1)) AS one, length(random_code(32)) AS thirty_two,
       random_code(32) ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]+$' AS alphabet;
SELECT * FROM error_of($$SELECT random_code(0)$$);
SELECT * FROM error_of($$SELECT random_code(33)$$);
