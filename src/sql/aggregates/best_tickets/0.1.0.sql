CREATE FUNCTION promo_draw.best_tickets_trans(internal, uuid, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'best_tickets_trans'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION promo_draw.best_tickets_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'best_tickets_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION promo_draw.best_tickets_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'best_tickets_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION promo_draw.best_tickets_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'best_tickets_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION promo_draw.best_tickets_final(internal) RETURNS uuid[]
	AS 'MODULE_PATHNAME', 'best_tickets_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.best_tickets_trans(internal, uuid, integer) IS
	'transition function of best_tickets';
COMMENT ON FUNCTION promo_draw.best_tickets_combine(internal, internal) IS
	'combine function of best_tickets';
COMMENT ON FUNCTION promo_draw.best_tickets_serialize(internal) IS
	'serialization function of best_tickets';
COMMENT ON FUNCTION promo_draw.best_tickets_deserialize(bytea, internal) IS
	'deserialization function of best_tickets; rejects malformed states';
COMMENT ON FUNCTION promo_draw.best_tickets_final(internal) IS
	'final function of best_tickets';

CREATE AGGREGATE promo_draw.best_tickets(ticket uuid, k integer) (
	SFUNC = promo_draw.best_tickets_trans,
	STYPE = internal,
	SSPACE = 96,
	FINALFUNC = promo_draw.best_tickets_final,
	COMBINEFUNC = promo_draw.best_tickets_combine,
	SERIALFUNC = promo_draw.best_tickets_serialize,
	DESERIALFUNC = promo_draw.best_tickets_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE promo_draw.best_tickets(uuid, integer) IS
	'the k (1 to 1000) best distinct tickets of the group, best first; NULL tickets are skipped';
