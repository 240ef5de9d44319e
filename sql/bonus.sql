--
-- Playthrough bonuses: granting, bets and wins, idempotent events, the
-- one-way status, the cap on playthrough, and what a bonus is worth.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- the state and the events of a bonus, for checking
CREATE FUNCTION pg_temp.events(b bigint)
RETURNS TABLE (kind text, bet_id text, stake numeric, contribution numeric, amount numeric,
               balance_after numeric, wagered_after numeric, status_after text)
LANGUAGE sql AS $$
	SELECT kind, bet_id, stake, contribution, amount, balance_after, wagered_after, status_after
	FROM promo_draw.bonus_event WHERE bonus_id = b ORDER BY event_id
$$;

--
-- grant_bonus checks its input and starts an active bonus
--
SELECT * FROM error_of($$SELECT grant_bonus(NULL, 10, 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, NULL, 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, NULL)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 0, 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, -5, 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 'NaN', 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 'Infinity', 30)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, -1)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 30, '2000-01-01')$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 30, min_stake => 11)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 30, min_stake => -1)$$);
SELECT count(*) AS bonuses_after_errors FROM bonus;

SELECT grant_bonus(42, 10, 30) AS b \gset
SELECT * FROM bonus_state(:b);
SELECT customer_id, amount, playthrough, required, min_stake, open_bets, status, expires_at
FROM bonus WHERE bonus_id = :b;
SELECT * FROM error_of($$SELECT * FROM bonus_state(-1)$$);
SELECT * FROM error_of($$SELECT * FROM bonus_state(NULL)$$);

-- no wagering required: cash at once
SELECT grant_bonus(42, 5, 0) AS cash \gset
SELECT * FROM bonus_state(:cash);

--
-- promo_draw.max_playthrough caps grants (superuser-set)
--
SET promo_draw.max_playthrough = 10;
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 30)$$);
SELECT grant_bonus(1, 10, 10) IS NOT NULL AS ten_times_is_fine;
-- compared exactly, not as floating point (10.00000001 is 10 as a float4);
-- and, like every amount, with at most 8 decimal places
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 10.00000001)$$);
SELECT * FROM error_of($$SELECT grant_bonus(1, 10, 10.0000000000000001)$$);
RESET promo_draw.max_playthrough;
SELECT * FROM error_of($$SET promo_draw.max_playthrough = -1$$);
SELECT * FROM error_of($$SET promo_draw.max_playthroughs = 1$$);
CREATE ROLE regress_bonus_user;
SET ROLE regress_bonus_user;
SELECT * FROM error_of($$SET promo_draw.max_playthrough = 0$$);
RESET ROLE;
DROP ROLE regress_bonus_user;

--
-- bets: balance down by the stake, wagering up by stake x contribution
--
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 0)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, -1)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 'NaN')$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 'Infinity')$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, NULL)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 1, 0)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 1, 1.5)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 1, NULL)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 1, 1, '')$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 10.01)$$, :b));
SELECT * FROM error_of($$SELECT bonus_bet(-1, 1)$$);
SELECT * FROM error_of($$SELECT bonus_bet(NULL, 1)$$);
SELECT * FROM bonus_state(:b);

SELECT bonus_bet(:b, 2.00, 1, 'spin-1');
SELECT bonus_win(:b, 1.50, 'spin-1');
SELECT bonus_bet(:b, 4.00, 0.1, 'hand-1');      -- a table game counts 10%
SELECT bonus_win(:b, 0, 'hand-1');               -- lost hand: settled with 0
SELECT * FROM bonus_state(:b);
-- at-least-once delivery: repeats change nothing
SELECT bonus_bet(:b, 2.00, 1, 'spin-1'), bonus_win(:b, 1.50, 'spin-1'), bonus_win(:b, 0, 'hand-1');
SELECT * FROM bonus_state(:b);
SELECT * FROM pg_temp.events(:b);
-- a win must follow its bet on the same bonus
SELECT * FROM error_of(format($$SELECT bonus_win(%s, 5, 'never-bet')$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_win(%s, 5, 'spin-1')$$, :cash));
SELECT * FROM error_of(format($$SELECT bonus_win(%s, -1)$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_win(%s, 'NaN')$$, :b));
SELECT * FROM error_of(format($$SELECT bonus_win(%s, NULL)$$, :b));
-- a win without a bet_id needs an active bonus, and is credited at once
SELECT bonus_win(:b, 0.50);
SELECT balance FROM bonus_state(:b);

