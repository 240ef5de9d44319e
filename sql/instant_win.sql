--
-- Instant wins: the pool, shuffled once by the first play; one play per
-- customer; won, lost and exhausted; the window; random permutations.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

--
-- random_permutation: every item once, in slots 1 .. n
--
SELECT count(*) AS items, count(DISTINCT slot) AS slots, min(slot), max(slot),
       sum(item) = sum(slot) AS same_numbers
FROM random_permutation(1000);
SELECT * FROM random_permutation(1);
SELECT count(*) AS none FROM random_permutation(0);
SELECT * FROM error_of($$SELECT * FROM random_permutation(-1)$$);
SELECT * FROM error_of($$SELECT * FROM random_permutation(10000001)$$);
SELECT count(*) AS null_n FROM random_permutation(NULL);

--
-- create_instant_win and add_instant_prizes check their input
--
SELECT * FROM error_of($$SELECT create_instant_win(NULL, '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_instant_win('', '2000-01-01', '2100-01-01')$$);
SELECT * FROM error_of($$SELECT create_instant_win('x', '2100-01-01', '2000-01-01')$$);
SELECT create_instant_win('Scratch card', '2000-01-01', '2100-01-01') AS iw \gset
SELECT * FROM error_of($$SELECT add_instant_prizes(-1, 'Prize', 1)$$);
SELECT * FROM error_of(format($$SELECT add_instant_prizes(%s, 'Prize', 0)$$, :iw));
SELECT * FROM error_of(format($$SELECT add_instant_prizes(%s, 'Prize', 10000001)$$, :iw));
SELECT * FROM error_of(format($$SELECT add_instant_prizes(%s, '', 1)$$, :iw));
SELECT * FROM error_of(format($$SELECT add_instant_prizes(%s, 'Prize', NULL)$$, :iw));

SELECT add_instant_prizes(:iw, '10 EUR free bet', 3), add_instant_prizes(:iw, 'Mug', 1),
       add_instant_prizes(:iw, NULL, 6);
SELECT prize, count(*) AS units, count(position) AS placed FROM instant_prize
WHERE instant_win_id = :iw GROUP BY prize ORDER BY prize;
SELECT shuffled_at IS NULL AS not_shuffled_yet FROM instant_win WHERE instant_win_id = :iw;

--
-- plays: the first shuffles the pool; each claims the next unit; a
-- customer plays once; an empty pool says so
--
SELECT * FROM error_of($$SELECT * FROM instant_win(-1, 1)$$);
SELECT * FROM error_of($$SELECT * FROM instant_win(NULL, 1)$$);
CREATE TEMP TABLE plays AS
SELECT c AS customer_id, p.prize, p.outcome FROM generate_series(1, 12) c, LATERAL instant_win(:iw, c) p;
SELECT outcome, count(*), count(DISTINCT prize) AS prizes FROM plays GROUP BY outcome ORDER BY outcome;
SELECT prize, count(*) FROM plays WHERE outcome = 'won' GROUP BY prize ORDER BY prize;
SELECT customer_id, outcome FROM plays WHERE customer_id > 10;
-- shuffled once: every unit in its own position 1 .. 10, claimed in position order
SELECT shuffled_at IS NOT NULL AS shuffled FROM instant_win WHERE instant_win_id = :iw;
SELECT count(DISTINCT position) AS positions, min(position), max(position),
       bool_and(customer_id IS NOT NULL) AS all_claimed
FROM instant_prize WHERE instant_win_id = :iw;
SELECT bool_and(p.position = c.customer_id) AS claimed_in_position_order
FROM instant_prize p JOIN plays c USING (customer_id) WHERE p.instant_win_id = :iw;
SELECT * FROM error_of(format($$SELECT * FROM instant_win(%s, 1)$$, :iw)) \gset e_
SELECT :'e_code' AS code, :'e_message' AS message, :'e_detail' LIKE 'They played at %' AS detail_says_when;
SELECT code, message FROM error_of(format($$SELECT * FROM instant_win(%s, 11)$$, :iw));
SELECT code, message FROM error_of(format($$SELECT add_instant_prizes(%s, 'Late', 1)$$, :iw));
-- a message for every win, none for losses (who wins is the shuffle's)
SELECT n.payload->>'prize' AS prize, count(*) AS messages
FROM notification n WHERE n.kind = 'instant_win' AND (n.payload->>'instant_win_id')::bigint = :iw
GROUP BY 1 ORDER BY 1;
SELECT count(*) = count(*) FILTER (WHERE outcome = 'won') AS one_message_per_win
FROM plays p JOIN notification n ON n.customer_id = p.customer_id AND n.kind = 'instant_win'
     AND (n.payload->>'instant_win_id')::bigint = :iw;
SELECT name, units, prize_units, claimed, won, prizes_left FROM instant_win_summary WHERE instant_win_id = :iw;

--
-- the window
--
SELECT create_instant_win('Later', '2099-01-01', '2100-01-01') AS later \gset
SELECT create_instant_win('Over', '2000-01-01', '2001-01-01') AS over \gset
SELECT * FROM error_of(format($$SELECT * FROM instant_win(%s, 1)$$, :later));
SELECT * FROM error_of(format($$SELECT * FROM instant_win(%s, 1)$$, :over));
-- a pool with no units at all is exhausted from the start
SELECT create_instant_win('Empty', '2000-01-01', '2100-01-01') AS empty \gset
SELECT * FROM instant_win(:empty, 1);

--
-- shuffle_instant_win: the pool is shuffled in advance, once; the first
-- play then finds it ready and takes position 1
--
SELECT create_instant_win('Advent calendar', '2000-01-01', '2100-01-01') AS advent \gset
SELECT add_instant_prizes(:advent, 'Free spins', 2), add_instant_prizes(:advent, NULL, 3);
SELECT shuffle_instant_win(:advent) AS units;
CREATE TEMP TABLE advent_order AS
SELECT unit, position FROM instant_prize WHERE instant_win_id = :advent;
SELECT count(DISTINCT position) AS positions, min(position), max(position) FROM advent_order;
SELECT shuffled_at IS NOT NULL AS shuffled FROM instant_win WHERE instant_win_id = :advent;
-- a second shuffle changes nothing
SELECT shuffle_instant_win(:advent) AS units;
SELECT count(*) AS moved FROM instant_prize p JOIN advent_order o USING (unit)
WHERE p.instant_win_id = :advent AND p.position <> o.position;
SELECT code, message FROM error_of(format($$SELECT add_instant_prizes(%s, 'Late', 1)$$, :advent));
SELECT outcome IN ('won', 'lost') AS played FROM instant_win(:advent, 1);
SELECT position FROM instant_prize WHERE instant_win_id = :advent AND customer_id = 1;
SELECT * FROM error_of($$SELECT shuffle_instant_win(-1)$$);
SELECT * FROM error_of($$SELECT shuffle_instant_win(NULL)$$);
