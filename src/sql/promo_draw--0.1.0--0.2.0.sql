--@ Released with promo_draw 0.2.0: the script this builds never changes
--@ again, nor does a file it includes (a changed object gets a file of
--@ its new version).
-- promo_draw 0.1.0 -> 0.2.0: promotion codes, instant wins and playthrough
-- bonuses.  Only adds objects; nothing of 0.1.0 changes.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.2.0'" to load this file. \quit

--@include udfs/claim_row/0.2.0.sql

--@include udfs/claim_code_place/0.2.0.sql

/*
 * Promotion codes: redeemed once per customer inside their window, with an
 * exact limit that never serializes redeemers on one row.
 *
 * A limited code's capacity is split across up to 32 code_shard rows whose
 * capacities add up to the limit.  A redeemer takes one place from a shard
 * with room, starting at a shard of its own backend and passing over shards
 * other redeemers hold (claim_code_place); only when every shard with room
 * is held does it wait, for one of them.  So the units taken never add up to more
 * than the limit, a popular code has as many hot rows as shards, and its
 * redeemers rarely meet.  The code is exhausted when no shard has room in
 * what has committed.  An unlimited code touches no shared row at all:
 * redeeming it only inserts the redemption.
 */

--@include tables/promo_code/0.2.0.sql

--@include tables/code_shard/0.2.0.sql

--@include tables/redemption/0.2.0.sql

--@include tables/redemption_history/0.2.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.promo_code', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_shard', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption_history', '');

--@include udfs/random_code/0.2.0.sql

--@include udfs/normalize_code/0.2.0.sql

--@include udfs/create_code/0.2.0.sql

--@include udfs/create_codes/0.2.0.sql

--@include udfs/redeem/0.2.0.sql

--@include udfs/cancel_redemption/0.2.0.sql

--@include views/code_summary/0.2.0.sql

/*
 * Instant wins: a pool of prize units (and losing units), shuffled once
 * with pg_strong_random() before the first play (by shuffle_instant_win, or
 * by the first play itself); each play claims the next unclaimed unit in
 * shuffled order, passing over units held by plays in flight (claim_row).
 * A customer plays once.  Who wins is fixed by the shuffle: the pool's
 * order is readable only by the extension owner.
 */

--@include tables/instant_win/0.2.0.sql

--@include tables/instant_prize/0.2.0.sql

--@include tables/instant_play/0.2.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win_instant_win_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_prize', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_play', '');

--@include udfs/random_permutation/0.2.0.sql

--@include udfs/create_instant_win/0.2.0.sql

--@include udfs/add_instant_prizes/0.2.0.sql

--@include udfs/shuffle_instant_win/0.2.0.sql

--@include udfs/instant_win/0.2.0.sql

--@include views/instant_win_summary/0.2.0.sql

/*
 * Playthrough (wagering) bonuses.  A bonus of amount A with playthrough P
 * turns into cash once A x P has been wagered.  Every bet and win is an
 * event of the bonus; a bet_id seen before changes nothing, so game servers
 * may deliver at least once.  The status moves one way, from active to
 * cleared, lost, expired or forfeited.  Each change to a bonus holds its
 * row lock, so concurrent bets can neither overdraw it nor count twice.
 *
 * A bet with a bet_id stays open until its win arrives (a win of 0 settles
 * a losing bet): a bonus whose balance no longer covers a stake is lost
 * only once no bet is open, so that the win of its last bet still counts.
 */

--@include tables/bonus/0.2.0.sql

--@include tables/bonus_event/0.2.0.sql

SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_bonus_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event_event_id_seq', '');

--@include udfs/playthrough_required/0.2.0.sql

--@include udfs/playthrough_expected_balance/0.2.0.sql

--@include udfs/simulate_playthrough/0.2.0.sql

--@include udfs/bonus_status_now/0.2.0.sql

--@include udfs/grant_bonus/0.2.0.sql

--@include udfs/bonus_not_active/0.2.0.sql

--@include udfs/settle_bonus/0.2.0.sql

--@include udfs/bonus_bet/0.2.0.sql

--@include udfs/bonus_win/0.2.0.sql

--@include udfs/forfeit_bonus/0.2.0.sql

--@include udfs/expire_bonuses/0.2.0.sql

--@include udfs/bonus_state/0.2.0.sql

/*
 * Privileges of the new functions, as the 0.2.0 install script sets them:
 * revoked from PUBLIC, then given back for the pure ones.
 */
REVOKE EXECUTE ON FUNCTION
	promo_draw.claim_row(regclass, tid[]),
	promo_draw.claim_code_place(text, integer),
	promo_draw.random_code(integer),
	promo_draw.normalize_code(text),
	promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb),
	promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb),
	promo_draw.redeem(text, bigint),
	promo_draw.cancel_redemption(text, bigint),
	promo_draw.random_permutation(bigint),
	promo_draw.create_instant_win(text, timestamptz, timestamptz),
	promo_draw.add_instant_prizes(bigint, text, integer),
	promo_draw.shuffle_instant_win(bigint),
	promo_draw.instant_win(bigint, bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus),
	promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric),
	promo_draw.bonus_not_active(promo_draw.bonus),
	promo_draw.settle_bonus(promo_draw.bonus),
	promo_draw.bonus_bet(bigint, numeric, numeric, text),
	promo_draw.bonus_win(bigint, numeric, text),
	promo_draw.forfeit_bonus(bigint, text),
	promo_draw.expire_bonuses(),
	promo_draw.bonus_state(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.normalize_code(text),
	promo_draw.random_code(integer),
	promo_draw.random_permutation(bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus)
TO PUBLIC;