--
-- clearing: the bet that completes the wagering clears the bonus; its win
-- still counts; then no more bets
--
SELECT grant_bonus(7, 10, 3) AS clears \gset
SELECT bonus_bet(:clears, 9, 1, 'a'), bonus_win(:clears, 9, 'a');
SELECT bonus_bet(:clears, 9, 1, 'b'), bonus_win(:clears, 9, 'b');
SELECT * FROM bonus_state(:clears);
SELECT bonus_bet(:clears, 9, 1, 'c');            -- wagered 27 of 30, balance 1
SELECT bonus_win(:clears, 5, 'c');               -- balance 6
SELECT bonus_bet(:clears, 1, 1, 'd');            -- 28 of 30, balance 5, d open
SELECT bonus_bet(:clears, 2, 1, 'e');            -- 30 of 30: cleared with 3, d and e open
SELECT * FROM bonus_state(:clears);
SELECT bonus_win(:clears, 12.5, 'e');            -- the clearing bet's win counts
SELECT bonus_win(:clears, 3, 'd');               -- and so does a bet's placed before it
SELECT * FROM bonus_state(:clears);
SELECT open_bets FROM bonus WHERE bonus_id = :clears;
SELECT code, message, split_part(detail, ' since ', 1) AS detail FROM error_of(format($$SELECT bonus_bet(%s, 1, 1, 'f')$$, :clears));
SELECT code, message, split_part(detail, ' since ', 1) AS detail FROM error_of(format($$SELECT bonus_win(%s, 1)$$, :clears));
SELECT bonus_bet(:clears, 2, 1, 'e');            -- a repeat is still no error
SELECT kind, customer_id, payload - 'bonus_id' AS payload FROM notification
WHERE kind = 'bonus_cleared' AND (payload->>'bonus_id')::bigint = :clears;
SELECT status, ended_at IS NOT NULL AS ended FROM bonus WHERE bonus_id = :clears;

--
-- losing: a balance below the smallest stake ends the bonus once no bet
-- waits for its win
--
SELECT grant_bonus(8, 5, 30, min_stake => 0.50) AS loses \gset
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 0.25)$$, :loses));
SELECT bonus_bet(:loses, 4.70, 1, 'x');          -- 0.30 left, below 0.50, win pending
SELECT * FROM bonus_state(:loses);
SELECT bonus_win(:loses, 0, 'x');                -- the bet lost: so has the bonus
SELECT * FROM bonus_state(:loses);
SELECT code, message, detail LIKE 'It is lost since %' AS says_since
FROM error_of(format($$SELECT bonus_bet(%s, 0.30)$$, :loses));
-- a pending win rescues it
SELECT grant_bonus(8, 5, 30) AS rescued \gset
SELECT bonus_bet(:rescued, 5, 1, 'all-in');
SELECT * FROM bonus_state(:rescued);
SELECT bonus_win(:rescued, 20, 'all-in');
SELECT * FROM bonus_state(:rescued);
-- without a bet_id nothing can be pending: an empty balance is lost at once
SELECT grant_bonus(8, 5, 30) AS emptied \gset
SELECT bonus_bet(:emptied, 5);
SELECT * FROM bonus_state(:emptied);

--
-- expiry and forfeiture
--
SELECT grant_bonus(9, 10, 30, expires_at => now() + interval '1 hour') AS expiring \gset
SELECT bonus_bet(:expiring, 1, 1, 'before');
UPDATE bonus SET granted_at = '2000-01-01', expires_at = '2000-01-02' WHERE bonus_id = :expiring;
SELECT * FROM bonus_state(:expiring);
SELECT * FROM error_of(format($$SELECT bonus_bet(%s, 1)$$, :expiring)) \gset e_
SELECT :'e_code' AS code, :'e_message' AS message, :'e_detail' AS detail;
SELECT bonus_win(:expiring, 2, 'before');        -- a bet placed before expiry is settled
SELECT balance, status FROM bonus_state(:expiring);
SELECT expire_bonuses() AS expired, expire_bonuses() AS again;
SELECT status, ended_at FROM bonus WHERE bonus_id = :expiring;

