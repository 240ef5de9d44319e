CREATE FUNCTION promo_draw.stake_tickets_trans(internal, numeric, numeric) RETURNS internal
	AS 'MODULE_PATHNAME', 'stake_tickets_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION promo_draw.stake_tickets_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'stake_tickets_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION promo_draw.stake_tickets_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'stake_tickets_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION promo_draw.stake_tickets_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'stake_tickets_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION promo_draw.stake_tickets_final(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'stake_tickets_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.stake_tickets_trans(internal, numeric, numeric) IS
	'transition function of stake_tickets';
COMMENT ON FUNCTION promo_draw.stake_tickets_combine(internal, internal) IS
	'combine function of stake_tickets';
COMMENT ON FUNCTION promo_draw.stake_tickets_serialize(internal) IS
	'serialization function of stake_tickets';
COMMENT ON FUNCTION promo_draw.stake_tickets_deserialize(bytea, internal) IS
	'deserialization function of stake_tickets; rejects malformed states';
COMMENT ON FUNCTION promo_draw.stake_tickets_final(internal) IS
	'final function of stake_tickets';

CREATE AGGREGATE promo_draw.stake_tickets(amount numeric, stake_per_ticket numeric) (
	SFUNC = promo_draw.stake_tickets_trans,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = promo_draw.stake_tickets_final,
	COMBINEFUNC = promo_draw.stake_tickets_combine,
	SERIALFUNC = promo_draw.stake_tickets_serialize,
	DESERIALFUNC = promo_draw.stake_tickets_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE promo_draw.stake_tickets(numeric, numeric) IS
	'tickets bought by the group''s stakes: floor(sum(amount) / stake_per_ticket), exact; 0 for no stakes';
