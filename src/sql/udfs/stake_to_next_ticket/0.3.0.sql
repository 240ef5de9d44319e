CREATE FUNCTION promo_draw.stake_to_next_ticket(stake numeric, stake_per_ticket numeric)
	RETURNS numeric
	AS 'MODULE_PATHNAME', 'stake_to_next_ticket'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.stake_to_next_ticket(numeric, numeric) IS
	'internal: the stake still needed for the next ticket under the stake-to-ticket rule, floor(stake / stake_per_ticket)';