SELECT grant_bonus(10, 10, 30) AS forfeit \gset
SELECT * FROM error_of(format($$SELECT forfeit_bonus(%s, NULL)$$, :forfeit));
SELECT * FROM error_of(format($$SELECT forfeit_bonus(%s, '')$$, :forfeit));
SELECT forfeit_bonus(:forfeit, 'bonus abuse: matched betting');
SELECT * FROM bonus_state(:forfeit);
SELECT forfeit_reason FROM bonus WHERE bonus_id = :forfeit;
SELECT code, message, split_part(detail, ' since ', 1) AS detail FROM error_of(format($$SELECT forfeit_bonus(%s, 'twice')$$, :forfeit));
SELECT code, message, split_part(detail, ' since ', 1) AS detail FROM error_of(format($$SELECT bonus_bet(%s, 1)$$, :forfeit));
SELECT code, message, split_part(detail, ' since ', 1) AS detail FROM error_of(format($$SELECT forfeit_bonus(%s, 'too late')$$, :clears));
SELECT * FROM error_of($$SELECT forfeit_bonus(-1, 'no such bonus')$$);

--
-- what a bonus is worth: the formula, exactly
--
SELECT playthrough_expected_balance(10, 30, 0.98) AS p98, playthrough_expected_balance(10, 30, 0.97) AS p97,
       playthrough_expected_balance(10, 30, 0.96) AS p96, playthrough_expected_balance(10, 0, 0.5) AS no_wagering,
       playthrough_expected_balance(100, 20, 0.97) AS p97_20x, playthrough_expected_balance(100, 35, 0.965) AS p965;
SELECT * FROM error_of($$SELECT playthrough_expected_balance(-10, 30, 0.98)$$);
SELECT * FROM error_of($$SELECT playthrough_expected_balance(10, 'NaN', 0.98)$$);
SELECT * FROM error_of($$SELECT playthrough_expected_balance(10, 30, NULL)$$);

--
-- simulate_playthrough: the smooth ride gives the formula's figures
--
SELECT * FROM simulate_playthrough(10, 30, 0.98, 1);
SELECT * FROM simulate_playthrough(10, 30, 0.97, 1);
SELECT * FROM simulate_playthrough(10, 30, 0.96, 1);
SELECT * FROM simulate_playthrough(10, 30, 0.98, 1, trials => 1000);
-- a bet the balance covers exactly is placed: 1.60 -> 1.30 -> 1.00 -> 0.70,
-- and the third bet of 1 completes the wagering of 3
SELECT * FROM simulate_playthrough(1.60, 1.875, 0.70, 1);
-- 10 bets of 1 at 90%, then cleared with 9.00
SELECT * FROM simulate_playthrough(10, 1, 0.90, 1);
-- scale follows the amount and the stake
SELECT * FROM simulate_playthrough(10.000, 30, 0.98, 0.5);
-- a game that never pays, and a bonus that needs no wagering
SELECT * FROM simulate_playthrough(10, 30, 0, 1, trials => 10, volatility => 2);
SELECT * FROM simulate_playthrough(10, 0, 0.9, 1, trials => 10, volatility => 2);
-- with volatility: the same seed gives the same figures
SELECT (SELECT s FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3, 42) s)
     = (SELECT s FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3, 42) s) AS same_seed_same_figures;
SELECT (SELECT s FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3, 42) s)
    <> (SELECT s FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3, 43) s) AS other_seed_other_figures;
SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3, 42);
-- volatility gives a losing game a chance: some trials clear
SELECT clear_rate > 0 AND clear_rate < 1 AS some_clear, p05_balance <= mean_balance AND mean_balance <= p95_balance AS ordered
FROM simulate_playthrough(10, 30, 0.96, 1, 2000, 3);
-- input checks
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(0, 30, 0.96, 1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, -0.96, 1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 101, 1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 0)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 0.000000001)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, 0)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, 1000001)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, 10, -1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, 10, 1001)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10, 30, 0.96, 1, NULL)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(NULL, 30, 0.96, 1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(10000000000, 30, 0.96, 1)$$);
SELECT * FROM error_of($$SELECT * FROM simulate_playthrough(1000000, 1000, 0.96, 1, 10, 1)$$);
-- a simulation of many short trials is cancellable: statement_timeout
-- stops this one (999,000 trials of 1,000 bets, seconds of work) at once
SET statement_timeout = '50ms';
SELECT clock_timestamp() AS started \gset
DO $$
BEGIN
	PERFORM * FROM promo_draw.simulate_playthrough(1000, 1, 0.95, 1, 999000, 0.1, 1);
	RAISE NOTICE 'the simulation ran to its end';
EXCEPTION WHEN query_canceled THEN
	RAISE NOTICE 'cancelled: %', SQLERRM;
END
$$;
RESET statement_timeout;
SELECT clock_timestamp() - :'started'::timestamptz < interval '2 seconds' AS stopped_promptly;
