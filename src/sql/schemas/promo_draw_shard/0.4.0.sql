/*
 * The shard side's functions live in a schema of their own, apart from the
 * API: only a proxy's role calls them (doc/scaling-out.md), and PUBLIC has
 * neither USAGE on the schema nor EXECUTE on its functions.  They are
 * created in promo_draw (the files of 0.3.0 are shipped and never change)
 * and moved here, by the install script and by the update alike.
 */
CREATE SCHEMA promo_draw_shard;
COMMENT ON SCHEMA promo_draw_shard IS
	'promo_draw''s shard side: the functions a promo_draw_proxy calls on every node; not an API';
ALTER FUNCTION promo_draw.shard_accept_code_room(text, uuid, bigint, integer) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_code_counts() SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_code_transfers(text) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_configure(integer, integer) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_draw_begin(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_draw_definition(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_draw_results(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_draw_state(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_draw_tickets(bigint, integer, integer) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_ineligible(bigint, bigint[]) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_instant_win_definition(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_lend_code_room(text, bigint, uuid, integer) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_node() SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_publish_draw(bigint, uuid, bigint[], bytea) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_put_draw(jsonb) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_put_instant_win(jsonb) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_redeem(text, bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_seal_begin(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_seal_draw(bigint, bytea) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_sealed_entries(bigint) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_sealed_tickets(bigint, integer, integer) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[], uuid[]) SET SCHEMA promo_draw_shard;
ALTER FUNCTION promo_draw.shard_take_notifications(integer) SET SCHEMA promo_draw_shard;
