
/*
 * Aggregates that keep only the best ticket(s) of a group (src/aggregates.c).
 * Pure functions: every role may use them.
 */

CREATE FUNCTION promo_draw.ticket_larger(uuid, uuid) RETURNS uuid
	AS 'MODULE_PATHNAME', 'ticket_larger'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.ticket_larger(uuid, uuid) IS
	'the better (greater) of two tickets; transition and combine function of best_ticket';

CREATE AGGREGATE promo_draw.best_ticket(ticket uuid) (
	SFUNC = promo_draw.ticket_larger,
	STYPE = uuid,
	COMBINEFUNC = promo_draw.ticket_larger,
	SORTOP = OPERATOR(pg_catalog.>),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE promo_draw.best_ticket(uuid) IS
	'the best ticket of the group: the greatest in uuid order; NULL tickets are skipped';

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
